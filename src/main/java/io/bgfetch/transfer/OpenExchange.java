package io.bgfetch.transfer;

import java.io.IOException;
import java.net.URI;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;

/**
 * A request answered (after its redirects) and not yet closed: the final response, the URL
 * that gave it, and the client it holds. Cancelling aborts the connection, which unblocks a
 * thread reading the body.
 */
final class OpenExchange implements Cancellable {
    private final NetworkClients.Lease lease;
    private final HttpUriRequestBase request;
    private final ClassicHttpResponse response;
    private final URI uri;
    private final Cancellation cancel;
    private volatile boolean bodyRead;
    private boolean closed;

    OpenExchange(NetworkClients.Lease lease, HttpUriRequestBase request, ClassicHttpResponse response, URI uri,
                 Cancellation cancel) {
        this.lease = lease;
        this.request = request;
        this.response = response;
        this.uri = uri;
        this.cancel = cancel;
    }

    private boolean hasNoBody() {
        HttpEntity entity = response.getEntity();
        return entity == null || entity.getContentLength() == 0;
    }

    ClassicHttpResponse response() {
        return response;
    }

    /** The URL of the final request, after redirects. */
    URI uri() {
        return uri;
    }

    /** Drops the connection: a body not read to its end is never drained. */
    @Override
    public boolean cancel() {
        return request.cancel();
    }

    /** The response body was read to its end: closing may keep the connection for another request. */
    void bodyRead() {
        bodyRead = true;
    }

    /**
     * Ends the exchange and gives back the client. Unless the body was read to its end (or there
     * is none), the exchange is aborted first: HttpClient would otherwise drain an unread body
     * (possibly endless) just to reuse the connection. So every path out of a transfer, failures
     * included, drops an unread response instead of reading it.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!bodyRead && !hasNoBody()) {
            request.cancel();
        }
        cancel.untrack(request);
        try {
            response.close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        } finally {
            lease.close();
        }
    }
}
