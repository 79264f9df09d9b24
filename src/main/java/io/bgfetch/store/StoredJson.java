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

    /**
     * Options read lately, by their JSON: a fetch's row is read for every status snapshot, and its
     * options never change, so the same text need not be parsed again. Bounded; FetchOptions is
     * immutable, so sharing one is safe.
     */
    private static final Map<String, FetchOptions> RECENT_OPTIONS = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FetchOptions> eldest) {
            return size() > 64;
        }
    };

    static FetchOptions options(String json) throws IOException {
        synchronized (RECENT_OPTIONS) {
            FetchOptions known = RECENT_OPTIONS.get(json);
            if (known != null) {
                return known;
            }
        }
        FetchOptions parsed = parseOptions(json);
        synchronized (RECENT_OPTIONS) {
            RECENT_OPTIONS.put(json, parsed);
        }
        return parsed;
    }

    private static FetchOptions parseOptions(String json) throws IOException {
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
