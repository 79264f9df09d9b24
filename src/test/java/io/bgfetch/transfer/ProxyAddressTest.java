package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Proxy URLs read as curl reads them. */
class ProxyAddressTest {

    @Test
    void aBareHostIsAnHttpProxyOnPort1080() {
        ProxyAddress p = ProxyAddress.parse("proxy.example");
        assertEquals("http://proxy.example:1080", p.host().toURI());
        assertNull(p.user());
    }

    @Test
    void credentialsArePercentDecodedAndKeptApart() {
        ProxyAddress p = ProxyAddress.parse("http://us%40er:p%3Ass+w@10.0.0.1:3128");
        assertEquals("http://10.0.0.1:3128", p.host().toURI());
        assertEquals("us@er", p.user());
        assertEquals("p:ss+w", p.password());
        assertFalse(p.toString().contains("p:ss"), p.toString());
    }

    @Test
    void aUserWithoutPasswordHasAnEmptyOne() {
        ProxyAddress p = ProxyAddress.parse("http://bob@proxy:8080");
        assertEquals("bob", p.user());
        assertEquals("", p.password());
        assertTrue(p.hasCredentials());
    }

    @Test
    void anIpv6ProxyIsUnbracketed() {
        assertEquals("::1", ProxyAddress.parse("http://[::1]:3128").host().getHostName());
    }

    @Test
    void otherSchemesAreRefusedWithoutShowingCredentials() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyAddress.parse("socks5://u:secret@127.0.0.1:1080"));
        assertEquals("the proxy socks5://127.0.0.1 is not supported (only http:// proxies are)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProxyAddress.parse("https://proxy:443"));
        assertThrows(IllegalArgumentException.class, () -> ProxyAddress.parse("http://"));
    }
}
