package io.bgfetch.store;

import io.bgfetch.home.PrivateFiles;
import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.protocol.RequestSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the daemon keeps in SQLite, and the only class that speaks SQL.
 *
 * <p>Durability: WAL mode. The commits that promise something to the user, a registration
 * acknowledged and a result stored, run with {@code synchronous=FULL} and survive a power loss
 * once they return. The many small progress and state commits run with {@code NORMAL}: a power
 * loss may roll the newest of them back (never corrupt the database), which only means
 * downloading a little again, because a body's bytes are always fsynced before any row claims
 * them. One connection, used under this object's lock: SQLite serialises writers anyway.
 *
 * <p>States: every write of a fetch's or a record's state is one of the lifecycle's
 * {@link io.bgfetch.lifecycle.Transitions moves}, guarded by the states it may start from, and
 * returns whether it applied; states are text only in the SQL here.
 */
public final class FetchStore implements AutoCloseable {
    private final Connection db;
    private final Path file;
    private final StateWrites states;

    private FetchStore(Connection db, Path file) {
        this.db = db;
        this.file = file;
        this.states = new StateWrites(this, db);
    }

    public static FetchStore open(Path file) throws IOException {
        // Create the file 0600 first: SQLite gives its -wal and -shm files the database's mode.
        PrivateFiles.file(file);
        try {
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement st = db.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA busy_timeout=10000");
                try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                    String verdict = rs.next() ? rs.getString(1) : "no answer";
                    if (!"ok".equals(verdict)) {
                        db.close();
                        throw new CorruptDatabaseException(file + " failed its integrity check: " + verdict);
                    }
                }
            }
            Schema.migrate(db);
            FetchStore store = new FetchStore(db, file);
            store.restrictFiles();
            return store;
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("SQLITE_CORRUPT") || message.contains("SQLITE_NOTADB")) {
                throw new CorruptDatabaseException(file + " is not a readable database: " + message);
            }
            throw new IOException("cannot open the database " + file + ": " + message, e);
        }
    }

    /** The database file is damaged; it cannot be trusted, only set aside. */
    public static final class CorruptDatabaseException extends IOException {
        public CorruptDatabaseException(String message) {
            super(message);
        }
    }

    private void restrictFiles() throws IOException {
        PrivateFiles.restrict(Path.of(file + "-wal"));
        PrivateFiles.restrict(Path.of(file + "-shm"));
    }

    // ---- registrations -------------------------------------------------------------------

    /**
     * Stores a new fetch and its records in one transaction; when this returns, the fetch
     * survives a crash. With {@code replace}, a finished fetch with the same ID is deleted
     * first and its key returned so that its bodies can be removed.
     *
     * @return the new fetch's key, and the replaced fetch's key or -1
     */
    public synchronized long[] register(NewFetch f) throws ConflictException {
        try {
            durableCommits(true);
            db.setAutoCommit(false);
            long replaced = -1;
            Optional<FetchRow> existing = find(f.id());
            if (existing.isPresent()) {
                FetchRow old = existing.get();
                if (!old.isDone()) {
                    throw new ConflictException("a fetch with ID '" + f.id() + "' is active");
                }
                if (!f.options().replace()) {
                    throw new ConflictException("a finished fetch with ID '" + f.id()
                            + "' exists; use --replace or 'bgfetch rm' first");
                }
                delete(old.key());
                replaced = old.key();
            }
            long key;
            try (PreparedStatement ps = db.prepareStatement("""
                    INSERT INTO fetches (id, state, upload_total, options, created_at)
                    VALUES (?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, f.id());
                ps.setString(2, FetchState.QUEUED.wire());
                ps.setLong(3, f.uploadTotal());
                ps.setString(4, StoredJson.write(f.options()));
                ps.setString(5, Instant.now().toString());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    key = keys.getLong(1);
                }
            }
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT INTO records (fetch_key, idx, spec, method, previous, state) VALUES (?, ?, ?, ?, ?, ?)")) {
                int idx = 0;
                for (RequestSpec r : f.requests()) {
                    PreviousResponse previous = f.previousOf(idx);
                    ps.setLong(1, key);
                    ps.setInt(2, idx++);
                    ps.setString(3, StoredJson.write(r));
                    ps.setString(4, f.options().method());
                    ps.setString(5, previous == null ? null : StoredJson.write(previous));
                    ps.setString(6, RecordState.PENDING.wire());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            db.commit();
            return new long[] {key, replaced};
        } catch (ConflictException e) {
            rollback();
            throw e;
        } catch (SQLException | IOException e) {
            rollback();
            throw new StoreException("cannot store the fetch: " + e.getMessage(), e);
        } finally {
            autoCommit();
            durableCommits(false);
        }
    }

    public synchronized Optional<FetchRow> find(String id) {
        return queryFetches("SELECT * FROM fetches WHERE id = ?", id).stream().findFirst();
    }

    public synchronized Optional<FetchRow> find(long key) {
        return queryFetches("SELECT * FROM fetches WHERE key = ?", key).stream().findFirst();
    }

    /** Every fetch, oldest first; only those not done unless {@code all}. */
    public synchronized List<FetchRow> list(boolean all) {
        return all ? queryFetches("SELECT * FROM fetches ORDER BY key")
                : queryFetches("SELECT * FROM fetches WHERE state <> ? ORDER BY key", FetchState.DONE.wire());
    }

    /** Finished fetches whose hooks never ran (the daemon died in between). */
    public synchronized List<FetchRow> withPendingHooks() {
        return queryFetches("SELECT * FROM fetches WHERE hooks_pending = 1 ORDER BY key");
    }

    public synchronized void hooksDone(long key) {
        update("UPDATE fetches SET hooks_pending = 0 WHERE key = ?", key);
    }

    public synchronized void setUploaded(long key, long uploaded) {
        update("UPDATE fetches SET uploaded = ? WHERE key = ?", uploaded, key);
    }

    public synchronized void delete(long key) {
        update("DELETE FROM fetches WHERE key = ?", key);
    }

    // ---- records ---------------------------------------------------------------------------

    public synchronized List<RecordRow> records(long key) {
        List<RecordRow> rows = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT * FROM records WHERE fetch_key = ? ORDER BY idx")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new RecordRow(rs.getLong("fetch_key"), rs.getInt("idx"),
                            StoredJson.spec(rs.getString("spec")), rs.getString("method"),
                            RecordState.fromWire(rs.getString("state")), rs.getInt("status"), rs.getString("status_text"),
                            rs.getString("headers"), rs.getLong("size"), rs.getString("etag"), rs.getString("last_modified"),
                            FailureReason.fromWire(rs.getString("failure_kind")), rs.getString("error"),
                            rs.getInt("integrity_retries"), rs.getString("dest_path"),
                            StoredJson.previous(rs.getString("previous")), rs.getInt("not_modified") != 0,
                            rs.getInt("source")));
                }
            }
        } catch (SQLException | IOException | IllegalArgumentException e) {
            throw failed(e);
        }
        return rows;
    }

    /** Which source (0 the URL, 1.. its mirrors) the record's transfer uses from now on. */
    public synchronized void setSource(long key, int idx, int source) {
        update("UPDATE records SET source = ? WHERE fetch_key = ? AND idx = ?", source, key, idx);
    }

    /**
     * The response head of a body that starts (again) from zero, with its validators. A response
     * that is not a body to keep (an error) leaves a previous response in place; a body's head
     * forgets it in the same commit, since that body replaces the previous one.
     */
    public synchronized void saveHead(long key, int idx, int status, String statusText, String headersJson,
                                      long size, String etag, String lastModified) {
        boolean body = status >= 200 && status <= 299;
        update("""
                UPDATE records SET status = ?, status_text = ?, headers = ?, size = ?, etag = ?, last_modified = ?,
                       previous = CASE WHEN ? THEN NULL ELSE previous END
                WHERE fetch_key = ? AND idx = ?""",
                status, statusText, headersJson, size, etag, lastModified, body, key, idx);
    }

    public synchronized void countIntegrityRetry(long key, int idx) {
        update("UPDATE records SET integrity_retries = integrity_retries + 1 WHERE fetch_key = ? AND idx = ?", key, idx);
    }

    public synchronized void setDestPath(long key, int idx, String destPath) {
        update("UPDATE records SET dest_path = ? WHERE fetch_key = ? AND idx = ?", destPath, key, idx);
    }

    // ---- segments (the byte ranges of a body and how much of each is safely on disk) ---------

    public synchronized List<SegmentRow> segments(long key, int idx) {
        List<SegmentRow> rows = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT seg, start, end, done FROM segments WHERE fetch_key = ? AND record_idx = ? ORDER BY seg")) {
            ps.setLong(1, key);
            ps.setInt(2, idx);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new SegmentRow(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return rows;
    }

    /** Replaces a body's plan (an empty list forgets it: the body starts from zero). */
    public synchronized void replaceSegments(long key, int idx, List<SegmentRow> segments) {
        try {
            db.setAutoCommit(false);
            try (PreparedStatement del = db.prepareStatement("DELETE FROM segments WHERE fetch_key = ? AND record_idx = ?")) {
                del.setLong(1, key);
                del.setInt(2, idx);
                del.executeUpdate();
            }
            try (PreparedStatement ins = db.prepareStatement(
                    "INSERT INTO segments (fetch_key, record_idx, seg, start, end, done) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (SegmentRow s : segments) {
                    ins.setLong(1, key);
                    ins.setInt(2, idx);
                    ins.setInt(3, s.seg());
                    ins.setLong(4, s.start());
                    ins.setLong(5, s.end());
                    ins.setLong(6, s.done());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failed(e);
        } finally {
            autoCommit();
        }
    }

    /**
     * Records that the first {@code done} bytes of a segment are on disk. The caller must have
     * forced them to the device first: this row is the promise that a restart may trust them.
     */
    public synchronized void checkpoint(long key, int idx, int seg, long done, long end) {
        update("UPDATE segments SET done = ?, end = ? WHERE fetch_key = ? AND record_idx = ? AND seg = ?",
                done, end, key, idx, seg);
    }

    // ---- lifecycle (branch lifecycle) ------------------------------------------------------

    /** Every write of a fetch's or a record's state: the lifecycle's guarded moves. */
    public StateWrites states() {
        return states;
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private List<FetchRow> queryFetches(String sql, Object... args) {
        List<FetchRow> rows = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new FetchRow(rs.getLong("key"), rs.getString("id"), FetchState.fromWire(rs.getString("state")),
                        FetchResult.fromWire(rs.getString("result")), FailureReason.fromWire(rs.getString("failure_reason")),
                        rs.getString("message"),
                        rs.getLong("upload_total"), rs.getLong("uploaded"), StoredJson.options(rs.getString("options")),
                        rs.getString("created_at"), rs.getString("finished_at"), rs.getInt("hooks_pending") != 0));
            }
        } catch (SQLException | IOException | IllegalArgumentException e) {
            throw failed(e);
        }
        return rows;
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = db.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    /** FULL makes the next commits survive a power loss once they return; NORMAL is the rest. */
    void durableCommits(boolean durable) {
        try (Statement st = db.createStatement()) {
            st.execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the original failure is what matters
        }
    }

    void autoCommit() {
        try {
            db.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is broken; the next statement reports it
        }
    }

    static StoreException failed(Exception e) {
        return new StoreException("database error: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing at shutdown; nothing to do about it
        }
    }
}
