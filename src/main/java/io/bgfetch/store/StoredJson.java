package io.bgfetch.store;

import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RequestSpec;
import io.bgfetch.protocol.JsonBinder;
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
            OPTION_DEFAULTS = JsonBinder.JSON_CODEC.mapFrom(JsonBinder.JSON_CODEC.asString(FetchOptions.DEFAULTS));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private StoredJson() {
    }

    static String write(Object value) throws IOException {
        return JsonBinder.JSON_CODEC.asString(value);
    }

    static FetchOptions options(String json) throws IOException {
        try {
            return JsonBinder.JSON_CODEC.beanFrom(FetchOptions.class, json);
        } catch (IOException incomplete) {
            // an older row: fill in what it lacks
            Map<String, Object> merged = new LinkedHashMap<>(OPTION_DEFAULTS);
            merged.putAll(JsonBinder.JSON_CODEC.mapFrom(json));
            return JsonBinder.JSON_CODEC.beanFrom(FetchOptions.class, JsonBinder.JSON_CODEC.asString(merged));
        }
    }

    /** Older rows lack {@code mirrors}: a missing list reads as none. */
    static RequestSpec spec(String json) throws IOException {
        return JsonBinder.JSON_CODEC.beanFrom(RequestSpec.class, json);
    }

    static PreviousResponse previous(String json) throws IOException {
        return json == null || json.isBlank() ? null : JsonBinder.JSON_CODEC.beanFrom(PreviousResponse.class, json);
    }
}
