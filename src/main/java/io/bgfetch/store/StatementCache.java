package io.bgfetch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store's prepared statements, kept for reuse. SQLite compiles each statement from its text;
 * for the small writes and look-ups a transfer makes (a few per file) compiling cost more than
 * running, so each distinct SQL text is compiled once and reused. Used under the store's lock,
 * like its one connection. A statement handed out stays open: the caller binds every parameter,
 * runs it and closes any result set (which resets the statement), but never closes the statement.
 * The SQL texts are a fixed set; the cache is bounded all the same, least recently used out first.
 */
final class StatementCache implements AutoCloseable {
    private static final int MAX_KEPT = 64;

    private final Connection db;
    private final LinkedHashMap<String, PreparedStatement> kept = new LinkedHashMap<>(32, 0.75f, true);

    StatementCache(Connection db) {
        this.db = db;
    }

    /** The statement for {@code sql}, its parameters cleared. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = kept.get(sql);
        if (ps == null) {
            ps = db.prepareStatement(sql);
            kept.put(sql, ps);
            trim();
        } else {
            ps.clearParameters();
        }
        return ps;
    }

    /** The statement for {@code sql} with {@code args} bound in order. */
    PreparedStatement bound(String sql, Object... args) throws SQLException {
        PreparedStatement ps = get(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    /** Drops a statement that failed: the next use compiles it afresh rather than trust its state. */
    void forget(String sql) {
        PreparedStatement ps = kept.remove(sql);
        if (ps != null) {
            closeQuietly(ps);
        }
    }

    private void trim() {
        Iterator<Map.Entry<String, PreparedStatement>> it = kept.entrySet().iterator();
        while (kept.size() > MAX_KEPT && it.hasNext()) {
            closeQuietly(it.next().getValue());
            it.remove();
        }
    }

    @Override
    public void close() {
        kept.values().forEach(StatementCache::closeQuietly);
        kept.clear();
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // closing at shutdown or after a failure; nothing to do about it
        }
    }
}
