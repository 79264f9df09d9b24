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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything the daemon keeps in SQLite, and the only class that speaks SQL.
 *
 * <p>Durability: WAL mode. The commits that promise something (a registration acknowledged, a
 * result stored, a body started from zero, a body's durable marks on the sync cadence) run with
 * {@code synchronous=FULL} and survive a power loss once they return; the many small progress
 * and state commits run with {@code NORMAL}. The rules that make every order of writes safe are
 * in {@code package-info.java} ("Power-loss discipline"). One connection, used under this
 * object's lock: SQLite serialises writers anyway.
 *
 * <p>States: every write of a fetch's or a record's state is one of the lifecycle's
 * {@link io.bgfetch.lifecycle.Transitions moves}, guarded by the states it may start from, and
 * returns whether it applied; states are text only in the SQL here.
 */
public final class FetchStore implements AutoCloseable {
    private final Connection db;
    private final Path file;
    private final CommitListener commits;
    /** Whether commits are FULL now (they are NORMAL unless a method asks otherwise). */
    private boolean fullCommits;
    private final StateWrites states;
    /** The statements run again and again (a few per transfer), compiled once. */
    private final StatementCache statements;

    /** Progress and record endings of concurrent transfers, committed together. */
    private final GroupCommit together = new GroupCommit(this::commitTogether);

    /**
     * Told of every commit, under the store's lock, and whether a power loss can undo it. Tests
     * use it to keep copies of the database as a power cut would leave it.
     */
    public interface CommitListener {
        CommitListener NONE = durable -> { };

        void committed(boolean durable);
    }

    private FetchStore(Connection db, Path file, CommitListener commits) {
        this.db = db;
        this.file = file;
        this.commits = commits;
        this.states = new StateWrites(this, db);
        this.statements = new StatementCache(db);
    }

    public static FetchStore open(Path file) throws IOException {
        return open(file, CommitListener.NONE);
    }

    public static FetchStore open(Path file, CommitListener commits) throws IOException {
        // Create the file 0600 first: SQLite gives its -wal and -shm files the database's mode.
        PrivateFiles.file(file);
        try {
            // sqlite-jdbc's driver directly: DriverManager would first scan every jar for JDBC drivers.
            // Without generated keys: the driver would otherwise match a regular expression against
            // every INSERT, UPDATE and DELETE it runs (a few per downloaded file) to find a table name.
            java.util.Properties config = new java.util.Properties();
            config.setProperty(org.sqlite.SQLiteConfig.Pragma.JDBC_GET_GENERATED_KEYS.pragmaName, "false");
            Connection db = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, config);
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
            FetchStore store = new FetchStore(db, file, commits);
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
        // Under this object's lock, on its one connection: nothing comes between the check and the insert.
        Optional<FetchRow> existing = find(f.id());
        if (existing.isPresent()) {
            if (!existing.get().isDone()) {
                throw new ConflictException("a fetch with ID '" + f.id() + "' is active");
            }
            if (!f.options().replace()) {
                throw new ConflictException("a finished fetch with ID '" + f.id()
                        + "' exists; use --replace or 'bgfetch rm' first");
            }
        }
        long replaced = existing.map(FetchRow::key).orElse(-1L);
        String options;
        List<RecordJson> records = new ArrayList<>(f.requests().size());
        try {
            options = StoredJson.write(f.options());
            for (int idx = 0; idx < f.requests().size(); idx++) {
                PreviousResponse previous = f.previousOf(idx);
                records.add(new RecordJson(StoredJson.write(f.requests().get(idx)),
                        previous == null ? null : StoredJson.write(previous)));
            }
        } catch (IOException e) {
            throw new StoreException("cannot store the fetch: " + e.getMessage(), e);
        }
        long key;
        try {
            key = inTransaction(true, () -> insertFetch(f, options, records, replaced));
        } catch (StoreException e) {
            throw new StoreException("cannot store the fetch: " + e.getMessage(), e);
        }
        return new long[] {key, replaced};
    }

    /** A record's request and previous response as stored (serialised before the transaction). */
    private record RecordJson(String spec, String previous) {
    }

    /** {@link #register}'s transaction: the replaced fetch out, the new one and its records in. */
    private long insertFetch(NewFetch f, String options, List<RecordJson> records, long replaced) throws SQLException {
        if (replaced >= 0) {
            delete(replaced);
        }
        long added;
        try (ResultSet keys = prepare("""
                INSERT INTO fetches (id, state, upload_total, options, created_at)
                VALUES (?, ?, ?, ?, ?) RETURNING key""", f.id(), FetchState.QUEUED.wire(), f.uploadTotal(), options,
                Instant.now().toString()).executeQuery()) {
            keys.next();
            added = keys.getLong(1);
        }
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO records (fetch_key, idx, spec, method, previous, state) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int idx = 0; idx < records.size(); idx++) {
                ps.setLong(1, added);
                ps.setInt(2, idx);
                ps.setString(3, records.get(idx).spec());
                ps.setString(4, f.options().method());
                ps.setString(5, records.get(idx).previous());
                ps.setString(6, RecordState.PENDING.wire());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return added;
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
        try (ResultSet rs = prepare("SELECT * FROM records WHERE fetch_key = ? ORDER BY idx", key).executeQuery()) {
            while (rs.next()) {
                rows.add(recordRow(rs));
            }
        } catch (SQLException | IOException | IllegalArgumentException e) {
            throw failed(e);
        }
        return rows;
    }

    /** One record, or empty when the fetch has no such record (any more). */
    public synchronized Optional<RecordRow> record(long key, int idx) {
        try (ResultSet rs = prepare("SELECT * FROM records WHERE fetch_key = ? AND idx = ?", key, idx).executeQuery()) {
            return rs.next() ? Optional.of(recordRow(rs)) : Optional.empty();
        } catch (SQLException | IOException | IllegalArgumentException e) {
            throw failed(e);
        }
    }

    private static RecordRow recordRow(ResultSet rs) throws SQLException, IOException {
        return new RecordRow(rs.getLong("fetch_key"), rs.getInt("idx"),
                StoredJson.spec(rs.getString("spec")), rs.getString("method"),
                RecordState.fromWire(rs.getString("state")), rs.getInt("status"), rs.getString("status_text"),
                rs.getString("headers"), rs.getLong("size"), rs.getString("etag"), rs.getString("last_modified"),
                FailureReason.fromWire(rs.getString("failure_kind")), rs.getString("error"),
                rs.getInt("integrity_retries"), rs.getString("dest_path"),
                StoredJson.previous(rs.getString("previous")), rs.getInt("not_modified") != 0,
                rs.getInt("source"), rs.getLong("generation"), nullableLong(rs, "dest_mtime"));
    }

    /** Every record's state, status, size and checkpointed bytes, in one query and without JSON. */
    public synchronized List<RecordTally> tallies(long key) {
        List<RecordTally> rows = new ArrayList<>();
        try (ResultSet rs = prepare("""
                SELECT r.idx, r.state, r.status, r.size,
                       (SELECT COALESCE(SUM(s.done), 0) FROM segments s WHERE s.fetch_key = r.fetch_key AND s.record_idx = r.idx)
                FROM records r WHERE r.fetch_key = ? ORDER BY r.idx""", key).executeQuery()) {
            while (rs.next()) {
                rows.add(new RecordTally(rs.getInt(1), RecordState.fromWire(rs.getString(2)), rs.getInt(3), rs.getLong(4), rs.getLong(5)));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return rows;
    }

    /**
     * The records of a fetch whose transfer has stored state to resume from: a plan (segments,
     * with their checksums) or an open retry window. One query for a whole fetch, so that a
     * record without any (most of a fetch of many small files) starts without looking.
     */
    public synchronized Set<Integer> withTransferState(long key) {
        Set<Integer> out = new HashSet<>();
        try (ResultSet rs = prepare("""
                SELECT r.idx FROM records r WHERE r.fetch_key = ? AND (r.failing_since IS NOT NULL
                       OR EXISTS (SELECT 1 FROM segments s WHERE s.fetch_key = r.fetch_key AND s.record_idx = r.idx))""",
                key).executeQuery()) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return out;
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

    /**
     * Where {@code --dest} puts (or has put) the bodies of a fetch, every record in one commit:
     * once with {@link PlacedFile#PLACING} before the part files are renamed, once with the
     * placed files' modification times after.
     */
    public void setPlacements(long key, List<PlacedFile> files) {
        setPlacements(key, files, true);
    }

    /**
     * @param durable a FULL commit; without, the next forced commit (the fetch's ending, which
     *                follows a placement at once) makes it durable
     */
    public void setPlacements(long key, List<PlacedFile> files, boolean durable) {
        // durable: a rename in DIR may survive a power loss, so must the record of it
        batch(durable, "UPDATE records SET dest_path = ?, dest_mtime = ? WHERE fetch_key = ? AND idx = ?",
                files.stream().map(f -> new Object[] {f.path(), f.mtime(), key, f.idx()}).toList());
    }

    /** One statement run with each row of arguments, in one transaction; {@code durable}: a FULL commit. */
    private void batch(boolean durable, String sql, List<Object[]> rows) {
        inTransaction(durable, () -> {
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    // ---- segments (the byte ranges of a body, how much of each is written and durable) --------

    public synchronized List<SegmentRow> segments(long key, int idx) {
        List<SegmentRow> rows = new ArrayList<>();
        try (ResultSet rs = prepare("""
                SELECT seg, start, end, done, durable, block FROM segments
                WHERE fetch_key = ? AND record_idx = ? ORDER BY seg""", key, idx).executeQuery()) {
            while (rs.next()) {
                rows.add(new SegmentRow(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getInt(6)));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return rows;
    }

    /**
     * The done records whose bodies have bytes recorded but not marked durable, as {fetch key,
     * record index} pairs: after an unclean stop, what a power cut may have lost. Segments with
     * no checksums (block 0) were fsynced before they were recorded.
     */
    public synchronized List<long[]> doneNotDurable() {
        List<long[]> rows = new ArrayList<>();
        try (PreparedStatement ps = prepare("""
                SELECT DISTINCT s.fetch_key, s.record_idx FROM segments s
                JOIN records r ON r.fetch_key = s.fetch_key AND r.idx = s.record_idx
                WHERE r.state = ? AND s.block > 0 AND s.durable < s.done
                ORDER BY s.fetch_key, s.record_idx""", RecordState.DONE.wire());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return rows;
    }

    /** The block checksums of a body's segments, by segment and block. */
    public synchronized List<BlockRow> blocks(long key, int idx) {
        List<BlockRow> rows = new ArrayList<>();
        try (ResultSet rs = prepare(
                "SELECT seg, blk, crc FROM blocks WHERE fetch_key = ? AND record_idx = ? ORDER BY seg, blk", key, idx).executeQuery()) {
            while (rs.next()) {
                rows.add(new BlockRow(rs.getInt(1), rs.getInt(2), rs.getInt(3)));
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return rows;
    }

    /** Replaces a body's plan (an empty list forgets it), with its block checksums. */
    public void replaceSegments(long key, int idx, List<SegmentRow> segments) {
        inTransaction(false, () -> {
            writeSegments(key, idx, segments);
            return null;
        });
    }

    /**
     * A body starts from zero: its new plan replaces the old one and its generation goes up, in
     * one commit that survives a power loss when this returns. The caller has emptied the body
     * file durably before, and writes none of the new bytes before this returns.
     *
     * @return the body's new generation
     */
    public long startBody(long key, int idx, List<SegmentRow> plan) {
        return startBody(key, idx, null, plan, true);
    }

    /** {@link #startBody(long, int, StoredHead, List, boolean) startBody}, forced. */
    public long startBody(long key, int idx, StoredHead head, List<SegmentRow> plan) {
        return startBody(key, idx, head, plan, true);
    }

    /**
     * As {@link #startBody(long, int, List)}, with the new body's response head (as {@link
     * #saveHead}) in the same commit, when {@code head} is not null: one commit per body start.
     * Not {@code forced}, it is an ordinary commit: for a record the store never described a
     * body of (its generation is 0), where no plan or previous response survives a power cut to
     * be trusted over the new bytes (see {@code TransferListener.describesEarlierBody}). Such a
     * first body is committed with whatever other transfers write at the moment: many small files
     * start together, and one commit for all of them costs what one for each did.
     *
     * @return the body's new generation
     * @throws StoreException when {@code forced} is false and the record had a body already (a
     *         caller's mistake: the head and plan are written all the same, the generation stays,
     *         so the next attempt sees an earlier body and restarts it forced)
     */
    public long startBody(long key, int idx, StoredHead head, List<SegmentRow> plan, boolean forced) {
        List<GroupCommit.Write> writes = new ArrayList<>();
        if (head != null) {
            writes.add(new GroupCommit.Write("""
                    UPDATE records SET status = ?, status_text = ?, headers = ?, size = ?, etag = ?, last_modified = ?,
                           previous = CASE WHEN ? THEN NULL ELSE previous END
                    WHERE fetch_key = ? AND idx = ?""", new Object[] {head.status(), head.statusText(),
                    head.headersJson(), head.size(), head.etag(), head.lastModified(),
                    head.status() >= 200 && head.status() <= 299, key, idx}));
        }
        writes.addAll(segmentWrites(key, idx, plan));
        if (!forced) {
            writes.add(new GroupCommit.Write(
                    "UPDATE records SET generation = 1 WHERE fetch_key = ? AND idx = ? AND generation = 0",
                    new Object[] {key, idx}));
            int[] changed = together.writeAll(writes);
            if (changed[changed.length - 1] != 1) {
                throw new StoreException("record " + idx + " of fetch " + key + " had a body before its first", null);
            }
            return 1;
        }
        return inTransaction(true, () -> {
            for (GroupCommit.Write w : writes) {
                prepare(w.sql(), w.args()).executeUpdate();
            }
            prepare("UPDATE records SET generation = generation + 1 WHERE fetch_key = ? AND idx = ?", key, idx)
                    .executeUpdate();
            try (ResultSet rs = prepare("SELECT generation FROM records WHERE fetch_key = ? AND idx = ?", key, idx)
                    .executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** A response head as {@link #saveHead} stores it. */
    public record StoredHead(int status, String statusText, String headersJson, long size, String etag,
                             String lastModified) {
    }

    private void writeSegments(long key, int idx, List<SegmentRow> segments) throws SQLException {
        for (GroupCommit.Write w : segmentWrites(key, idx, segments)) {
            prepare(w.sql(), w.args()).executeUpdate();
        }
    }

    /** The statements that replace a body's plan with {@code segments}. */
    private static List<GroupCommit.Write> segmentWrites(long key, int idx, List<SegmentRow> segments) {
        List<GroupCommit.Write> writes = new ArrayList<>();
        // their blocks go with them (ON DELETE CASCADE)
        writes.add(new GroupCommit.Write("DELETE FROM segments WHERE fetch_key = ? AND record_idx = ?",
                new Object[] {key, idx}));
        for (SegmentRow s : segments) {
            writes.add(segmentInsert(key, idx, s));
        }
        return writes;
    }

    private static GroupCommit.Write segmentInsert(long key, int idx, SegmentRow s) {
        return new GroupCommit.Write("""
                INSERT INTO segments (fetch_key, record_idx, seg, start, end, done, durable, block)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                new Object[] {key, idx, s.seg(), s.start(), s.end(), s.done(), s.durable(), s.block()});
    }

    /**
     * Records that the first {@code done} bytes of a segment are written, and the checksum of the
     * block they end in (covering that block up to {@code done}). Not forced, and not a promise
     * that the bytes are durable: after an unclean stop they are checked against the checksum.
     *
     * @param end the segment's end (fixed once a body of unknown length ends), or -1
     */
    public void progress(long key, int idx, int seg, long done, long end, int block, int blk, int crc) {
        together.writeAll(new Progress(seg, done, end, block, blk, crc).writes(key, idx));
    }

    /**
     * One segment's progress as {@link #progress} records it: written up to {@code done}, block
     * {@code blk} with checksum {@code crc}. A record's last one may be committed with its
     * ending ({@link StateWrites#completeRecord(long, int, long, List)}).
     */
    public record Progress(int seg, long done, long end, int block, int blk, int crc) {
        /** The statements that record it; the checksum only while its segment is planned. */
        List<GroupCommit.Write> writes(long key, int idx) {
            return List.of(
                    new GroupCommit.Write("""
                            UPDATE segments SET done = ?, end = ?, block = ?
                            WHERE fetch_key = ? AND record_idx = ? AND seg = ?""", new Object[] {done, end, block, key, idx, seg}),
                    new GroupCommit.Write("""
                            INSERT OR REPLACE INTO blocks (fetch_key, record_idx, seg, blk, crc)
                            SELECT ?, ?, ?, ?, ? WHERE EXISTS
                                (SELECT 1 FROM segments WHERE fetch_key = ? AND record_idx = ? AND seg = ?)""",
                            new Object[] {key, idx, seg, blk, crc, key, idx, seg}));
        }
    }

    /**
     * Segment {@code seg} now ends at {@code at} and {@code added} covers the rest of its range:
     * both in one commit, ordered with the progress writes (a split is recorded before any
     * progress of its new segment, and lost to a power cut only with that progress).
     */
    public void splitSegment(long key, int idx, int seg, long at, SegmentRow added) {
        together.writeAll(List.of(
                new GroupCommit.Write("UPDATE segments SET end = ? WHERE fetch_key = ? AND record_idx = ? AND seg = ?",
                        new Object[] {at, key, idx, seg}),
                segmentInsert(key, idx, added)));
    }

    /**
     * Records that the body file was fsynced with the first {@code durable[i]} bytes of segment
     * {@code segs[i]}. With {@code force}, this record itself survives a power loss when it
     * returns (the sync cadence); without, the next forced commit makes it durable.
     */
    public void durable(long key, int idx, int[] segs, long[] durable, boolean force) {
        if (!force) {
            // A done body's late sync, or a stopped transfer's: committed with whatever other
            // transfers write at the moment (many small files finish together).
            List<GroupCommit.Write> writes = new ArrayList<>();
            for (int i = 0; i < segs.length; i++) {
                writes.add(new GroupCommit.Write(
                        "UPDATE segments SET durable = MAX(durable, ?) WHERE fetch_key = ? AND record_idx = ? AND seg = ?",
                        new Object[] {durable[i], key, idx, segs[i]}));
            }
            together.writeAll(writes);
            return;
        }
        durableForced(key, idx, segs, durable);
    }

    /** The sync cadence's marks: one FULL commit of their own. */
    private void durableForced(long key, int idx, int[] segs, long[] durable) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < segs.length; i++) {
            rows.add(new Object[] {durable[i], key, idx, segs[i]});
        }
        batch(true, "UPDATE segments SET durable = MAX(durable, ?) WHERE fetch_key = ? AND record_idx = ? AND seg = ?", rows);
    }

    /**
     * A resumed segment holds fewer bytes than recorded (the file was cut short, or blocks beyond
     * the durable mark did not match their checksums): it goes on from {@code done}.
     */
    public synchronized void cutBack(long key, int idx, int seg, long done) {
        update("""
                UPDATE segments SET done = ?, durable = MIN(durable, ?)
                WHERE fetch_key = ? AND record_idx = ? AND seg = ?""", done, done, key, idx, seg);
    }

    /**
     * Records that the first {@code done} bytes of a segment are on disk and durable, with no
     * checksums (a row as older versions kept them). The caller must have forced them first.
     */
    public void checkpoint(long key, int idx, int seg, long done, long end) {
        together.write("UPDATE segments SET done = ?, durable = ?, end = ? WHERE fetch_key = ? AND record_idx = ? AND seg = ?",
                done, done, end, key, idx, seg);
    }

    // ---- the retry window (kept across daemon restarts) ------------------------------------------

    /** When the record's transfer started failing without progress since, or null. */
    public synchronized Instant failingSince(long key, int idx) {
        try (ResultSet rs = prepare("SELECT failing_since FROM records WHERE fetch_key = ? AND idx = ?", key, idx).executeQuery()) {
            if (rs.next()) {
                long millis = rs.getLong(1);
                return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
            }
            return null;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Opens ({@code since}) or closes (null: the transfer progressed) the record's retry window. */
    public synchronized void setFailingSince(long key, int idx, Instant since) {
        update("UPDATE records SET failing_since = ? WHERE fetch_key = ? AND idx = ?",
                since == null ? null : since.toEpochMilli(), key, idx);
    }

    // ---- lifecycle (branch lifecycle) ------------------------------------------------------

    /** Every write of a fetch's or a record's state: the lifecycle's guarded moves. */
    public StateWrites states() {
        return states;
    }

    /** Committed with other transfers' writes (guarded record endings among them). */
    GroupCommit together() {
        return together;
    }

    // ---- plumbing -----------------------------------------------------------------------------

    /** The writes {@link GroupCommit} gathered, in one transaction, in their order. */
    private int[] commitTogether(List<GroupCommit.Write> writes) {
        return inTransaction(false, () -> {
            int[] changed = new int[writes.size()];
            for (int i = 0; i < changed.length; i++) {
                GroupCommit.Write w = writes.get(i);
                changed[i] = prepare(w.sql(), w.args()).executeUpdate();
            }
            return changed;
        });
    }

    /** What {@link #inTransaction} runs. */
    @FunctionalInterface
    interface TransactionWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and commits it, or rolls it all back when it throws.
     * With {@code durable}, a FULL commit: it survives a power loss once this returns.
     */
    <T> T inTransaction(boolean durable, TransactionWork<T> work) {
        return inTransaction(durable, work, result -> true);
    }

    /**
     * As {@link #inTransaction(boolean, TransactionWork)}, but commits only when {@code keep}
     * accepts what {@code work} returned, else rolls it back (a guarded move that found another state).
     */
    synchronized <T> T inTransaction(boolean durable, TransactionWork<T> work, Predicate<T> keep) {
        if (durable) {
            durableCommits(true);
        }
        try {
            db.setAutoCommit(false);
            T result = work.run();
            if (keep.test(result)) {
                commit();
            } else {
                db.rollback();
            }
            return result;
        } catch (SQLException e) {
            rollback();
            throw failed(e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        } finally {
            autoCommit();
            if (durable) {
                durableCommits(false);
            }
        }
    }

    private List<FetchRow> queryFetches(String sql, Object... args) {
        List<FetchRow> rows = new ArrayList<>();
        try (ResultSet rs = prepare(sql, args).executeQuery()) {
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
        try {
            prepare(sql, args).executeUpdate();
            if (db.getAutoCommit()) {
                commits.committed(fullCommits);
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Ends the transaction in progress (and tells the commit listener). */
    void commit() throws SQLException {
        db.commit();
        committed();
    }

    /** A commit happened (a transaction's, or a statement's in autocommit mode). */
    void committed() {
        commits.committed(fullCommits);
    }

    /**
     * The statement for {@code sql} with {@code args} bound, compiled once and kept ({@link
     * StatementCache}): run it and close any result set, but do not close the statement.
     */
    PreparedStatement prepare(String sql, Object... args) throws SQLException {
        return statements.bound(sql, args);
    }

    /** FULL makes the next commits survive a power loss once they return; NORMAL is the rest. */
    void durableCommits(boolean durable) {
        try {
            prepare(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL").execute();
            fullCommits = durable;
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

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static StoreException failed(Exception e) {
        return new StoreException("database error: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        statements.close();
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing at shutdown; nothing to do about it
        }
    }
}
