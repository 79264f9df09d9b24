package io.bgfetch.transfer;

import io.bgfetch.home.PrivateFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A body's file in the store. Segments write into it at their own offsets (positional writes,
 * so parallel connections need no lock), and {@link #force} makes written bytes durable before
 * a checkpoint claims them. The file keeps its name from the first byte to the last: readers
 * (match while arriving) follow it by the record's progress, not by a rename.
 */
final class BodyFile implements Closeable {
    private final Path path;
    private final FileChannel channel;

    private BodyFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Opens a body's file, creating it (and its directories) private when it is missing. A file
     * that exists is opened as it is: a {@code --dest} part file, which the daemon created with
     * the user's usual mode in the user's directory, keeps that mode, and so does the directory.
     */
    static BodyFile open(Path path) throws TransferFailure.Permanent {
        try {
            if (!Files.exists(path)) {
                PrivateFiles.createMissing(path.getParent()); // never chmods a directory that exists
                PrivateFiles.file(path);
            }
            return new BodyFile(path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ));
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /** Writes all of {@code buffer} at {@code position}. */
    void write(ByteBuffer buffer, long position) throws TransferFailure.Permanent {
        try {
            long at = position;
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /** fdatasync: what was written survives a power loss once this returns. */
    void force() throws TransferFailure.Permanent {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /** Drops everything: the body starts from zero. */
    void truncate() throws TransferFailure.Permanent {
        try {
            channel.truncate(0);
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    long size() throws TransferFailure.Permanent {
        try {
            return channel.size();
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /** SHA-256 of the first {@code length} bytes, as lowercase hex. */
    String sha256(long length) throws TransferFailure.Permanent {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            long left = length;
            try (DigestInputStream din = new DigestInputStream(in, md)) {
                int n;
                while (left > 0 && (n = din.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1) {
                    left -= n;
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw Failures.local(e);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing buffered in a FileChannel
        }
    }
}
