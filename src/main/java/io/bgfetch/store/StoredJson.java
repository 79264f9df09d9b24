package io.bgfetch.store;

import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RequestSpec;
import io.bgfetch.protocol.WireCodec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON columns: a fetch's {@link FetchOptions} and a record's {@link RequestSpec}, stored as
 * they are. A row written by an older bgfetch may lack components added since; those take their
 * values from {@link FetchOptions#DEFAULTS}, so adding an option needs no migration.
 */
final class StoredJson {
    private static final Map<String, Object> OPTION_DEFAULTS;

    static {
        try {
            OPTION_DEFAULTS = WireCodec.JSON_CODEC.mapFrom(WireCodec.JSON_CODEC.asString(FetchOptions.DEFAULTS));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private StoredJson() {
    }

    static String write(Object value) throws IOException {
        return WireCodec.JSON_CODEC.asString(value);
    }

    static FetchOptions options(String json) throws IOException {
        try {
            return WireCodec.JSON_CODEC.beanFrom(FetchOptions.class, json);
        } catch (IOException incomplete) {
            // an older row: fill in what it lacks
            Map<String, Object> merged = new LinkedHashMap<>(OPTION_DEFAULTS);
            merged.putAll(WireCodec.JSON_CODEC.mapFrom(json));
            return WireCodec.JSON_CODEC.beanFrom(FetchOptions.class, WireCodec.JSON_CODEC.asString(merged));
        }
    }

    /** Older rows lack {@code mirrors}: a missing list reads as none. */
    static RequestSpec spec(String json) throws IOException {
        return WireCodec.JSON_CODEC.beanFrom(RequestSpec.class, json);
    }

    static PreviousResponse previous(String json) throws IOException {
        return json == null || json.isBlank() ? null : WireCodec.JSON_CODEC.beanFrom(PreviousResponse.class, json);
    }
}
