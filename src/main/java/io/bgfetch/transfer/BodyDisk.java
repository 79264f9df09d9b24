package io.bgfetch.transfer;

import io.bgfetch.home.PrivateFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file I/O under stored bytes (bodies, upload copies), kept this narrow so that tests can
 * put a disk under the daemon that keeps writes not yet forced apart and drops them when it
 * "loses power". {@link #FILES} is the real file system.
 */
public interface BodyDisk {

    /**
     * Opens a file for positional reads and writes, creating it (and its directories) private to
     * the user when it is missing. A file that exists is opened as it is: a {@code --dest} part
     * file, which the daemon created with the user's usual mode in the user's directory, keeps
     * that mode, and so does the directory.
     */
    Handle open(Path path) throws IOException;

    /** fsync of a directory: a file created (or renamed) in it survives a power loss once this returns. */
    void forceDirectory(Path dir) throws IOException;

    /**
     * Copies {@code source} to a new file {@code target} (private to the user) and makes the copy
     * durable, its bytes and its directory entry, before returning: what it holds can then be
     * promised. A failed copy leaves no target behind.
     */
    default void copyDurably(Path source, Path target) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ); Handle out = open(target)) {
            out.truncate(0);
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            long at = 0;
            while (in.read(buffer.clear()) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    at += out.write(buffer, at);
                }
            }
            out.force();
        } catch (IOException | RuntimeException e) {
            java.nio.file.Files.deleteIfExists(target);
            throw e;
        }
        forceDirectory(target.getParent());
    }

    /** One open file. Positional, so parallel connections share it without a lock. */
    interface Handle extends Closeable {
        int write(ByteBuffer src, long position) throws IOException;

        int read(ByteBuffer dst, long position) throws IOException;

        /** fdatasync: the bytes written and the size survive a power loss once this returns. */
        void force() throws IOException;

        void truncate(long size) throws IOException;

        long size() throws IOException;

        @Override
        void close() throws IOException;
    }

    BodyDisk FILES = new BodyDisk() {
        @Override
        public Handle open(Path path) throws IOException {
            if (!java.nio.file.Files.exists(path)) {
                PrivateFiles.createMissing(path.getParent()); // never chmods a directory that exists
                DirectoryCreateLock.creating(path.getParent(), () -> PrivateFiles.file(path));
            }
            FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
            return new Handle() {
                @Override
                public int write(ByteBuffer src, long position) throws IOException {
                    return channel.write(src, position);
                }

                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return channel.read(dst, position);
                }

                @Override
                public void force() throws IOException {
                    channel.force(false);
                }

                @Override
                public void truncate(long size) throws IOException {
                    channel.truncate(size);
                }

                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            // Linux lets a directory be opened read-only and fsynced; that makes its entries durable.
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
    };
}
