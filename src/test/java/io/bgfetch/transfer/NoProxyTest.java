package io.bgfetch.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoProxyTest {

    @ParameterizedTest(name = "no_proxy=''{0}'' host={1} port={2} -> direct={3}")
    @CsvSource(delimiter = '|', value = {
        // nothing set: everything through the proxy
        "''                      | example.com        | 80   | false",
        "' '                     | example.com        | 80   | false",
        // * alone: nothing through the proxy
        "*                       | example.com        | 80   | true",
        "'a.test, *'             | 10.1.2.3           | 443  | true",
        // names: the host itself and everything under it, never a mere suffix of letters
        "example.com             | example.com        | 80   | true",
        "example.com             | a.example.com      | 80   | true",
        "example.com             | a.b.example.com    | 443  | true",
        ".example.com            | a.example.com      | 80   | true",
        ".example.com            | example.com        | 80   | true",
        "example.com             | badexample.com     | 80   | false",
        "example.com             | example.com.evil   | 80   | false",
        "a.example.com           | example.com        | 80   | false",
        // case and trailing dots do not matter
        "EXAMPLE.com             | www.Example.COM    | 80   | true",
        "example.com.            | example.com        | 80   | true",
        "example.com             | example.com.       | 80   | true",
        // lists: commas, spaces around entries, empty entries
        "'foo.test, example.com' | x.example.com      | 80   | true",
        "'foo.test,,bar.test'    | bar.test           | 80   | true",
        "'foo.test , bar.test'   | baz.test           | 80   | false",
        // IP addresses match as written, never by a name and never as a suffix
        "127.0.0.1               | 127.0.0.1          | 80   | true",
        "127.0.0.1               | 127.0.0.2          | 80   | false",
        "127.0.0.1               | localhost          | 80   | false",
        "0.0.1                   | 10.0.0.1           | 80   | false",
        "10.0.0.0/8              | 10.200.3.4         | 80   | true",
        "10.0.0.0/8              | 11.0.0.1           | 80   | false",
        "192.168.1.0/25          | 192.168.1.127      | 80   | true",
        "192.168.1.0/25          | 192.168.1.128      | 80   | false",
        "::1                     | [::1]              | 80   | true",
        "[::1]                   | ::1                | 80   | true",
        "0:0:0:0:0:0:0:1         | [::1]              | 80   | true",
        "fd00::/8                | [fd12:3456::1]     | 80   | true",
        "fd00::/8                | [fe80::1]          | 80   | false",
        "::1                     | 127.0.0.1          | 80   | false",
        // ports restrict an entry, never widen it
        "example.com:8080        | example.com        | 8080 | true",
        "example.com:8080        | example.com        | 80   | false",
        "example.com:8080        | a.example.com      | 8080 | true",
        "127.0.0.1:9000          | 127.0.0.1          | 9000 | true",
        "127.0.0.1:9000          | 127.0.0.1          | 9001 | false",
        "[::1]:9000              | [::1]              | 9000 | true",
        "[::1]:9000              | [::1]              | 80   | false",
        // nonsense entries are ignored, not fatal
        "'example.com:http, a.test' | a.test          | 80   | true",
        "'example.com:http'      | example.com        | 80   | false",
        "'name/8'                | name               | 80   | false",
    })
    void matchesAsCurlDoes(String list, String host, int port, boolean direct) {
        assertEquals(direct, NoProxy.parse(list).bypasses(host, port));
    }
}
