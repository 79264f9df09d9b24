package io.bgfetch.store;

import io.bgfetch.home.PrivateFiles;
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
 * them. One connection, used under this object's lock: SQLite serialises writers anyway. The
 * writes that many transfers make at once (checkpoints, record endings) are committed together
 * ({@link GroupCommit}).
 */
public final class FetchStore implements AutoCloseable {
    private final Connection db;
    private final Path file;

    /** Checkpoints and record endings of concurrent transfers, committed together. */
    private final GroupCommit together = new GroupCommit(this::commitTogether);

    private FetchStore(Connection db, Path file) {
        this.db = db;
        this.file = file;
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
                    VALUES (?, 'queued', ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, f.id());
                ps.setLong(2, f.uploadTotal());
                ps.setString(3, StoredJson.write(f.options()));
                ps.setString(4, Instant.now().toString());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    key = keys.getLong(1);
                }
            }
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT INTO records (fetch_key, idx, spec, method, previous) VALUES (?, ?, ?, ?, ?)")) {
                int idx = 0;
                for (RequestSpec r : f.requests()) {
                    PreviousResponse previous = f.previousOf(idx);
                    ps.setLong(1, key);
                    ps.setInt(2, idx++);
                    ps.setString(3, StoredJson.write(r));
                    ps.setString(4, f.options().method());
                    ps.setString(5, previous == null ? null : StoredJson.write(previous));
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
                : queryFetches("SELECT * FROM fetches WHERE state <> 'done' ORDER BY key");
    }

    /** Finished fetches whose hooks never ran (the daemon died in between). */
    public synchronized List<FetchRow> withPendingHooks() {
        return queryFetches("SELECT * FROM fetches WHERE hooks_pending = 1 ORDER BY key");
    }

    public synchronized void setState(long key, String state, String message) {
        update("UPDATE fetches SET state = ?, message = ? WHERE key = ?", state, message, key);
    }

    /** Stores the result; {@code hooksPending} is set in the same commit so hooks run at least once. */
    public synchronized void finish(long key, String result, String failureReason, String message) {
        durableCommits(true);
        try {
            update("""
                UPDATE fetches SET state = 'done', result = ?, failure_reason = ?, message = ?,
                       finished_at = ?, hooks_pending = 1 WHERE key = ?""",
                result, failureReason, message, Instant.now().toString(), key);
        } finally {
            durableCommits(false);
        }
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
                    rows.add(recordRow(rs));
                }
            }
        } catch (SQLException | IOException e) {
            throw failed(e);
        }
        return rows;
    }

    /** One record, or empty when the fetch has no such record (any more). */
    public synchronized Optional<RecordRow> record(long key, int idx) {
        try (PreparedStatement ps = prepare("SELECT * FROM records WHERE fetch_key = ? AND idx = ?", key, idx);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(recordRow(rs)) : Optional.empty();
        } catch (SQLException | IOException e) {
            throw failed(e);
        }
    }

    private static RecordRow recordRow(ResultSet rs) throws SQLException, IOException {
        return new RecordRow(rs.getLong("fetch_key"), rs.getInt("idx"),
                StoredJson.spec(rs.getString("spec")), rs.getString("method"), rs.getString("state"), rs.getInt("status"),
                rs.getString("status_text"), rs.getString("headers"), rs.getLong("size"), rs.getString("etag"),
                rs.getString("last_modified"), rs.getString("failure_kind"), rs.getString("error"),
                rs.getInt("integrity_retries"), rs.getString("dest_path"),
                StoredJson.previous(rs.getString("previous")), rs.getInt("not_modified") != 0,
                rs.getInt("source"), nullableLong(rs, "dest_mtime"));
    }

    /** Every record's state, status, size and checkpointed bytes, in one query and without JSON. */
    public synchronized List<RecordTally> tallies(long key) {
        List<RecordTally> rows = new ArrayList<>();
        try (PreparedStatement ps = prepare("""
                SELECT r.idx, r.state, r.status, r.size,
                       (SELECT COALESCE(SUM(s.done), 0) FROM segments s WHERE s.fetch_key = r.fetch_key AND s.record_idx = r.idx)
                FROM records r WHERE r.fetch_key = ? ORDER BY r.idx""", key);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new RecordTally(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getLong(5)));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return rows;
    }

    public synchronized void setRecordState(long key, int idx, String state) {
        update("UPDATE records SET state = ? WHERE fetch_key = ? AND idx = ?", state, key, idx);
    }

    /** The record's body is complete: {@code size} is its length on disk (known now even when it was not announced). */
    public void completeRecord(long key, int idx, long size) {
        together.write("UPDATE records SET state = 'done', size = ? WHERE fetch_key = ? AND idx = ?", size, key, idx);
    }

    /**
     * A re-check answered 304: the previous response is the record's again, complete, in one
     * commit (its body file is already in place).
     */
    public synchronized void keepPrevious(long key, int idx, PreviousResponse p) {
        try {
            db.setAutoCommit(false);
            try (PreparedStatement ps = prepare("""
                    UPDATE records SET state = 'done', not_modified = 1, previous = NULL, status = ?, status_text = ?,
                           headers = ?, size = ?, etag = ?, last_modified = ?, dest_path = ?, dest_mtime = ?
                    WHERE fetch_key = ? AND idx = ?""", p.status(), p.statusText(), p.headersJson(), p.size(),
                    p.etag(), p.lastModified(), p.destPath(), p.destMtime(), key, idx)) {
                ps.executeUpdate();
            }
            try (PreparedStatement del = prepare("DELETE FROM segments WHERE fetch_key = ? AND record_idx = ?", key, idx);
                 PreparedStatement ins = prepare(
                         "INSERT INTO segments (fetch_key, record_idx, seg, start, end, done) VALUES (?, ?, 0, 0, ?, ?)",
                         key, idx, p.size(), p.size())) {
                del.executeUpdate();
                ins.executeUpdate();
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failed(e);
        } finally {
            autoCommit();
        }
    }

    /** Which source (0 the URL, 1.. its mirrors) the record's transfer uses from now on. */
    public synchronized void setSource(long key, int idx, int source) {
        update("UPDATE records SET source = ? WHERE fetch_key = ? AND idx = ?", source, key, idx);
    }

    public synchronized void failRecord(long key, int idx, String failureKind, String error) {
        update("UPDATE records SET state = 'failed', failure_kind = ?, error = ? WHERE fetch_key = ? AND idx = ?",
                failureKind, error, key, idx);
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

    /**
     * A body starts from zero: its response head (as {@link #saveHead}) and its plan (as
     * {@link #replaceSegments}) in one commit.
     */
    public synchronized void startBody(long key, int idx, int status, String statusText, String headersJson,
                                       long size, String etag, String lastModified, List<SegmentRow> segments) {
        try {
            db.setAutoCommit(false);
            try (PreparedStatement ps = prepare("""
                    UPDATE records SET status = ?, status_text = ?, headers = ?, size = ?, etag = ?, last_modified = ?,
                           previous = CASE WHEN ? THEN NULL ELSE previous END
                    WHERE fetch_key = ? AND idx = ?""",
                    status, statusText, headersJson, size, etag, lastModified, status >= 200 && status <= 299, key, idx)) {
                ps.executeUpdate();
            }
            writeSegments(key, idx, segments);
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failed(e);
        } finally {
            autoCommit();
        }
    }

    public synchronized void countIntegrityRetry(long key, int idx) {
        update("UPDATE records SET integrity_retries = integrity_retries + 1 WHERE fetch_key = ? AND idx = ?", key, idx);
    }

    /**
     * Where {@code --dest} puts (or has put) the bodies of a fetch, every record in one commit:
     * once with {@link PlacedFile#PLACING} before the part files are renamed, once with the
     * placed files' modification times after.
     */
    public synchronized void setPlacements(long key, List<PlacedFile> files) {
        try {
            db.setAutoCommit(false);
            try (PreparedStatement ps = db.prepareStatement(
                    "UPDATE records SET dest_path = ?, dest_mtime = ? WHERE fetch_key = ? AND idx = ?")) {
                for (PlacedFile f : files) {
                    ps.setString(1, f.path());
                    ps.setLong(2, f.mtime());
                    ps.setLong(3, key);
                    ps.setInt(4, f.idx());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failed(e);
        } finally {
            autoCommit();
        }
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
            writeSegments(key, idx, segments);
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failed(e);
        } finally {
            autoCommit();
        }
    }

    private void writeSegments(long key, int idx, List<SegmentRow> segments) throws SQLException {
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
    }

    /**
     * Records that the first {@code done} bytes of a segment are on disk. The caller must have
     * forced them to the device first: this row is the promise that a restart may trust them.
     */
    public void checkpoint(long key, int idx, int seg, long done, long end) {
        together.write("UPDATE segments SET done = ?, end = ? WHERE fetch_key = ? AND record_idx = ? AND seg = ?",
                done, end, key, idx, seg);
    }

    // ---- plumbing -----------------------------------------------------------------------------

    /** The writes {@link GroupCommit} gathered, in one transaction, in their order. */
    private synchronized void commitTogether(List<GroupCommit.Write> writes) {
        try {
            db.setAutoCommit(false);
            for (GroupCommit.Write w : writes) {
                try (PreparedStatement ps = prepare(w.sql(), w.args())) {
                    ps.executeUpdate();
                }
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failed(e);
        } finally {
            autoCommit();
        }
    }

    private List<FetchRow> queryFetches(String sql, Object... args) {
        List<FetchRow> rows = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new FetchRow(rs.getLong("key"), rs.getString("id"), rs.getString("state"),
                        rs.getString("result"), rs.getString("failure_reason"), rs.getString("message"),
                        rs.getLong("upload_total"), rs.getLong("uploaded"), StoredJson.options(rs.getString("options")),
                        rs.getString("created_at"), rs.getString("finished_at"), rs.getInt("hooks_pending") != 0));
            }
        } catch (SQLException | IOException e) {
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

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = db.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    /** FULL makes the next commits survive a power loss once they return; NORMAL is the rest. */
    private void durableCommits(boolean durable) {
        try (Statement st = db.createStatement()) {
            st.execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the original failure is what matters
        }
    }

    private void autoCommit() {
        try {
            db.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is broken; the next statement reports it
        }
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static StoreException failed(Exception e) {
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
