package io.bgfetch.transfer;

import io.bgfetch.protocol.NetworkOptions;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.io.CloseMode;

/**
 * One HttpClient (with its connection pool) per distinct {@link NetworkOptions}, so fetches
 * with the same proxies and trust share connections. The direct client is built by the first
 * exchange that needs it (an idle daemon holds no TLS set-up: ~10 MiB less resident) and kept
 * for the daemon's life; the others are few (one per proxy set-up in use) and bounded: beyond
 * {@link #MAX_KEPT} the least recently used one is retired, and closed once no exchange
 * holds it any more.
 */
final class NetworkClients implements Closeable {
    static final int MAX_KEPT = 8;

    /** A client in the cache, with how many open exchanges use it. */
    private static final class Entry {
        final CloseableHttpClient client;
        int leases;
        boolean retired;

        Entry(CloseableHttpClient client) {
            this.client = client;
        }
    }

    /** One exchange's hold on a client: the client stays open until {@link #close}. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean released;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        CloseableHttpClient client() {
            return entry.client;
        }

        @Override
        public void close() {
            release(this);
        }
    }

    private final Function<NetworkOptions, CloseableHttpClient> factory;
    /** In access order: the first is the least recently used. */
    private final LinkedHashMap<NetworkOptions, Entry> clients = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /** @param factory builds a client; may throw IllegalArgumentException with a message in words */
    NetworkClients(Function<NetworkOptions, CloseableHttpClient> factory) {
        this.factory = factory;
    }

    /**
     * The client for these options, held until the lease is closed.
     *
     * @throws IllegalArgumentException when no client can be built for them (a bad proxy URL or CA file)
     */
    Lease lease(NetworkOptions options) {
        NetworkOptions network = key(options);
        List<Entry> toClose = new ArrayList<>();
        Lease lease;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the HTTP transport is closed");
            }
            Entry entry = clients.get(network);
            if (entry == null) {
                // Built under the lock: rare (once per network set-up) and it keeps one client per key.
                entry = new Entry(factory.apply(network));
                clients.put(network, entry);
                retireBeyondLimit(toClose);
            }
            entry.leases++;
            lease = new Lease(entry);
        }
        closeAll(toClose);
        return lease;
    }

    /** Options that build the same client are one key: a no_proxy list without a proxy changes nothing. */
    private static NetworkOptions key(NetworkOptions n) {
        if (n.httpProxy() == null && n.httpsProxy() == null && n.noProxy() != null) {
            return new NetworkOptions(null, null, null, n.caCertFile(), n.insecure());
        }
        return n;
    }

    /** How many clients are kept (for tests). */
    synchronized int size() {
        return clients.size();
    }

    private void retireBeyondLimit(List<Entry> toClose) {
        Iterator<Map.Entry<NetworkOptions, Entry>> it = clients.entrySet().iterator();
        while (clients.size() > MAX_KEPT && it.hasNext()) {
            Map.Entry<NetworkOptions, Entry> eldest = it.next();
            if (eldest.getKey().equals(NetworkOptions.DIRECT)) {
                continue;
            }
            it.remove();
            eldest.getValue().retired = true;
            if (eldest.getValue().leases == 0) {
                toClose.add(eldest.getValue());
            }
        }
    }

    private void release(Lease lease) {
        Entry closeNow = null;
        synchronized (this) {
            if (lease.released) {
                return;
            }
            lease.released = true;
            Entry e = lease.entry;
            e.leases--;
            if (e.retired && e.leases == 0) {
                closeNow = e;
            }
        }
        if (closeNow != null) {
            closeNow.client.close(CloseMode.GRACEFUL);
        }
    }

    private static void closeAll(List<Entry> entries) {
        for (Entry e : entries) {
            e.client.close(CloseMode.GRACEFUL);
        }
    }

    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(clients.values());
            clients.clear();
        }
        closeAll(all);
    }
}
