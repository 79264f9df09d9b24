package io.bgfetch;

import io.bgfetch.cli.Cli;

/** Entry point: builds the command line, runs it, exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = Cli.create().execute(args);
        System.out.flush();
        System.exit(code);
    }
}
