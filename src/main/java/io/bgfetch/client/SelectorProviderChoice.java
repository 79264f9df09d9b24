package io.bgfetch.client;

import java.nio.channels.spi.SelectorProvider;

/**
 * Names the JDK's own selector provider before a client opens its first socket, so that the JDK
 * does not first look for another one as a service, through every jar on the class path (twelve
 * of them here): about 10 ms of every client command. Measured with {@code hyperfine}, 40 runs
 * each, twice, interleaved: {@code bgfetch list} 94 and 102 ms without, 83 and 90 ms with.
 *
 * <p>Only when that provider's class is there (Linux's epoll provider, as in JDK 17 and 25) and
 * no provider was chosen already; otherwise the JDK looks for one as it always did. The daemon
 * does not need it: it starts once.
 */
public final class SelectorProviderChoice {
    static final String PROPERTY = "java.nio.channels.spi.SelectorProvider";
    static final String EPOLL = "sun.nio.ch.EPollSelectorProvider";

    private SelectorProviderChoice() {
    }

    /** Call first thing in a client's {@code main}, before any socket or selector exists. */
    public static void chooseTheJdksOwn() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        try {
            // What SelectorProvider will do with the name: load the class, call its public
            // no-argument constructor. Checked here, so that a JDK without it keeps its lookup.
            Class<?> epoll = Class.forName(EPOLL, false, null); // the JDK's own classes: the boot loader's
            if (SelectorProvider.class.isAssignableFrom(epoll)) {
                epoll.getConstructor(); // public and without arguments, or NoSuchMethodException
                System.setProperty(PROPERTY, EPOLL);
            }
        } catch (ReflectiveOperationException | LinkageError | SecurityException notThisJdk) {
            // the usual lookup it is
        }
    }
}
