package io.bgfetch.daemon;

import io.bgfetch.home.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code HOME/daemon.log}, kept to a bounded size: once it grows past the limit it is copied to
 * {@code daemon.log.1} (the previous one moving to {@code daemon.log.2}, the one before that
 * dropped) and emptied in place. So the three files hold at most about three times the limit.
 *
 * <p>Copied and emptied rather than renamed, because others hold the same file open for
 * appending: the spawned daemon's own stdout and stderr (what the JVM itself prints, such as an
 * out-of-memory exit) and the hooks' output. After the file is emptied their writes land at its
 * new end, in the file a person looks at, instead of in a renamed or deleted one that nobody
 * bounds. Lines such a writer adds between the copy and the emptying are lost; the window is
 * a copy of one limit's worth of bytes. Since those writers never call this class, the size is
 * also checked on a timer.
 */
final class LogFile {
    static final int KEEP = 2;
    private static final Duration CHECK_EVERY = Duration.ofSeconds(10);

    private final Path file;
    private final long maxBytes;
    private FileChannel out;
    private ScheduledExecutorService timer;

    LogFile(Path file, long maxBytes) {
        this.file = file;
        this.maxBytes = maxBytes;
    }

    Path path() {
        return file;
    }

    /** Appends one entry (a line, or a few with a stack trace); false if it cannot be written. */
    synchronized boolean append(String text) {
        try {
            if (out == null || !Files.exists(file)) {
                reopen();
            }
            byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(java.nio.ByteBuffer.wrap(bytes));
            rotateIfOver();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Rotates when the file is over the limit, whoever wrote to it. */
    synchronized void rotateIfOver() throws IOException {
        if (Files.exists(file) && Files.size(file) > maxBytes) {
            rotate();
        }
    }

    /** Checks the size every few seconds too, for the writers that do not go through {@link #append}. */
    synchronized void watch() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bgfetch-log");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                rotateIfOver();
            } catch (IOException | RuntimeException e) {
                // the next line written tries again
            }
        }, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void rotate() throws IOException {
        for (int i = KEEP; i > 1; i--) {
            if (Files.exists(old(i - 1))) {
                Files.move(old(i - 1), old(i), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path first = PrivateFiles.file(old(1));
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel copy = FileChannel.open(first, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            for (long done = 0; done < size; ) {
                done += in.transferTo(done, size - done, copy);
            }
            try (FileChannel emptied = FileChannel.open(file, StandardOpenOption.WRITE)) {
                emptied.truncate(0);
            }
        }
    }

    private Path old(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void reopen() throws IOException {
        if (out != null) {
            out.close();
        }
        out = FileChannel.open(PrivateFiles.file(file), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
}
