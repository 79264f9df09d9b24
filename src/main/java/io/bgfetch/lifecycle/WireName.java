package io.bgfetch.lifecycle;

/**
 * An enum constant with the contract's word for it: what the JSON replies, the hooks'
 * environment and the database hold. Code compares constants; only the edges (SQL, JSON,
 * environment) turn them into text and back.
 */
public interface WireName {
    /** The contract's word, e.g. {@code "download-total-exceeded"}. */
    String wire();

    /**
     * The constant whose wire name is {@code text}.
     *
     * @throws IllegalArgumentException for a word the contract does not have (a damaged row)
     */
    static <E extends Enum<E> & WireName> E parse(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.wire().equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("not a " + type.getSimpleName() + ": '" + text + "'");
    }

    /** Like {@link #parse}, but null and "" (the contract's "none") give null. */
    static <E extends Enum<E> & WireName> E parseOptional(Class<E> type, String text) {
        return text == null || text.isEmpty() ? null : parse(type, text);
    }

    /** The wire name, or "" for none (null). */
    static String of(WireName value) {
        return value == null ? "" : value.wire();
    }
}
