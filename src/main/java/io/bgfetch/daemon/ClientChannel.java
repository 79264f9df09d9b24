package io.bgfetch.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One local client's connection, bounded against a client that is silent, slow, gone or broken:
 * <ul>
 * <li>its greeting and request must have arrived by a deadline, so a client that connects and
 *     says nothing is dropped within seconds;</li>
 * <li>a line longer than the request limit fails the connection, and all connections together
 *     hold at most a fixed budget of request bytes while reading, so many large requests at
 *     once cannot exhaust the heap;</li>
 * <li>a reply the client does not take within the write timeout fails the connection;</li>
 * <li>{@link #hungUp()} tells without blocking whether the client closed its end, for a stream
 *     that writes only when something changes.</li>
 * </ul>
 * The channel is non-blocking, driven by a selector of its own, and used by one thread.
 */
final class ClientChannel implements AutoCloseable {
    /** Request bytes that all connections together may be holding while they read. */
    static final class Budget {
        private final AtomicLong left;

        Budget(long bytes) {
            left = new AtomicLong(bytes);
        }

        boolean take(long n) {
            while (true) {
                long now = left.get();
                if (now < n) {
                    return false;
                }
                if (left.compareAndSet(now, now - n)) {
                    return true;
                }
            }
        }

        void give(long n) {
            left.addAndGet(n);
        }
    }

    /** The client sent a line longer than the limit. */
    static final class TooLongException extends IOException {
        TooLongException(String message) {
            super(message);
        }
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final long maxLineBytes;
    private final Budget budget;
    private final long writeTimeoutNanos;
    private long readDeadline;
    private long lineBytes;
    private long held;

    private ClientChannel(SocketChannel channel, Selector selector, SelectionKey key, long maxLineBytes,
                          Budget budget, Duration readWithin, Duration writeTimeout) {
        this.channel = channel;
        this.selector = selector;
        this.key = key;
        this.maxLineBytes = maxLineBytes;
        this.budget = budget;
        this.readDeadline = System.nanoTime() + readWithin.toNanos();
        this.writeTimeoutNanos = writeTimeout.toNanos();
    }

    /**
     * Takes over an accepted channel. Reading must be done {@code readWithin} from now (see
     * {@link #requestRead()}); each write must finish within {@code writeTimeout}.
     */
    static ClientChannel open(SocketChannel channel, long maxLineBytes, Budget budget, Duration readWithin,
                              Duration writeTimeout) throws IOException {
        channel.configureBlocking(false);
        Selector selector = Selector.open();
        try {
            SelectionKey key = channel.register(selector, 0);
            return new ClientChannel(channel, selector, key, maxLineBytes, budget, readWithin, writeTimeout);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    /** The request is in: no more reading deadline, and its bytes go back to the budget. */
    void requestRead() {
        readDeadline = Long.MAX_VALUE;
        release();
    }

    /** True when the client has closed its end (or the connection broke); never blocks. */
    boolean hungUp() {
        try {
            return channel.read(ByteBuffer.allocate(64)) < 0; // anything it sends now is ignored
        } catch (IOException e) {
            return true;
        }
    }

    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (true) {
                    int n = channel.read(buf);
                    if (n != 0) {
                        if (n > 0) {
                            account(b, off, n);
                        }
                        return n;
                    }
                    await(SelectionKey.OP_READ, readDeadline, "sent no complete request in time");
                }
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                long deadline = System.nanoTime() + writeTimeoutNanos;
                while (buf.hasRemaining()) {
                    if (channel.write(buf) == 0) {
                        await(SelectionKey.OP_WRITE, deadline, "took no reply for "
                                + TimeUnit.NANOSECONDS.toSeconds(writeTimeoutNanos) + " s");
                    }
                }
            }
        };
    }

    /** Counts what was read against the line limit and the shared budget. */
    private void account(byte[] b, int off, int n) throws IOException {
        if (readDeadline != Long.MAX_VALUE) {
            if (!budget.take(n)) {
                throw new TooLongException("too many large requests are being read at once");
            }
            held += n;
        }
        for (int i = off; i < off + n; i++) {
            lineBytes = b[i] == '\n' ? 0 : lineBytes + 1;
            if (lineBytes > maxLineBytes) {
                throw new TooLongException("the request is larger than " + (maxLineBytes >> 20) + " MiB");
            }
        }
    }

    private void await(int op, long deadline, String what) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(what);
        }
        key.interestOps(op);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        selector.selectedKeys().clear();
    }

    private void release() {
        if (held > 0) {
            budget.give(held);
            held = 0;
        }
    }

    @Override
    public void close() {
        release();
        try {
            selector.close(); // deregisters the channel, so closing it closes the socket at once
        } catch (IOException ignored) {
            // nothing left to release
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
