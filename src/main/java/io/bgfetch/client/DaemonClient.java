package io.bgfetch.client;

import io.bgfetch.home.BgfetchHome;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Reply;
import io.bgfetch.protocol.Request;
import io.bgfetch.protocol.WireCodec;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The CLI's one way to the daemon: send a request, get the reply. Starts a daemon when none
 * answers (except for {@link #callIfRunning}, used where starting one would be wrong).
 * A failed reply becomes a {@link DaemonException} carrying the daemon's exit code.
 */
public final class DaemonClient {
    private final BgfetchHome home;
    private final String version;

    public DaemonClient(BgfetchHome home, String version) {
        this.home = home;
        this.version = version;
    }

    public BgfetchHome home() {
        return home;
    }

    /** Sends one request, starting the daemon if needed, and returns the reply's data. */
    public <R> R call(Request<R> request) {
        try (Connection c = new DaemonStarter(home).connectOrStart(version)) {
            return exchange(c, request);
        }
    }

    /** Like {@link #call} but never starts a daemon: empty when none is running. */
    public <R> Optional<R> callIfRunning(Request<R> request) {
        Connection c;
        try {
            c = Connection.open(home, version);
        } catch (IOException notRunning) {
            return Optional.empty();
        }
        try (c) {
            return Optional.ofNullable(exchange(c, request));
        }
    }

    /**
     * Sends a streaming request and hands each reply's data to {@code onData} until the daemon
     * sends its last reply or {@code onData} returns false.
     */
    public <R> void stream(Request<R> request, Predicate<R> onData) {
        try (Connection c = new DaemonStarter(home).connectOrStart(version)) {
            c.send(request);
            while (true) {
                Reply reply = c.receive(request.replyType());
                if (!reply.ok()) {
                    throw new DaemonException(ExitCode.of(reply.exitCode()), reply.error());
                }
                if (!onData.test(request.replyType().cast(reply.data())) || reply.last()) {
                    return;
                }
            }
        } catch (WireCodec.ProtocolException e) {
            throw unreadable(e);
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private <R> R exchange(Connection c, Request<R> request) {
        try {
            c.send(request);
            Reply reply = c.receive(request.replyType());
            if (!reply.ok()) {
                throw new DaemonException(ExitCode.of(reply.exitCode()), reply.error());
            }
            return request.replyType().cast(reply.data());
        } catch (WireCodec.ProtocolException e) {
            throw unreadable(e);
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private static DaemonException unreadable(IOException e) {
        return new DaemonException(ExitCode.DAEMON_UNAVAILABLE, "unreadable reply from the daemon: " + e.getMessage(), e);
    }

    private DaemonException lost(IOException e) {
        return new DaemonException(ExitCode.DAEMON_UNAVAILABLE,
                "lost the connection to the daemon (" + e.getMessage() + "); see " + home.logFile(), e);
    }
}
