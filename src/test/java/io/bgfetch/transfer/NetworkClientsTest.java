package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.NetworkOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.Test;

/** One client per network set-up, shared, bounded, and never closed under an exchange that uses it. */
class NetworkClientsTest {

    private final Map<NetworkOptions, List<FakeClient>> built = new LinkedHashMap<>();
    private final NetworkClients clients = new NetworkClients(n -> {
        if ("bad".equals(n.noProxy())) {
            throw new IllegalArgumentException("no client for this");
        }
        FakeClient c = new FakeClient();
        built.computeIfAbsent(n, k -> new ArrayList<>()).add(c);
        return c;
    });

    private static NetworkOptions proxied(int i) {
        return new NetworkOptions("http://127.0.0.1:" + (10_000 + i), null, null, null, false);
    }

    @Test
    void noClientIsBuiltBeforeAnExchangeNeedsOne() {
        assertEquals(0, clients.size());
        assertTrue(built.isEmpty());
        clients.lease(NetworkOptions.DIRECT).close();
        assertEquals(1, built.get(NetworkOptions.DIRECT).size());
    }

    @Test
    void theSameOptionsShareOneClient() {
        try (NetworkClients.Lease a = clients.lease(proxied(1)); NetworkClients.Lease b = clients.lease(proxied(1))) {
            assertSame(a.client(), b.client());
        }
        assertEquals(1, built.get(proxied(1)).size());
    }

    @Test
    void aNoProxyListWithoutAProxyIsTheDirectClient() {
        try (NetworkClients.Lease direct = clients.lease(NetworkOptions.DIRECT);
             NetworkClients.Lease same = clients.lease(new NetworkOptions(null, null, "localhost", null, false))) {
            assertSame(direct.client(), same.client());
        }
    }

    @Test
    void idleClientsBeyondTheBoundAreClosedButTheDirectOneStays() {
        clients.lease(NetworkOptions.DIRECT).close();
        for (int i = 0; i < 3 * NetworkClients.MAX_KEPT; i++) {
            clients.lease(proxied(i)).close();
        }
        assertEquals(NetworkClients.MAX_KEPT, clients.size());
        long open = built.values().stream().flatMap(List::stream).filter(c -> !c.closed).count();
        assertEquals(NetworkClients.MAX_KEPT, open, "only the kept clients are open");
        assertFalse(built.get(NetworkOptions.DIRECT).get(0).closed);
    }

    @Test
    void aRetiredClientInUseIsClosedOnlyWhenItsLastExchangeEnds() {
        NetworkClients.Lease held = clients.lease(proxied(0));
        for (int i = 1; i <= 2 * NetworkClients.MAX_KEPT; i++) {
            clients.lease(proxied(i)).close();
        }
        FakeClient first = built.get(proxied(0)).get(0);
        assertFalse(first.closed, "still in use");

        held.close();
        assertTrue(first.closed);
        held.close(); // a second close changes nothing
    }

    @Test
    void optionsThatCannotMakeAClientFailWithTheirMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> clients.lease(new NetworkOptions("http://127.0.0.1:1", null, "bad", null, false)));
        assertEquals("no client for this", e.getMessage());
    }

    @Test
    void closingClosesEveryClient() {
        clients.lease(proxied(1)).close();
        clients.close();
        assertTrue(built.values().stream().flatMap(List::stream).allMatch(c -> c.closed));
        assertThrows(IllegalStateException.class, () -> clients.lease(NetworkOptions.DIRECT));
    }

    private static final class FakeClient extends CloseableHttpClient {
        volatile boolean closed;

        @Override
        protected CloseableHttpResponse doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close(CloseMode closeMode) {
            closed = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
