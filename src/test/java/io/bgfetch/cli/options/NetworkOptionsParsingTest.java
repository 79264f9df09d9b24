package io.bgfetch.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.protocol.NetworkOptions;
import io.bgfetch.protocol.RequestSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the fetch command turns its options and environment into proxies and credentials (as curl). */
class NetworkOptionsParsingTest {
    @TempDir
    Path tmp;

    @Test
    void proxiesComeFromTheEnvironmentLowerCaseFirst() {
        NetworkOptions n = ProxySettings.resolve(null, null, Map.of("http_proxy", "proxy:3128",
                "HTTPS_PROXY", "http://up:3129", "https_proxy", "http://low:3130", "NO_PROXY", "a,b"), null, false);
        assertEquals("http://proxy:3128", n.httpProxy(), "no scheme means http://");
        assertEquals("http://low:3130", n.httpsProxy(), "lower case wins");
        assertEquals("a,b", n.noProxy());
    }

    @Test
    void upperCaseHttpProxyIsIgnoredAsCurlDoes() {
        NetworkOptions n = ProxySettings.resolve(null, null, Map.of("HTTP_PROXY", "http://evil:1"), null, false);
        assertNull(n.httpProxy());
    }

    @Test
    void allProxyIsTheFallbackForBothSchemes() {
        NetworkOptions n = ProxySettings.resolve(null, null, Map.of("ALL_PROXY", "http://all:1",
                "https_proxy", "http://s:2"), null, false);
        assertEquals("http://all:1", n.httpProxy());
        assertEquals("http://s:2", n.httpsProxy());
    }

    @Test
    void optionsOverrideTheEnvironmentAndAnEmptyProxyMeansNone() {
        Map<String, String> env = Map.of("http_proxy", "http://e:1", "https_proxy", "http://e:2", "no_proxy", "x");
        NetworkOptions n = ProxySettings.resolve("http://u:p@o:9", "*", env, "/ca.pem", true);
        assertEquals("http://u:p@o:9", n.httpProxy());
        assertEquals("http://u:p@o:9", n.httpsProxy());
        assertEquals("*", n.noProxy());
        assertEquals("/ca.pem", n.caCertFile());
        assertTrue(n.insecure());
        NetworkOptions none = ProxySettings.resolve("", null, env, null, false);
        assertNull(none.httpProxy());
        assertNull(none.httpsProxy());
        assertFalse(none.toString().contains("u:p"), "credentials stay out of toString");
    }

    @Test
    void onlyHttpProxiesAreAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxySettings.resolve("socks5://h:1080", null, Map.of(), null, false));
        assertTrue(e.getMessage().contains("socks5") && e.getMessage().contains("--proxy"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ProxySettings.resolve("http://user:secret@bad host:1", null, Map.of(), null, false));
        assertFalse(bad.getMessage().contains("secret"), bad.getMessage());
    }

    @Test
    void netrcFindsTheMachineThenTheDefault() {
        Netrc n = Netrc.parse("""
                machine example.org login alice password "s3 cr\\"et"
                macdef init
                cd /pub

                machine other.org
                  login bob
                  password pw2
                default login anon password guest
                """);
        assertEquals(Optional.of("alice:s3 cr\"et"), n.credentialsFor("Example.ORG"));
        assertEquals(Optional.of("bob:pw2"), n.credentialsFor("other.org"));
        assertEquals(Optional.of("anon:guest"), n.credentialsFor("third.org"));
        assertEquals(Optional.empty(), Netrc.parse("machine a login x password y").credentialsFor("b"));
    }

    @Test
    void credentialsComeFromUserThenUrlThenNetrcAndLeaveTheUrl() throws Exception {
        Path netrc = Files.writeString(tmp.resolve("netrc"), "machine n.example login nu password np\n");
        List<RequestSpec> specs = List.of(new RequestSpec("https://u%40x:p%3Ass@a.example/f?q=1"),
                new RequestSpec("https://n.example/g"), new RequestSpec("https://none.example/h"));

        List<RequestSpec> fromUrlAndNetrc = Credentials.apply(specs, null, netrc);
        assertEquals(new RequestSpec("https://a.example/f?q=1", null, null, "u@x:p:ss"), fromUrlAndNetrc.get(0));
        assertEquals("nu:np", fromUrlAndNetrc.get(1).credentials());
        assertNull(fromUrlAndNetrc.get(2).credentials());

        List<RequestSpec> withUser = Credentials.apply(specs, "cli:pw", netrc);
        assertEquals("cli:pw", withUser.get(0).credentials(), "-u wins over the URL's user info");
        assertEquals("https://a.example/f?q=1", withUser.get(0).url(), "the user info never stays in the URL");
        assertEquals("cli:pw", withUser.get(2).credentials());
        assertFalse(withUser.get(0).toString().contains("pw"));
    }

    @Test
    void withoutUserOrNetrcOnlyAUrlsOwnUserInfoGivesCredentials() {
        List<RequestSpec> specs = List.of(new RequestSpec("https://u:p@a.example/f"),
                new RequestSpec("https://b.example/npm/@scope/pkg?who=me@example.org"),
                new RequestSpec("https://c.example/plain"));

        List<RequestSpec> out = Credentials.apply(specs, null, null);
        assertEquals(new RequestSpec("https://a.example/f", null, null, "u:p"), out.get(0));
        assertEquals(specs.get(1), out.get(1), "an '@' in the path or query is no user info");
        assertEquals(specs.get(2), out.get(2));
    }
}
