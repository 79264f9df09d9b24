package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.RecordInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Copies a body that is still arriving, snapshot by snapshot, and never writes a splice: the
 * daemon numbers each start of a body from zero (its generation, bumped durably before the new
 * body's first byte), and bytes read while the body had one generation are never followed by
 * bytes of another.
 *
 * <p>When the generation changes, a file given with {@code -o} is emptied and written again from
 * the new body's first byte; stdout cannot take bytes back, so match fails there (exit 1). To
 * make that promise hold for stdout even when the body restarts while a part is being read, each
 * part is read into memory first and written only once a fresh snapshot shows the generation
 * unchanged: bytes of a new generation land only after that bump, so whatever was read before
 * it is the old body's. A file can take bytes back, so there parts go straight in.
 */
final class FollowedBody {
    /** The most bytes held back before they are confirmed (stdout). */
    private static final int HOLD_BYTES = 8 << 20;

    private final FileChannel file;
    private final WritableByteChannel stdout;
    private final String outputName;
    private final Supplier<RecordInfo> fresh;
    private final Function<RecordInfo, Path> where;
    private final Consumer<RecordInfo> onBodyStart;
    private final Consumer<String> note;
    private long generation = -1;
    private long copied;

    /**
     * @param file        the {@code -o} file, or null to write to {@code stdout}
     * @param fresh       a snapshot of the record taken now (a new request to the daemon)
     * @param where       the file to read a snapshot's body from now (a {@code --dest} part file
     *                    may have been renamed into place since the snapshot)
     * @param onBodyStart told of each body copied from its start (to print its headers)
     * @param note        a line for the user when the file starts again
     */
    FollowedBody(FileChannel file, WritableByteChannel stdout, String outputName, Supplier<RecordInfo> fresh,
                 Function<RecordInfo, Path> where, Consumer<RecordInfo> onBodyStart, Consumer<String> note) {
        this.file = file;
        this.stdout = stdout;
        this.outputName = outputName;
        this.fresh = fresh;
        this.where = where;
        this.onBodyStart = onBodyStart;
        this.note = note;
    }

    /** Copies what the snapshot says is newly readable. */
    void accept(RecordInfo r) {
        if (r.isFailed() || r.path() == null) {
            return; // nothing to read (yet); a failure is the caller's to report
        }
        if (r.generation() != generation) {
            startAgain(r);
        }
        long readable = r.isDone() ? r.downloaded() : r.available();
        if (readable <= copied) {
            return; // the same body being repaired after a crash catches up with what was copied
        }
        try {
            if (file != null) {
                toFile(where.apply(r), readable, r.isDone());
            } else {
                toStdout(where.apply(r), readable, r.isDone());
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.LOCAL_IO, "cannot write " + outputName + ": " + e.getMessage());
        }
    }

    /** A body from its first byte: the first one, or one that replaced the body being copied. */
    private void startAgain(RecordInfo r) {
        boolean replaced = generation >= 0;
        if (replaced && copied > 0) {
            if (file == null) {
                throw changed(r);
            }
            try {
                file.truncate(0);
                file.position(0);
            } catch (IOException e) {
                throw new CliException(ExitCode.LOCAL_IO, "cannot write " + outputName + ": " + e.getMessage());
            }
            note.accept("the body changed on the server and started again; " + outputName
                    + " is written again from its start");
            copied = 0;
        }
        generation = r.generation();
        onBodyStart.accept(r);
    }

    private CliException changed(RecordInfo r) {
        return new CliException(ExitCode.FAILED, "the body of " + r.url() + " changed on the server and started"
                + " again after " + copied + " bytes were written; the output is incomplete"
                + " (run match again, or use -o FILE, which starts the file again)");
    }

    /** A file takes bytes back: a part of a replaced body is overwritten when the change shows. */
    private void toFile(Path body, long readable, boolean done) throws IOException {
        try (FileChannel in = FileChannel.open(body, StandardOpenOption.READ)) {
            while (copied < readable) {
                long n = in.transferTo(copied, readable - copied, file);
                if (n <= 0) {
                    shorter(body, done);
                    return;
                }
                copied += n;
            }
        }
    }

    /** Stdout does not: each part is read, confirmed as the same body, then written. */
    private void toStdout(Path body, long readable, boolean done) throws IOException {
        try (FileChannel in = FileChannel.open(body, StandardOpenOption.READ)) {
            ByteBuffer part = ByteBuffer.allocate((int) Math.min(HOLD_BYTES, readable - copied));
            while (copied < readable) {
                part.clear().limit((int) Math.min(part.capacity(), readable - copied));
                while (part.hasRemaining()) {
                    if (in.read(part, copied + part.position()) < 0) {
                        shorter(body, done);
                        return;
                    }
                }
                // A done body never changes again; one still arriving might have restarted meanwhile.
                if (!done) {
                    RecordInfo now = fresh.get();
                    if (now.generation() != generation) {
                        throw changed(now);
                    }
                }
                part.flip();
                while (part.hasRemaining()) {
                    copied += stdout.write(part);
                }
            }
        }
    }

    /**
     * The file holds less than the snapshot said: it was emptied for a restart (the next
     * snapshot shows the new generation), unless the body is done, which is final.
     */
    private static void shorter(Path body, boolean done) throws IOException {
        if (done) {
            throw new IOException("the stored body " + body + " is shorter than recorded");
        }
    }
}
