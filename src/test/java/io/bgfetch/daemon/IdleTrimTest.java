package io.bgfetch.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One full collection after each busy spell, once the daemon has been idle a while; none otherwise. */
class IdleTrimTest {
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger collections = new AtomicInteger();
    private final IdleTrim trim = new IdleTrim(busy::get, collections::incrementAndGet);

    private void ticks(int n) {
        for (int i = 0; i < n; i++) {
            trim.tick();
        }
    }

    @Test
    void aDaemonThatNeverWorkedNeverCollects() {
        ticks(100);
        assertEquals(0, collections.get());
    }

    @Test
    void collectsOnceAfterABusySpellWhenIdleLongEnough() {
        busy.set(true);
        ticks(10);
        assertEquals(0, collections.get(), "never while busy");
        busy.set(false);
        ticks(IdleTrim.QUIET_TICKS - 1);
        assertEquals(0, collections.get(), "not before the quiet time");
        ticks(1);
        assertEquals(1, collections.get());
        ticks(100);
        assertEquals(1, collections.get(), "an idle daemon collects once, not again and again");
    }

    @Test
    void workThatResumesBeforeTheQuietTimeEndsPostponesIt() {
        busy.set(true);
        ticks(1);
        busy.set(false);
        ticks(IdleTrim.QUIET_TICKS - 1);
        busy.set(true);
        ticks(1);
        busy.set(false);
        ticks(IdleTrim.QUIET_TICKS - 1);
        assertEquals(0, collections.get());
        ticks(1);
        assertEquals(1, collections.get());
        busy.set(true);
        ticks(1);
        busy.set(false);
        ticks(IdleTrim.QUIET_TICKS);
        assertEquals(2, collections.get(), "each busy spell gets its collection");
    }
}
