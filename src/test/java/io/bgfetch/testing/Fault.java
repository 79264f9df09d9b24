package io.bgfetch.testing;

/**
 * A misbehaviour that a {@link Resource} applies to one request. Faults queued with
 * {@link Resource#faults(Fault...)} are taken one per request (any method, HEAD included),
 * in order; once the queue is empty the resource behaves normally again.
 *
 * <p>Byte counts are body bytes of that one response (after any Range was applied).
 */
public sealed interface Fault {

    /** Send the headers and {@code bytes} body bytes, then reset the connection (RST). The
     *  reset waits (up to 10 s) until the peer's kernel has acknowledged those bytes, since an
     *  RST discards whatever is still queued: the client really receives exactly N bytes. */
    record DropAfter(long bytes) implements Fault {}

    /** Send {@code bytes} body bytes, then nothing more; the socket stays open until the
     *  client closes it or the server stops. */
    record StallAfter(long bytes) implements Fault {}

    /** Answer {@code code} with a small body; {@code retryAfter} (seconds or an HTTP-date)
     *  becomes a Retry-After header unless null. */
    record Status(int code, String retryAfter) implements Fault {}

    /** Announce the full Content-Length, send {@code bytes} body bytes, then close cleanly (FIN). */
    record ShortBody(long bytes) implements Fault {}

    /** Answer with 206 whose Content-Range starts elsewhere than asked, with the body from
     *  that wrong start (a request without Range is treated as {@code bytes=0-}). */
    record LyingContentRange() implements Fault {}

    /** This request: 200 with the full body although it carried a Range. */
    record IgnoreRange() implements Fault {}

    /** Before answering, replace the body with different content of the same size
     *  (new ETag and Last-Modified), then answer normally. */
    record ChangeEtagBefore() implements Fault {}

    /** Close the connection at once, without any response. */
    record Refuse() implements Fault {}

    /** Send the headers and {@code bytes} body bytes, then hold the rest at {@code gate} until
     *  the test releases it (see {@link BodyGate}). */
    record HoldAt(long bytes, BodyGate gate) implements Fault {}

    static Fault dropAfter(long bytes) {
        return new DropAfter(bytes);
    }

    static Fault stallAfter(long bytes) {
        return new StallAfter(bytes);
    }

    static Fault status(int code, String retryAfter) {
        return new Status(code, retryAfter);
    }

    static Fault shortBody(long bytes) {
        return new ShortBody(bytes);
    }

    static Fault lyingContentRange() {
        return new LyingContentRange();
    }

    static Fault ignoreRange() {
        return new IgnoreRange();
    }

    static Fault changeEtagBefore() {
        return new ChangeEtagBefore();
    }

    static Fault refuse() {
        return new Refuse();
    }

    static Fault holdAt(long bytes, BodyGate gate) {
        return new HoldAt(bytes, gate);
    }
}
