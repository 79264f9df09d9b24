package io.bgfetch.transfer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * A body's file in the store. Segments write into it at their own offsets (positional writes,
 * so parallel connections need no lock), and {@link #force} makes written bytes durable before
 * the database calls them durable. The file keeps its name from the first byte to the last:
 * readers (match while arriving) follow it by the record's progress, not by a rename.
 *
 * <p>It is closed by its last user: a complete body is fsynced after its record is done (see
 * {@link BodySync#finishLater}), so the late sync {@link #retain retains} it past the transfer.
 */
final class BodyFile implements Closeable {
    /** Reads for checksums and digests: large enough that the syscalls do not matter. */
    private static final int READ_BYTES = 1 << 20;

    private final BodyDisk.Handle file;
    /** Users that have not closed it yet: the transfer, and a late sync. */
    private final AtomicInteger users = new AtomicInteger(1);

    private BodyFile(BodyDisk.Handle file) {
        this.file = file;
    }

    static BodyFile open(BodyDisk disk, Path path) throws TransferFailure.Permanent {
        try {
            return new BodyFile(disk.open(path));
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /** Writes all of {@code buffer} at {@code position}. */
    void write(ByteBuffer buffer, long position) throws TransferFailure.Permanent {
        try {
            long at = position;
            while (buffer.hasRemaining()) {
                at += file.write(buffer, at);
            }
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /** Reads {@code buffer.remaining()} bytes at {@code position}; false when the file ends first. */
    boolean readFully(ByteBuffer buffer, long position) throws TransferFailure.Permanent {
        try {
            long at = position;
            while (buffer.hasRemaining()) {
                int n = file.read(buffer, at);
                if (n < 0) {
                    return false;
                }
                at += n;
            }
            return true;
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /** fdatasync: what was written (and the file's size) survives a power loss once this returns. */
    void force() throws TransferFailure.Permanent {
        try {
            file.force();
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /** Drops everything: the body starts from zero. Not durable until {@link #force}. */
    void truncate() throws TransferFailure.Permanent {
        try {
            file.truncate(0);
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    long size() throws TransferFailure.Permanent {
        try {
            return file.size();
        } catch (IOException e) {
            throw Failures.local(e);
        }
    }

    /**
     * Feeds bytes [position, position + length) into {@code crc}; false when the file is
     * shorter (the bytes are not there to check).
     */
    boolean checksum(CRC32C crc, long position, long length) throws TransferFailure.Permanent {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(READ_BYTES, Math.max(1, length)));
        long at = position;
        long left = length;
        while (left > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            if (!readFully(buffer, at)) {
                return false;
            }
            buffer.flip();
            crc.update(buffer);
            at += buffer.limit();
            left -= buffer.limit();
        }
        return true;
    }

    /** SHA-256 of the first {@code length} bytes, as lowercase hex. */
    String sha256(long length) throws TransferFailure.Permanent {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
        ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
        long at = 0;
        while (at < length) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - at));
            if (!readFully(buffer, at)) {
                break; // shorter than recorded: the digest cannot match
            }
            md.update(buffer.array(), 0, buffer.limit());
            at += buffer.limit();
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** One more user, who must {@link #close} it too; the file stays open until the last does. */
    BodyFile retain() {
        users.incrementAndGet();
        return this;
    }

    @Override
    public void close() {
        if (users.decrementAndGet() > 0) {
            return;
        }
        try {
            file.close();
        } catch (IOException ignored) {
            // nothing buffered in a FileChannel
        }
    }
}
