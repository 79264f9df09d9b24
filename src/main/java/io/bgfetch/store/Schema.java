package io.bgfetch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database schema, versioned with {@code PRAGMA user_version}: migration N brings a
 * database from version N to N+1. Append new migrations; never edit a released one.
 */
final class Schema {
    private static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE fetches (
              key             INTEGER PRIMARY KEY AUTOINCREMENT,
              id              TEXT NOT NULL UNIQUE,
              title           TEXT NOT NULL DEFAULT '',
              icon            TEXT,
              state           TEXT NOT NULL,
              result          TEXT NOT NULL DEFAULT '',
              failure_reason  TEXT NOT NULL DEFAULT '',
              message         TEXT NOT NULL DEFAULT '',
              download_total  INTEGER NOT NULL DEFAULT 0,
              upload_total    INTEGER NOT NULL DEFAULT 0,
              uploaded        INTEGER NOT NULL DEFAULT 0,
              options         TEXT NOT NULL,
              created_at      TEXT NOT NULL,
              finished_at     TEXT,
              hooks_pending   INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE records (
              fetch_key         INTEGER NOT NULL REFERENCES fetches(key) ON DELETE CASCADE,
              idx               INTEGER NOT NULL,
              url               TEXT NOT NULL,
              method            TEXT NOT NULL,
              sha256            TEXT,
              out_name          TEXT,
              state             TEXT NOT NULL DEFAULT 'pending',
              status            INTEGER NOT NULL DEFAULT 0,
              status_text       TEXT NOT NULL DEFAULT '',
              headers           TEXT NOT NULL DEFAULT '{}',
              size              INTEGER NOT NULL DEFAULT -1,
              etag              TEXT,
              last_modified     TEXT,
              failure_kind      TEXT NOT NULL DEFAULT '',
              error             TEXT NOT NULL DEFAULT '',
              integrity_retries INTEGER NOT NULL DEFAULT 0,
              dest_path         TEXT,
              PRIMARY KEY (fetch_key, idx)
            );
            CREATE TABLE segments (
              fetch_key  INTEGER NOT NULL,
              record_idx INTEGER NOT NULL,
              seg        INTEGER NOT NULL,
              start      INTEGER NOT NULL,
              end        INTEGER NOT NULL,
              done       INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (fetch_key, record_idx, seg),
              FOREIGN KEY (fetch_key, record_idx) REFERENCES records(fetch_key, idx) ON DELETE CASCADE
            );
            """, """
            UPDATE fetches SET options = json_set(options, '$.title', title, '$.icon', icon,
                                                  '$.downloadTotal', download_total);
            ALTER TABLE fetches DROP COLUMN title;
            ALTER TABLE fetches DROP COLUMN icon;
            ALTER TABLE fetches DROP COLUMN download_total;
            ALTER TABLE records ADD COLUMN spec TEXT NOT NULL DEFAULT '{}';
            UPDATE records SET spec = json_object('url', url, 'sha256', sha256, 'out', out_name, 'credentials', NULL);
            ALTER TABLE records DROP COLUMN url;
            ALTER TABLE records DROP COLUMN sha256;
            ALTER TABLE records DROP COLUMN out_name;
            """, """
            ALTER TABLE records ADD COLUMN previous TEXT;
            ALTER TABLE records ADD COLUMN not_modified INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE records ADD COLUMN source INTEGER NOT NULL DEFAULT 0;
            """, """
            ALTER TABLE segments ADD COLUMN durable INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE segments ADD COLUMN block INTEGER NOT NULL DEFAULT 0;
            UPDATE segments SET durable = done;
            CREATE TABLE blocks (
              fetch_key  INTEGER NOT NULL,
              record_idx INTEGER NOT NULL,
              seg        INTEGER NOT NULL,
              blk        INTEGER NOT NULL,
              crc        INTEGER NOT NULL,
              PRIMARY KEY (fetch_key, record_idx, seg, blk),
              FOREIGN KEY (fetch_key, record_idx, seg) REFERENCES segments(fetch_key, record_idx, seg) ON DELETE CASCADE
            ) WITHOUT ROWID;
            ALTER TABLE records ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE records ADD COLUMN failing_since INTEGER;
            UPDATE records SET generation = 1 WHERE status BETWEEN 200 AND 299;
            """, """
            ALTER TABLE records ADD COLUMN dest_mtime INTEGER;
            """);

    private Schema() {
    }

    static void migrate(Connection db) throws SQLException {
        migrate(db, MIGRATIONS.size());
    }

    /** Brings the database to {@code target} (tests build old databases with it). */
    static void migrate(Connection db, int target) throws SQLException {
        int version;
        try (Statement st = db.createStatement(); var rs = st.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > MIGRATIONS.size()) {
            throw new SQLException("the database was written by a newer bgfetch (schema " + version + ")");
        }
        for (int v = version; v < target; v++) {
            db.setAutoCommit(false);
            try (Statement st = db.createStatement()) {
                for (String sql : MIGRATIONS.get(v).split(";")) {
                    if (!sql.isBlank()) {
                        st.executeUpdate(sql);
                    }
                }
                st.executeUpdate("PRAGMA user_version = " + (v + 1));
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
    }
}
