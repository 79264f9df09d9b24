package io.bgfetch.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol's JSON and the {@code --json} output, on jackson-core's streaming parser and
 * generator: records (components in declaration order, nulls written, nothing else), lists,
 * maps with string keys, strings, numbers, booleans and null.
 *
 * <p>Why not an object binder: a client reads one reply and exits, and jackson-jr spent more of
 * a {@code bgfetch list} setting itself up and introspecting classes than the rest of the
 * command did. This reads a record through its canonical constructor and writes it through its
 * accessors, nothing more.
 *
 * <p>Reading into a record, unknown fields are skipped (a newer peer may send more) and missing
 * ones are null, 0 or false (an older one sends fewer); the record's constructor normalises
 * them as for any caller. A value of the wrong shape is a {@link WireCodec.ProtocolException}.
 */
public final class JsonRecords {
    /** Thread-safe once configured; the parsers it makes bound nesting depth and sizes. */
    static final JsonFactory FACTORY = new JsonFactory();

    private JsonRecords() {
    }

    /** One value as a JSON text (for {@code --json}: one document per line). */
    public static String toJson(Object value) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        }
        return out.toString();
    }

    static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Float f) {
            g.writeNumber(f);
        } else if (value instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (value instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (value instanceof Record r) {
            writeRecord(g, r);
        } else if (value instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (value instanceof Enum<?> e) {
            g.writeString(e.name());
        } else {
            throw new IllegalArgumentException("no JSON form for a " + value.getClass().getName());
        }
    }

    private static void writeRecord(JsonGenerator g, Record r) throws IOException {
        RecordShape shape = RecordShape.of(r.getClass());
        g.writeStartObject();
        for (int i = 0; i < shape.names.length; i++) {
            g.writeFieldName(shape.names[i]);
            try {
                write(g, shape.accessors[i].invoke(r));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + shape.names[i] + " of " + r.getClass().getName(), e);
            }
        }
        g.writeEndObject();
    }

    /** Reads the value at the parser's current token as {@code type}; null for JSON null. */
    static Object read(JsonParser p, Type type) throws IOException {
        Class<?> raw = raw(type);
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new WireCodec.ProtocolException("no JSON value");
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (raw == Object.class) {
            return readAny(p);
        }
        if (raw == String.class) {
            expect(p, t == JsonToken.VALUE_STRING, "a string");
            return p.getText();
        }
        if (raw == long.class || raw == Long.class) {
            expect(p, t == JsonToken.VALUE_NUMBER_INT, "an integer");
            return p.getLongValue();
        }
        if (raw == int.class || raw == Integer.class) {
            expect(p, t == JsonToken.VALUE_NUMBER_INT, "an integer");
            return p.getIntValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            expect(p, t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE, "true or false");
            return t == JsonToken.VALUE_TRUE;
        }
        if (raw == double.class || raw == Double.class) {
            expect(p, t.isNumeric(), "a number");
            return p.getDoubleValue();
        }
        if (raw == List.class) {
            expect(p, t == JsonToken.START_ARRAY, "an array");
            Type element = typeArgument(type, 0);
            List<Object> list = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(read(p, element));
            }
            return list;
        }
        if (raw == Map.class) {
            expect(p, t == JsonToken.START_OBJECT, "an object");
            Type value = typeArgument(type, 1);
            Map<String, Object> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                map.put(key, read(p, value));
            }
            return map;
        }
        if (raw.isRecord()) {
            return readRecord(p, raw);
        }
        if (raw.isEnum()) {
            expect(p, t == JsonToken.VALUE_STRING, "a string");
            for (Object constant : raw.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(p.getText())) {
                    return constant;
                }
            }
            throw new WireCodec.ProtocolException("no " + raw.getSimpleName() + " named " + p.getText());
        }
        throw new IllegalArgumentException("cannot read JSON as " + type);
    }

    private static Object readRecord(JsonParser p, Class<?> type) throws IOException {
        expect(p, p.currentToken() == JsonToken.START_OBJECT, "an object");
        RecordShape shape = RecordShape.of(type);
        Object[] args = new Object[shape.names.length];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            int i = shape.indexOf(name);
            if (i < 0) {
                p.skipChildren();
            } else {
                args[i] = read(p, shape.genericTypes[i]);
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null && shape.types[i].isPrimitive()) {
                args[i] = zero(shape.types[i]);
            }
        }
        try {
            return shape.canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new WireCodec.ProtocolException("not a valid " + type.getSimpleName() + ": " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    /** A JSON value as plain Java: maps, lists, strings, numbers (Integer when it fits), booleans, null. */
    private static Object readAny(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT:
                return read(p, Map.class);
            case START_ARRAY:
                return read(p, List.class);
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getNumberValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new WireCodec.ProtocolException("unexpected " + p.currentToken());
        }
    }

    private static Object zero(Class<?> primitive) {
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == int.class) {
            return 0;
        }
        if (primitive == double.class) {
            return 0.0;
        }
        throw new IllegalArgumentException("no default for " + primitive);
    }

    private static void expect(JsonParser p, boolean ok, String what) throws IOException {
        if (!ok) {
            throw new WireCodec.ProtocolException("expected " + what + " at " + p.currentToken()
                    + (p.currentName() == null ? "" : " (field " + p.currentName() + ")"));
        }
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType pt) {
            return (Class<?>) pt.getRawType();
        }
        return Object.class; // a wildcard or type variable: read it as it comes
    }

    private static Type typeArgument(Type type, int index) {
        return type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[index] : Object.class;
    }
}
