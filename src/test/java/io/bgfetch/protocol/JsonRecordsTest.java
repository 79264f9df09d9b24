package io.bgfetch.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The protocol's own JSON ({@link JsonRecords}) writes what jackson-jr, the binder it replaced
 * on the wire and in {@code --json}, wrote (so scripts see the same bytes), and reads records
 * leniently where peers of other versions differ and strictly where the shape is wrong.
 */
class JsonRecordsTest {
    private static final RecordInfo INFO = new RecordInfo("https://h/a?x=\"1\"", "GET", "done", 200,
            Map.of("content-type", "audio/mpeg"), 78_000_000_000L, 78_000_000_000L, "/store/1/0.body",
            78_000_000_000L, "OK", "", null, true, 3);

    private record Labelled(String name, Object value) {
    }

    static List<Object> samples() {
        List<Object> values = new ArrayList<>(WireCodecTest.samples());
        values.add(WireCodecTest.REGISTRATION);
        values.add(new Registration("x", "t", "active", "", "", 1, 2, 3, 4, 5, 6, false, "c", "f", "m", "n", "/d", 7, 8,
                List.of(new Registration.Transfer(0, "http://h/a", "a", 1, 2, 3))));
        values.add(INFO);
        values.add(List.of(INFO, INFO));
        values.add(new DaemonInfo(123, "0.1.0", 5, "/tmp/s.sock", "/home/u", 2));
        values.add(new Request.Stopping(true));
        values.add(Reply.failure(ExitCode.NOT_FOUND, "no such fetch: \u00e9\u001b[31m"));
        values.add(Reply.partial(List.of(1, 2, Long.MAX_VALUE)));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("finishedAt", null);
        map.put("n", 1.5);
        map.put("nested", List.of(Map.of("k", true)));
        values.add(map);
        values.add(new Labelled("package-private record", List.of()));
        return values;
    }

    @Test
    void writesWhatJacksonJrWrote() throws IOException {
        for (Object value : samples()) {
            assertEquals(JsonBinder.JSON_CODEC.asString(value), JsonRecords.toJson(value), value.toString());
        }
    }

    @Test
    void readsBackEveryRecordItWrites() throws IOException {
        for (Object value : samples()) {
            if (value instanceof Record && !(value instanceof Reply) && !(value instanceof Labelled)) {
                assertEquals(value, read(JsonRecords.toJson(value), value.getClass()));
            }
        }
    }

    @Test
    void unknownFieldsAreSkippedAndMissingOnesTakeDefaults() throws IOException {
        Registration r = (Registration) read("{\"id\":\"x\",\"newField\":{\"deep\":[1,{\"a\":null}]},\"downloaded\":7}",
                Registration.class);
        assertEquals("x", r.id());
        assertEquals(7, r.downloaded());
        assertEquals(0, r.requests());
        assertNull(r.finishedAt());
        assertEquals(List.of(), r.transfers(), "the canonical constructor still normalises");
    }

    @Test
    void aValueOfTheWrongShapeIsAProtocolError() {
        assertThrows(WireCodec.ProtocolException.class, () -> read("{\"ids\":{\"x\":[true]}}", Request.Status.class));
        assertThrows(WireCodec.ProtocolException.class, () -> read("{\"downloaded\":\"7\"}", Registration.class));
        assertThrows(WireCodec.ProtocolException.class, () -> read("[1]", Registration.class));
        assertThrows(WireCodec.ProtocolException.class, () -> read("{\"transfers\":[null]}", Registration.class),
                "a null element, refused by List.copyOf in the record's constructor");
    }

    @Test
    void deepNestingIsRefusedByTheParserNotTheStack() {
        String deep = "{\"x\":" + "[".repeat(100_000);
        assertThrows(IOException.class, () -> read(deep, Registration.class));
    }

    @Test
    void aRequestMayComeBeforeItsType() throws IOException {
        String line = "{\"request\":{\"id\":\"x\",\"url\":\"http://h/\",\"ignoreSearch\":true},\"type\":\"Match\"}\n";
        WireCodec codec = new WireCodec(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)),
                OutputStream.nullOutputStream());
        assertEquals(new Request.Match("x", "http://h/", true), codec.readRequest());
    }

    @Test
    void plainValuesKeepJsonsShapes() throws IOException {
        Object any = read("{\"a\":[1,5000000000,1.5,\"s\",true,null],\"b\":{}}", Object.class);
        Map<String, Object> expected = new LinkedHashMap<>();
        List<Object> a = new ArrayList<>(List.of(1, 5_000_000_000L, 1.5, "s", true));
        a.add(null);
        expected.put("a", a);
        expected.put("b", Map.of());
        assertEquals(expected, any);
        assertTrue(((Map<?, ?>) any).get("a") instanceof List);
    }

    private static Object read(String json, java.lang.reflect.Type type) throws IOException {
        try (JsonParser p = JsonRecords.FACTORY.createParser(json)) {
            p.nextToken();
            return JsonRecords.read(p, type);
        }
    }
}
