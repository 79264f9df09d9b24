package io.bgfetch.store;

/** The database failed (disk full, corrupt, locked...); unchecked because nothing can be retried locally. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when {@code t} or one of its causes is SQLite finding the disk full. */
    public static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StoreException && String.valueOf(c.getMessage()).contains("SQLITE_FULL")) {
                return true;
            }
        }
        return false;
    }
}
