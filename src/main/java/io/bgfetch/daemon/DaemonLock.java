package io.bgfetch.daemon;

import io.bgfetch.home.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one-daemon-per-home guard: an exclusive lock on {@code HOME/daemon.lock}, held for the
 * daemon's whole life and released by the kernel when it dies, even by SIGKILL, so a stale
 * lock can never block the next daemon.
 */
final class DaemonLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or returns null when another daemon holds it. */
    static DaemonLock tryAcquire(Path file) throws IOException {
        FileChannel channel = FileChannel.open(PrivateFiles.file(file), StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            return null;
        }
        return new DaemonLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
