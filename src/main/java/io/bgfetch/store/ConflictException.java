package io.bgfetch.store;

/** Registering an ID that is taken: by an active fetch, or by a finished one without replace. */
public final class ConflictException extends Exception {
    public ConflictException(String message) {
        super(message);
    }
}
