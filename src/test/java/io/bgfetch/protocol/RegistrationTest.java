package io.bgfetch.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrationTest {
    /** The field order of the contract's Registration example (CLI.md). */
    static final List<String> CONTRACT_ORDER = List.of("id", "title", "state", "result", "failureReason",
            "downloaded", "downloadTotal", "uploaded", "uploadTotal", "requests", "completed", "recordsAvailable",
            "createdAt", "finishedAt");

    /** The JSON object a user sees for {@code value}, keys in the order they were written. */
    static Map<String, Object> json(Object value) {
        try {
            return JsonBinder.JSON_CODEC.with(JSON.Feature.PRESERVE_FIELD_ORDERING)
                    .mapFrom(JsonRecords.toJson(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void toJsonKeepsTheContractsFieldOrderWithAdditionsAfterIt() {
        Map<String, Object> json = json(WireCodecTest.REGISTRATION);
        List<String> keys = new ArrayList<>(json.keySet());
        assertEquals(CONTRACT_ORDER, keys.subList(0, CONTRACT_ORDER.size()));
        assertTrue(keys.size() > CONTRACT_ORDER.size());
    }

    @Test
    void toJsonCarriesTheValues() {
        Map<String, Object> json = json(WireCodecTest.REGISTRATION);
        assertEquals("podcast-42", json.get("id"));
        assertEquals("Episode 42", json.get("title"));
        assertEquals("active", json.get("state"));
        assertEquals("", json.get("result"));
        assertEquals("", json.get("failureReason"));
        assertEquals(1_048_576, json.get("downloaded"));
        assertEquals(78_643_200, json.get("downloadTotal"));
        assertEquals(0, json.get("uploaded"));
        assertEquals(0, json.get("uploadTotal"));
        assertEquals(2, json.get("requests"));
        assertEquals(1, json.get("completed"));
        assertEquals(true, json.get("recordsAvailable"));
        assertEquals("2026-11-21T10:00:00Z", json.get("createdAt"));
        assertTrue(json.containsKey("finishedAt"));
        assertNull(json.get("finishedAt"), "null while not done, and present");
    }

    @Test
    void recordInfoKeepsTheContractsFieldOrder() {
        RecordInfo info = new RecordInfo("https://h/a", "GET", "done", 200, null, 10, 10, null, 10, "OK", "", null);
        List<String> keys = new ArrayList<>(json(info).keySet());
        assertEquals(List.of("url", "method", "state", "status", "headers", "size", "downloaded", "path"),
                keys.subList(0, 8));
        assertEquals(Map.of(), json(info).get("headers"), "headers is never null");
        assertTrue(json(info).containsKey("path"));
    }

    @Test
    void daemonInfoHasTheContractsFields() {
        DaemonInfo d = new DaemonInfo(12, "0.1.0", 3, "/h/daemon.sock", "/h", 2);
        assertEquals(List.of("pid", "version", "uptimeSeconds", "socket", "home", "active"),
                new ArrayList<>(json(d).keySet()));
    }
}
