package io.bgfetch.docs;

import picocli.AutoComplete;
import picocli.CommandLine;

/** The bash completion script: picocli's own generator, run on the command model. */
final class BashCompletion {
    private BashCompletion() {
    }

    static String generate(CommandLine root) {
        return AutoComplete.bash(root.getCommandName(), root);
    }
}
