package io.bgfetch.protocol;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * jackson-jr's object binder, configured to agree with {@link JsonRecords} (the protocol's and
 * {@code --json}'s JSON): records are written with their components in declaration order and
 * nothing else (no {@code isDone()} pseudo-properties), nulls are written. The daemon uses it
 * for the store's JSON columns and the documents hooks read; a client never loads it.
 */
public final class JsonBinder {
    public static final JSON JSON_CODEC = JSON.std
            .with(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.WRITE_RECORD_FIELDS_IN_DECLARATION_ORDER)
            .without(JSON.Feature.USE_IS_GETTERS);

    private JsonBinder() {
    }
}
