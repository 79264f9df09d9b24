package io.bgfetch.store;

/** The database failed (disk full, corrupt, locked...); unchecked because nothing can be retried locally. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
