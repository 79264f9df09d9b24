package io.bgfetch;

import io.bgfetch.cli.Cli;
import io.bgfetch.client.SelectorProviderChoice;

/** Entry point: reads the command line (only as much of it as {@code args} need), runs it, exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        SelectorProviderChoice.chooseTheJdksOwn();
        int code = Cli.run(args);
        System.out.flush();
        System.exit(code);
    }
}
