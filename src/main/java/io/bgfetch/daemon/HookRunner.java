package io.bgfetch.daemon;

import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs {@code --on-success}, {@code --on-fail} and {@code --on-abort} in the daemon, through
 * {@code /bin/sh -c CMD}. What describes the fetch goes in the environment only (the six
 * BGFETCH_* variables), never into the command text, so no ID, title or URL can inject shell.
 * Hooks run at least once: the result and a "hooks pending" mark are stored together, and a
 * daemon that died before running them runs them on its next start.
 */
final class HookRunner {
    private final FetchStore store;
    private final Path home;
    private final Path log;

    HookRunner(FetchStore store, Path home, Path log) {
        this.store = store;
        this.home = home;
        this.log = log;
    }

    /** Starts the hook for the fetch's result, if it has one, in the background. */
    void fire(FetchRow f) {
        String command = commandFor(f);
        if (command == null || command.isBlank()) {
            store.hooksDone(f.key());
            return;
        }
        Thread t = new Thread(() -> run(f, command), "bgfetch-hook-" + f.key());
        t.setDaemon(false);
        t.start();
    }

    private static String commandFor(FetchRow f) {
        if ("success".equals(f.result())) {
            return f.options().onSuccess();
        }
        return "aborted".equals(f.failureReason()) ? f.options().onAbort() : f.options().onFail();
    }

    private void run(FetchRow f, String command) {
        try {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command)
                    .directory(f.options().dest() != null && new File(f.options().dest()).isDirectory()
                            ? new File(f.options().dest()) : home.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = pb.environment();
            env.put("BGFETCH_ID", f.id());
            env.put("BGFETCH_RESULT", f.result());
            env.put("BGFETCH_FAILURE_REASON", f.failureReason());
            env.put("BGFETCH_DOWNLOADED", Long.toString(downloaded(f)));
            env.put("BGFETCH_DEST", f.options().dest() == null ? "" : f.options().dest());
            env.put("BGFETCH_HOME", home.toString());
            int exit = pb.start().waitFor();
            Log.info("fetch '" + f.id() + "': hook exited with " + exit);
        } catch (Exception e) {
            Log.error("fetch '" + f.id() + "': cannot run its hook", e);
        } finally {
            store.hooksDone(f.key());
        }
    }

    private long downloaded(FetchRow f) {
        return Snapshots.storedBytes(store, store.records(f.key()));
    }
}
