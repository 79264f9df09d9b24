package io.bgfetch.transfer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * curl's {@code no_proxy} list: the hosts reached directly although a proxy is set.
 *
 * <p>Entries are separated by commas (spaces around them do not matter) and compared without
 * regard to case:
 * <ul>
 * <li>{@code *} on its own: no host uses the proxy;</li>
 * <li>a host name matches that host and every host under it: {@code example.com} and
 *     {@code .example.com} both match {@code example.com} and {@code a.example.com}, never
 *     {@code badexample.com} (a leading or trailing dot is ignored, as curl does);</li>
 * <li>an IP address (IPv6 with or without brackets) matches that address as the URL writes
 *     it, never a name that resolves to it; {@code /bits} makes it a network
 *     ({@code 10.0.0.0/8}), as in curl 7.86 and later;</li>
 * <li>{@code name:port} or {@code [v6]:port} restricts an entry to one port (curl ignores
 *     ports; Go, Python and wget honour them, and a port never widens a match).</li>
 * </ul>
 * Matching is on the text of the URL's host: nothing here resolves a name.
 */
final class NoProxy {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    static final NoProxy NONE = new NoProxy(false, List.of());

    /** One entry: a name (address null) or an address with a prefix length; port -1 = any. */
    private record Entry(String name, byte[] address, int prefixBits, int port) {
    }

    private final boolean all;
    private final List<Entry> entries;

    private NoProxy(boolean all, List<Entry> entries) {
        this.all = all;
        this.entries = entries;
    }

    /** Reads a {@code no_proxy} list; null or blank means "every host uses the proxy". Never throws. */
    static NoProxy parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        boolean all = false;
        List<Entry> entries = new ArrayList<>();
        for (String raw : list.split(",")) {
            String token = raw.trim();
            if (token.equals("*")) {
                all = true;
            } else if (!token.isEmpty()) {
                Entry e = entry(token);
                if (e != null) {
                    entries.add(e);
                }
            }
        }
        return new NoProxy(all, List.copyOf(entries));
    }

    /** Whether a request to {@code host} (as the URL writes it) on {@code port} goes direct. */
    boolean bypasses(String host, int port) {
        if (all) {
            return true;
        }
        if (entries.isEmpty() || host == null) {
            return false;
        }
        String h = normalHost(host);
        byte[] address = ipLiteral(h);
        for (Entry e : entries) {
            if (e.port() >= 0 && e.port() != port) {
                continue;
            }
            if (address != null ? e.address() != null && inNetwork(address, e.address(), e.prefixBits())
                    : e.name() != null && (h.equals(e.name()) || h.endsWith("." + e.name()))) {
                return true;
            }
        }
        return false;
    }

    private static Entry entry(String token) {
        String hostPart = token;
        int port = -1;
        if (token.startsWith("[")) {
            int close = token.indexOf(']');
            if (close < 0) {
                return null;
            }
            hostPart = token.substring(1, close);
            String rest = token.substring(close + 1);
            if (rest.startsWith("/")) {
                hostPart += rest;           // [::1]/128 written with the bits outside
            } else if (rest.startsWith(":")) {
                port = port(rest.substring(1));
                if (port < 0) {
                    return null;
                }
            }
        } else if (token.indexOf(':') >= 0 && token.indexOf(':') == token.lastIndexOf(':')) {
            // exactly one colon: name:port or v4:port (an IPv6 address has at least two)
            int colon = token.indexOf(':');
            hostPart = token.substring(0, colon);
            port = port(token.substring(colon + 1));
            if (port < 0) {
                return null;
            }
        }
        int slash = hostPart.indexOf('/');
        int bits = -1;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(hostPart.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                return null;
            }
            hostPart = hostPart.substring(0, slash);
        }
        String h = normalHost(hostPart);
        byte[] address = ipLiteral(h);
        if (address != null) {
            int max = address.length * 8;
            return new Entry(null, address, bits < 0 || bits > max ? max : bits, port);
        }
        if (bits >= 0 || h.isEmpty()) {
            return null; // a network of names means nothing
        }
        return new Entry(h, null, 0, port);
    }

    /** Lower case, without brackets, IPv6 zone, or leading and trailing dots. */
    private static String normalHost(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        int zone = h.indexOf('%');
        if (zone >= 0 && h.indexOf(':') >= 0) {
            h = h.substring(0, zone);
        }
        while (h.startsWith(".")) {
            h = h.substring(1);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** The address bytes when {@code h} is an IPv4 or IPv6 literal, else null (never a DNS lookup). */
    private static byte[] ipLiteral(String h) {
        boolean v4 = IPV4.matcher(h).matches();
        if (!v4 && !IPV6.matcher(h).matches()) {
            return null;
        }
        if (v4) {
            for (String part : h.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(h).getAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException notAnAddress) {
            return null;
        }
    }

    private static boolean inNetwork(byte[] address, byte[] network, int bits) {
        if (address.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text.trim());
            return p >= 0 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
