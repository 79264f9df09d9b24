package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.WireName;
import io.bgfetch.protocol.RecordInfo;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.JsonRecords;
import io.bgfetch.store.FetchRow;
import io.bgfetch.store.FetchStore;
import io.bgfetch.store.RecordRow;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code --on-success}, {@code --on-fail} and {@code --on-abort} in the daemon, through
 * {@code /bin/sh -c CMD}. What describes the fetch goes in the environment (the six BGFETCH_*
 * variables) and on standard input (one JSON document, {@code {"registration": {...},
 * "records": [...]}}, the shapes of {@code status --json} and {@code match --json}), never into
 * the command text, so no ID, title or URL can inject shell. Standard input is written by a
 * thread of its own and closed: a hook that never reads it neither blocks nor fails the daemon
 * (its end of the pipe closes when it exits, and the write gives up). Hooks run at least once:
 * the result and a "hooks pending" mark are stored together, and a daemon that died before
 * running them runs them on its next start.
 */
final class HookRunner {
    private final FetchStore store;
    private final Snapshots snapshots;
    private final Path home;
    private final Path log;

    HookRunner(FetchStore store, BodyPaths paths, Path home, Path log) {
        this.store = store;
        this.snapshots = new Snapshots(store, paths);
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
        if (f.result() == FetchResult.SUCCESS) {
            return f.options().onSuccess();
        }
        return f.failureReason() == FailureReason.ABORTED ? f.options().onAbort() : f.options().onFail();
    }

    private void run(FetchRow f, String command) {
        try {
            byte[] story = story(f);
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command)
                    .directory(f.options().dest() != null && new File(f.options().dest()).isDirectory()
                            ? new File(f.options().dest()) : home.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = pb.environment();
            env.put("BGFETCH_ID", f.id());
            env.put("BGFETCH_RESULT", WireName.of(f.result()));
            env.put("BGFETCH_FAILURE_REASON", WireName.of(f.failureReason()));
            env.put("BGFETCH_DOWNLOADED", Long.toString(downloaded(f)));
            env.put("BGFETCH_DEST", f.options().dest() == null ? "" : f.options().dest());
            env.put("BGFETCH_HOME", home.toString());
            Process p = pb.start();
            feed(p, story, f.key());
            int exit = p.waitFor();
            Log.info("fetch '" + f.id() + "': hook exited with " + exit);
        } catch (Exception e) {
            Log.error("fetch '" + f.id() + "': cannot run its hook", e);
        } finally {
            store.hooksDone(f.key());
        }
    }

    /**
     * The whole story of the fetch for the hook's standard input: its final registration and
     * every record, as {@code status --json} and {@code match --json} print them.
     */
    byte[] story(FetchRow f) throws IOException {
        Registration registration = snapshots.registration(f, null);
        List<RecordInfo> records = new ArrayList<>();
        for (RecordRow r : store.records(f.key())) {
            records.add(snapshots.record(f, r, null));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("registration", registration);
        doc.put("records", records);
        return (JsonRecords.toJson(doc) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the document to the hook's stdin from a thread of its own, then closes it. A hook
     * that does not read fills the pipe and the writer waits, at most as long as the hook lives:
     * when it exits the pipe breaks and the write fails, which is fine (EPIPE is not an error of
     * the fetch; the JVM ignores SIGPIPE).
     */
    private static void feed(Process p, byte[] story, long key) {
        Thread writer = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(story);
            } catch (IOException hookDidNotRead) {
                // the hook exited or closed its stdin without reading it all: its choice
            }
        }, "bgfetch-hook-stdin-" + key);
        writer.setDaemon(true);
        writer.start();
    }

    private long downloaded(FetchRow f) {
        return Snapshots.storedBytes(store.tallies(f.key()));
    }
}
