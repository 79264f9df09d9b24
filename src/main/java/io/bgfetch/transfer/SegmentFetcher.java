package io.bgfetch.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * Moves one segment's bytes from a response into the body file: reads into a large buffer,
 * writes it positionally, and checkpoints (fsync, then report) every
 * {@link TransferSettings#checkpointBytes()} in the background, and synchronously when the
 * segment stops for any reason.
 */
final class SegmentFetcher {
    private final HttpTransport http;
    private final TransferSettings settings;
    private final DownloadRequest request;
    private final ResponseHead head;
    private final BodyFile body;
    private final TransferListener listener;
    private final RateLimiter limiter;
    private final Cancellation cancel;

    SegmentFetcher(HttpTransport http, TransferSettings settings, DownloadRequest request, ResponseHead head,
                   BodyFile body, TransferListener listener, RateLimiter limiter, Cancellation cancel) {
        this.http = http;
        this.settings = settings;
        this.request = request;
        this.head = head;
        this.body = body;
        this.listener = listener;
        this.limiter = limiter;
        this.cancel = cancel;
    }

    /** Continues {@code segment} where it stands with a ranged request proven by If-Range. */
    void resume(Segment segment) throws TransferFailure {
        String validator = head.ifRangeValidator();
        if (validator == null) {
            throw new TransferFailure.RestartBody("no ETag or Last-Modified to prove the stored bytes current");
        }
        long from = segment.position();
        String range = "bytes=" + from + "-" + (segment.end() >= 0 ? String.valueOf(segment.end() - 1) : "");
        OpenExchange exchange = http.open(request, range, validator, null, cancel);
        try {
            try {
                checkRangeAnswer(exchange.response(), from, segment.end());
            } catch (TransferFailure notAppendable) {
                exchange.cancel();
                throw notAppendable;
            }
            stream(exchange, segment);
        } finally {
            exchange.close();
        }
    }

    /**
     * A 206 whose Content-Range starts where we asked, of the same resource, is the only answer
     * that may be appended; anything else means the stored bytes cannot be continued.
     */
    private void checkRangeAnswer(ClassicHttpResponse response, long from, long end) throws TransferFailure {
        int code = response.getCode();
        if (code == 200) {
            throw new TransferFailure.RestartBody("the server sent the whole body (changed, or ranges not supported)");
        }
        if (code == 416) {
            throw new TransferFailure.RestartBody("the server refused the range (the resource changed)");
        }
        if (code != 206) {
            throw HttpTransport.statusFailure(response);
        }
        Header cr = response.getFirstHeader("Content-Range");
        long[] range = RangePlan.parseContentRange(cr == null ? null : cr.getValue());
        boolean matches = range != null && range[0] == from
                && (end < 0 || range[1] <= end - 1)
                && (head.size() < 0 || range[2] == head.size());
        if (!matches) {
            throw new TransferFailure.RestartBody("Content-Range '" + (cr == null ? "" : cr.getValue())
                    + "' does not match the range asked from " + from);
        }
        Header etag = response.getFirstHeader("ETag");
        if (head.etag() != null && etag != null && !head.etag().equals(etag.getValue())) {
            throw new TransferFailure.RestartBody("the ETag changed");
        }
    }

    /**
     * Streams the response body into the segment until the segment is full or the body ends.
     * A body not read to its end is aborted, never drained: closing HttpClient's stream early
     * would read the rest of a possibly huge body just to reuse the connection.
     */
    void stream(OpenExchange exchange, Segment segment) throws TransferFailure {
        HttpEntity entity = exchange.response().getEntity();
        if (entity == null) {
            finishUnknownLength(segment);
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate(settings.bufferBytes());
        BackgroundCheckpoint background = new BackgroundCheckpoint(body, listener, segment);
        long sinceCheckpoint = 0;
        boolean endOfBody = false;
        // A response read to its announced end is complete, and its connection goes back to the
        // pool for the next record (keep-alive); only one left unfinished is aborted.
        long announced = entity.getContentLength();
        long fromResponse = 0;
        InputStream in = null;
        try {
            in = entity.getContent();
            while (true) {
                long room = segment.end() < 0 ? Long.MAX_VALUE : segment.end() - segment.position() - buffer.position();
                if (room <= 0) {
                    endOfBody = announced >= 0 && fromResponse == announced;
                    break;
                }
                int want = (int) Math.min(buffer.remaining(), room);
                int n = in.read(buffer.array(), buffer.position(), want);
                if (n == -1) {
                    endOfBody = true;
                    break;
                }
                buffer.position(buffer.position() + n);
                fromResponse += n;
                listener.bytesArrived(n);
                limiter.acquire(n, cancel);
                if (!buffer.hasRemaining()) {
                    sinceCheckpoint += flush(buffer, segment);
                    if (sinceCheckpoint >= settings.checkpointBytes()) {
                        background.request();
                        sinceCheckpoint = 0;
                    }
                }
                cancel.throwIfCancelled();
            }
        } catch (IOException e) {
            // What arrived before the failure is good data from this response: keep it.
            saveQuietly(buffer, segment, background);
            cancel.throwIfCancelled();
            throw Failures.network(e);
        } catch (TransferFailure.Cancelled | TransferFailure.Permanent stop) {
            saveQuietly(buffer, segment, background);
            throw stop;
        } finally {
            if (!endOfBody) {
                exchange.cancel();
            }
            closeQuietly(in);
        }
        flush(buffer, segment);
        background.finish();
        if (segment.end() < 0) {
            finishUnknownLength(segment);
        } else if (segment.position() < segment.end()) {
            checkpoint(segment);
            throw new TransferFailure.Transient("the body ended early at byte " + segment.position()
                    + " of " + segment.end(), 0, null, null);
        }
        checkpoint(segment);
    }

    private void finishUnknownLength(Segment segment) {
        if (segment.end() < 0) {
            segment.endAt(segment.position());
        }
    }

    private long flush(ByteBuffer buffer, Segment segment) throws TransferFailure.Permanent {
        buffer.flip();
        int n = buffer.remaining();
        body.write(buffer, segment.position());
        segment.addWritten(n);
        buffer.clear();
        return n;
    }

    private void checkpoint(Segment segment) throws TransferFailure.Permanent {
        body.force();
        listener.checkpoint(segment, segment.written());
    }

    /** Keeps the bytes already received when a transfer stops early; they are valid. */
    private void saveQuietly(ByteBuffer buffer, Segment segment, BackgroundCheckpoint background) {
        try {
            flush(buffer, segment);
            background.finish();
            checkpoint(segment);
        } catch (TransferFailure.Permanent ignored) {
            // the write failure will surface on the next attempt
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // aborted streams complain on close; nothing is lost
            }
        }
    }
}
