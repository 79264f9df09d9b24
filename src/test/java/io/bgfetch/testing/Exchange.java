package io.bgfetch.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Serves one connection of a {@link TestServer}: requests in a loop while kept alive. */
final class Exchange implements Runnable {

    private static final int MAX_CHUNK = 64 * 1024;
    private static final int MAX_LINE = 64 * 1024;

    private final TestServer server;
    private final Socket socket;
    private InputStream in;
    private OutputStream out;
    private TestServer.Entry current;   // the request being answered

    /** A parsed request. */
    private record Request(String method, String target, String version, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        boolean keepAlive() {
            String conn = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
            if (version.equals("HTTP/1.0")) {
                return conn.contains("keep-alive");
            }
            return !conn.contains("close");
        }
    }

    /** What the main response will contain: status, body slice and Content-Range. */
    private record Plan(int status, long start, long length, String contentRange) {}

    Exchange(TestServer server, Socket socket) {
        this.server = server;
        this.socket = socket;
    }

    @Override
    public void run() {
        try {
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            while (!server.isGone(socket)) {
                Request req = readRequest();
                if (req == null) {
                    break;
                }
                boolean keep;
                try {
                    keep = handle(req);
                } finally {
                    if (current != null) {
                        current.finished = true;
                        current = null;
                    }
                }
                if (!keep) {
                    break;
                }
            }
        } catch (IOException e) {
            // the peer went away or the server stopped
        } finally {
            TestServer.closeQuietly(socket);
            server.forget(socket);
        }
    }

    // ---- request parsing ----------------------------------------------------------------

    private Request readRequest() throws IOException {
        String line;
        do {
            line = readLine();
            if (line == null) {
                return null;
            }
        } while (line.isEmpty());
        String[] parts = line.split(" ");
        if (parts.length != 3) {
            throw new IOException("bad request line: " + line);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String h = readLine();
            if (h == null) {
                return null;
            }
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        if ("100-continue".equalsIgnoreCase(headers.getOrDefault("expect", ""))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body = readBody(headers);
        if (body == null) {
            return null;
        }
        return new Request(parts[0], parts[1], parts[2], Collections.unmodifiableMap(headers), body);
    }

    private byte[] readBody(Map<String, String> headers) throws IOException {
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine();
                if (sizeLine == null) {
                    return null;
                }
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine();
                    } while (trailer != null && !trailer.isEmpty());
                    return buf.toByteArray();
                }
                byte[] chunk = in.readNBytes((int) size);
                if (chunk.length < size) {
                    return null;
                }
                buf.write(chunk);
                readLine(); // CRLF after the chunk
            }
        }
        String cl = headers.get("content-length");
        if (cl == null) {
            return new byte[0];
        }
        long n = Long.parseLong(cl.trim());
        byte[] body = in.readNBytes((int) n);
        return body.length < n ? null : body;
    }

    /** A line without its CRLF (or LF), or null at end of stream. */
    private String readLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (buf.size() >= MAX_LINE) {
                throw new IOException("line too long");
            }
            buf.write(b);
        }
    }

    // ---- answering ----------------------------------------------------------------------

    /** Answers one request; returns whether the connection stays open for the next one. */
    private boolean handle(Request req) throws IOException {
        String target = req.target();
        if (target.startsWith("http://") || target.startsWith("https://")) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int q = target.indexOf('?');
        String pathOnly = q < 0 ? target : target.substring(0, q);
        boolean head = req.method().equals("HEAD");
        boolean keep = req.keepAlive();

        Resource r = server.lookup(target, pathOnly);
        if (r == null) {
            AtomicLong sent = log(req, pathOnly, 404);
            return simple(404, Map.of(), head, keep, sent);
        }
        Fault fault = r.nextFault();
        if (fault instanceof Fault.Refuse) {
            log(req, pathOnly, 0);
            TestServer.closeQuietly(socket);
            return false;
        }
        if (fault instanceof Fault.ChangeEtagBefore) {
            r.mutate();
        }
        if (fault instanceof Fault.Status s) {
            AtomicLong sent = log(req, pathOnly, s.code());
            Map<String, String> extra = new LinkedHashMap<>();
            if (s.retryAfter() != null) {
                extra.put("Retry-After", s.retryAfter());
            }
            extra.putAll(r.extraHeaders());
            return simple(s.code(), extra, head, keep, sent);
        }
        int fixed = r.fixedStatus();
        if (fixed != 0) {
            AtomicLong sent = log(req, pathOnly, fixed);
            return simple(fixed, r.extraHeaders(), head, keep, sent);
        }

        Resource.Content c = r.content();
        if (notModified(req, r, c)) {
            AtomicLong sent = log(req, pathOnly, 304);
            List<String[]> headers = new ArrayList<>();
            headers.add(new String[] {"Date", Resource.HTTP_DATE.format(Instant.now())});
            headers.add(new String[] {"ETag", c.etag()});
            headers.add(new String[] {"Last-Modified", c.lastModified()});
            writeHead(304, headers, Map.of(), keep);
            return keep;
        }
        long total = c.body().length;
        Plan plan = plan(req, r, c, fault);
        if (plan.status() == 416) {
            AtomicLong sent = log(req, pathOnly, 416);
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("Content-Range", "bytes */" + total);
            extra.putAll(r.extraHeaders());
            return simple(416, extra, head, keep, sent);
        }

        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Date", Resource.HTTP_DATE.format(Instant.now())});
        headers.add(new String[] {"Content-Type", "application/octet-stream"});
        headers.add(new String[] {"Content-Length", Long.toString(plan.length())});
        if (r.ranges()) {
            headers.add(new String[] {"Accept-Ranges", "bytes"});
        }
        if (r.validators()) {
            headers.add(new String[] {"ETag", c.etag()});
            headers.add(new String[] {"Last-Modified", c.lastModified()});
        }
        if (plan.contentRange() != null) {
            headers.add(new String[] {"Content-Range", plan.contentRange()});
        }
        boolean bodyFault = fault instanceof Fault.DropAfter || fault instanceof Fault.StallAfter
                || fault instanceof Fault.ShortBody;
        keep = keep && !(bodyFault && !head);
        AtomicLong sent = log(req, pathOnly, plan.status());
        writeHead(plan.status(), headers, r.extraHeaders(), keep);
        if (head) {
            return keep;
        }

        long limit = plan.length();
        if (fault instanceof Fault.DropAfter d) {
            limit = Math.min(limit, Math.max(0, d.bytes()));
        } else if (fault instanceof Fault.StallAfter s) {
            limit = Math.min(limit, Math.max(0, s.bytes()));
        } else if (fault instanceof Fault.ShortBody s) {
            limit = Math.min(limit, Math.max(0, s.bytes()));
        }
        if (fault instanceof Fault.HoldAt h && h.bytes() < limit) {
            long first = Math.max(0, h.bytes());
            sendBody(c.body(), plan.start(), first, r, sent);
            h.gate().arrive();
            if (!h.gate().awaitRelease(this::peerGone)) {
                TestServer.abort(socket);
                return false;
            }
            socket.setSoTimeout(0); // peerGone looked with a short timeout; reads of the next request wait
            sendBody(c.body(), plan.start() + first, limit - first, r, sent);
        } else {
            sendBody(c.body(), plan.start(), limit, r, sent);
        }

        if (fault instanceof Fault.DropAfter) {
            // let the peer's kernel acknowledge what was written: the RST would discard it
            SendQueue.awaitDrained(socket, 10_000, () -> server.isGone(socket));
            TestServer.abort(socket);
            return false;
        }
        if (fault instanceof Fault.StallAfter) {
            stall();
            return false;
        }
        if (fault instanceof Fault.ShortBody) {
            socket.shutdownOutput();
            TestServer.closeQuietly(socket);
            return false;
        }
        return keep;
    }

    /**
     * A conditional GET or HEAD whose validators match the current content (RFC 9110 13.2.2:
     * If-None-Match, weak comparison, decides when present; else If-Modified-Since).
     */
    private static boolean notModified(Request req, Resource r, Resource.Content c) {
        if (!r.validators() || !(req.method().equals("GET") || req.method().equals("HEAD"))) {
            return false;
        }
        String inm = req.header("if-none-match");
        if (inm != null) {
            String current = c.etag().startsWith("W/") ? c.etag().substring(2) : c.etag();
            for (String tag : inm.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(current)) {
                    return true;
                }
            }
            return false;
        }
        String ims = req.header("if-modified-since");
        if (ims == null) {
            return false;
        }
        try {
            Instant since = ZonedDateTime.parse(ims.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Instant modified = ZonedDateTime.parse(c.lastModified(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return !modified.isAfter(since);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Decides status, slice and Content-Range from Range, If-Range and the fault. */
    private Plan plan(Request req, Resource r, Resource.Content c, Fault fault) {
        long total = c.body().length;
        Plan full = new Plan(200, 0, total, null);
        String range = req.header("range");
        if (fault instanceof Fault.LyingContentRange) {
            long[] asked = range == null ? null : parseRange(range, total);
            long askedStart = asked == null || asked.length == 0 ? 0 : asked[0];
            long askedEnd = asked == null || asked.length == 0 ? total - 1 : asked[1];
            if (total < 2) {
                return full;
            }
            long wrong = askedStart > 0 ? askedStart / 2 : 1;
            long end = askedEnd >= wrong ? askedEnd : total - 1;
            return new Plan(206, wrong, end - wrong + 1, "bytes " + wrong + "-" + end + "/" + total);
        }
        if (range == null || !r.ranges() || fault instanceof Fault.IgnoreRange) {
            return full;
        }
        String ifRange = req.header("if-range");
        if (ifRange != null && !ifRangeMatches(ifRange, r, c)) {
            return full;
        }
        long[] asked = parseRange(range, total);
        if (asked == null) {
            return full; // syntactically invalid or multiple ranges: ignore Range
        }
        if (asked.length == 0) {
            return new Plan(416, 0, 0, null);
        }
        return new Plan(206, asked[0], asked[1] - asked[0] + 1,
                "bytes " + asked[0] + "-" + asked[1] + "/" + total);
    }

    private static boolean ifRangeMatches(String ifRange, Resource r, Resource.Content c) {
        if (!r.validators()) {
            return false;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"")) {
            return v.equals(c.etag()); // strong comparison; a weak tag never matches
        }
        if (v.startsWith("W/")) {
            return false;
        }
        if (v.equals(c.lastModified())) {
            return true;
        }
        try {
            ZonedDateTime a = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            ZonedDateTime b = ZonedDateTime.parse(c.lastModified(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return a.toInstant().equals(b.toInstant());
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Parses a single byte range: {@code {first, last}} (clamped), an empty array when it is
     * unsatisfiable, or null when the header is invalid or names several ranges.
     */
    static long[] parseRange(String header, long total) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).trim();
        if (spec.contains(",")) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long n = Long.parseLong(b);
                if (n < 0) {
                    return null;
                }
                if (n == 0 || total == 0) {
                    return new long[0];
                }
                return new long[] {Math.max(0, total - n), total - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first) {
                return null;
            }
            if (first >= total) {
                return new long[0];
            }
            return new long[] {first, Math.min(last, total - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private AtomicLong log(Request req, String pathOnly, int status) {
        current = server.record(pathOnly, new RequestLog(req.method(), req.target(), req.headers(), req.body(), status));
        return current.sent;
    }

    /** A small text answer (errors, 416, forced statuses). */
    private boolean simple(int status, Map<String, String> extra, boolean head, boolean keep,
            AtomicLong sent) throws IOException {
        byte[] body = (status + " " + reason(status) + "\n").getBytes(StandardCharsets.US_ASCII);
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Date", Resource.HTTP_DATE.format(Instant.now())});
        headers.add(new String[] {"Content-Type", "text/plain"});
        headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        writeHead(status, headers, extra, keep);
        if (!head) {
            out.write(body);
            out.flush();
            sent.addAndGet(body.length);
        }
        return keep;
    }

    private void writeHead(int status, List<String[]> headers, Map<String, String> extra, boolean keep)
            throws IOException {
        List<String[]> all = new ArrayList<>(headers);
        for (Map.Entry<String, String> e : extra.entrySet()) {
            all.removeIf(h -> h[0].equalsIgnoreCase(e.getKey()));
            all.add(new String[] {e.getKey(), e.getValue()});
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        for (String[] h : all) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        sb.append("Connection: ").append(keep ? "keep-alive" : "close").append("\r\n\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Writes {@code length} bytes from {@code start} in chunks of at most 64 KiB, paced by
     *  the resource's throttle (read again before every chunk). */
    private void sendBody(byte[] body, long start, long length, Resource r, AtomicLong sent) throws IOException {
        long done = 0;
        long rate = r.rate();
        long t0 = System.nanoTime();
        long base = 0;
        while (done < length) {
            long now = r.rate();
            if (now != rate) {
                rate = now;
                t0 = System.nanoTime();
                base = done;
            }
            int chunk = (int) Math.min(MAX_CHUNK, length - done);
            if (rate > 0) {
                chunk = (int) Math.min(chunk, Math.max(1, rate / 20));
                long due = t0 + (long) ((done - base + chunk) * 1e9 / rate);
                sleepUntil(due);
            }
            out.write(body, (int) (start + done), chunk);
            done += chunk;
            sent.addAndGet(chunk);
        }
        out.flush();
    }

    private void sleepUntil(long dueNanos) throws IOException {
        while (true) {
            if (server.isGone(socket)) {
                throw new IOException("connection closed");
            }
            long left = dueNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.min(left / 1_000_000 + 1, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** Whether the client closed the connection (or the server stopped): a quick look, no waiting. */
    private boolean peerGone() {
        if (server.isGone(socket)) {
            return true;
        }
        try {
            socket.setSoTimeout(1);
            return in.read() < 0; // a client waiting for the rest of its answer sends nothing
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Sends nothing more until the client closes the connection or the server stops. */
    private void stall() {
        try {
            socket.setSoTimeout(100);
            while (!server.isGone(socket)) {
                try {
                    if (in.read() < 0) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    // keep waiting
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 410 -> "Gone";
            case 416 -> "Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }
}
