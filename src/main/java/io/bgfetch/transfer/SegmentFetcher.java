package io.bgfetch.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * Moves one segment's bytes from a response into the body file: reads into a buffer sized to
 * the stream's speed ({@link StreamBuffer}), writes it positionally, sums each block's CRC32C as
 * it is written, and records the progress with the block's checksum each time a block fills
 * ({@link TransferSettings#checkpointBytes()}) and when the segment stops for any reason. Durability is {@link BodySync}'s: it fsyncs the
 * body on its cadence and once the segments stop.
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
    private final BodySync sync;
    /** Told how long each ranged request took to be answered, in nanoseconds. */
    private final LongConsumer answered;

    SegmentFetcher(HttpTransport http, TransferSettings settings, DownloadRequest request, ResponseHead head,
                   BodyFile body, TransferListener listener, RateLimiter limiter, Cancellation cancel, BodySync sync,
                   LongConsumer answered) {
        this.http = http;
        this.settings = settings;
        this.request = request;
        this.head = head;
        this.body = body;
        this.listener = listener;
        this.limiter = limiter;
        this.cancel = cancel;
        this.sync = sync;
        this.answered = answered;
    }

    /** Continues {@code segment} where it stands with a ranged request proven by If-Range. */
    void resume(Segment segment) throws TransferFailure {
        String validator = head.ifRangeValidator();
        if (validator == null) {
            throw new TransferFailure.RestartBody("no ETag or Last-Modified to prove the stored bytes current");
        }
        long from = segment.position();
        // The end as asked: a split may move the segment's end before the answer comes, and
        // the answer is checked against the question (the stream stops at the new end).
        long end = segment.end();
        String range = "bytes=" + from + "-" + (end >= 0 ? String.valueOf(end - 1) : "");
        long asked = System.nanoTime();
        OpenExchange exchange = http.open(request, range, validator, null, cancel);
        answered.accept(System.nanoTime() - asked);
        try {
            try {
                checkRangeAnswer(exchange.response(), from, end);
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
        // The answer must show the validator it was asked with: a 206 that says nothing about
        // which version it is a part of cannot be appended to bytes of a known version.
        String validator = head.ifRangeValidator();
        if (validator.equals(head.etag())) {
            if (etag == null) {
                throw new TransferFailure.RestartBody("the partial answer carries no ETag to show it is the same version");
            }
        } else {
            Header lastModified = response.getFirstHeader("Last-Modified");
            if (lastModified == null || !validator.equals(lastModified.getValue())) {
                throw new TransferFailure.RestartBody("the partial answer does not carry the Last-Modified date it was asked for");
            }
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
            exchange.bodyRead();
            finishUnknownLength(segment);
            record(segment, null);
            return;
        }
        segment.useBlockBytes((int) Math.min(Integer.MAX_VALUE, settings.checkpointBytes()));
        BlockChecksum sums;
        try {
            sums = BlockChecksum.at(segment, body);
        } catch (TransferFailure f) {
            exchange.cancel();
            throw f;
        }
        // A heap buffer: HttpClient reads into arrays, and the file write copies it once more into
        // a cached direct buffer (one memcpy). Its size follows the stream's speed: large writes
        // keep the syscalls of a fast stream few, a slow one holds little memory.
        StreamBuffer buffer = new StreamBuffer(settings.bufferBytes(),
                segment.end() < 0 ? -1 : segment.end() - segment.position(), System::nanoTime);
        byte[] array = buffer.array();
        int filled = 0;
        long before = segment.written();
        boolean endOfBody = false;
        // A response read to its announced end is complete, and its connection goes back to the
        // pool for the next record (keep-alive); only one left unfinished is aborted.
        long announced = entity.getContentLength();
        long fromResponse = 0;
        InputStream in = null;
        try {
            in = entity.getContent();
            while (true) {
                long room = segment.end() < 0 ? Long.MAX_VALUE : segment.end() - segment.position() - filled;
                if (room <= 0) {
                    endOfBody = announced >= 0 && fromResponse == announced;
                    if (endOfBody) {
                        exchange.bodyRead();
                    }
                    break;
                }
                int n = in.read(array, filled, (int) Math.min(buffer.size() - filled, room));
                if (n == -1) {
                    endOfBody = true;
                    exchange.bodyRead();
                    break;
                }
                filled += n;
                fromResponse += n;
                listener.bytesArrived(n);
                limiter.acquire(n, cancel);
                if (filled == buffer.size()) {
                    flush(array, filled, segment, sums);
                    filled = 0;
                    array = buffer.emptied();
                }
                cancel.throwIfCancelled();
            }
        } catch (IOException e) {
            // What arrived before the failure is good data from this response: keep it.
            saveQuietly(array, filled, segment, sums, before);
            cancel.throwIfCancelled();
            throw Failures.network(e);
        } catch (TransferFailure.Cancelled | TransferFailure.Permanent stop) {
            saveQuietly(array, filled, segment, sums, before);
            throw stop;
        } finally {
            if (!endOfBody) {
                exchange.cancel();
            }
            closeQuietly(in);
        }
        flush(array, filled, segment, sums);
        buffer.release(); // for this thread's next stream (a stream that failed leaves it to the collector)
        if (segment.end() < 0) {
            finishUnknownLength(segment);
        } else if (segment.position() < segment.end()) {
            recordIfMoved(segment, sums, before);
            throw new TransferFailure.Transient("the body ended early at byte " + segment.position()
                    + " of " + segment.end(), 0, null, null);
        }
        // Always at the end: a body of unknown length records its end here.
        record(segment, sums);
    }

    private void finishUnknownLength(Segment segment) {
        if (segment.end() < 0) {
            segment.endAt(segment.position());
        }
    }

    /**
     * Writes {@code n} buffered bytes at the segment's position, then records the blocks they fill.
     * Bytes beyond the segment's end are dropped: a split gave them to another segment after they
     * were read.
     */
    private void flush(byte[] array, int n, Segment segment, BlockChecksum sums) throws TransferFailure.Permanent {
        n = segment.claim(n);
        if (n == 0) {
            return;
        }
        long before = segment.written();
        body.write(ByteBuffer.wrap(array, 0, n), segment.position());
        segment.addWritten(n);
        sums.add(array, 0, n, before, (blk, crc, writtenAtEnd) -> {
            listener.progress(segment, writtenAtEnd, blk, crc);
            sync.recorded(segment, writtenAtEnd, settings.checkpointBytes());
        });
    }

    /** Records where the segment stands, with the checksum of the block it ends in. */
    private void record(Segment segment, BlockChecksum sums) throws TransferFailure.Permanent {
        int blk = sums == null ? -1 : sums.lastBlock();
        long written = segment.written();
        listener.progress(segment, written, blk, sums == null ? 0 : sums.lastCrc());
        sync.recorded(segment, written, sums != null && sums.partial() ? written % segment.blockBytes() : 0);
    }

    /** Records a stop when this stream wrote something; a stop with nothing new has nothing to say. */
    private void recordIfMoved(Segment segment, BlockChecksum sums, long before) throws TransferFailure.Permanent {
        if (segment.written() != before && sums.partial()) {
            record(segment, sums);
        }
    }

    /** Keeps the bytes already received when a transfer stops early; they are valid. */
    private void saveQuietly(byte[] array, int filled, Segment segment, BlockChecksum sums, long before) {
        try {
            flush(array, filled, segment, sums);
            recordIfMoved(segment, sums, before);
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
