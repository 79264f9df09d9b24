/**
 * The daemon's SQLite store ({@link io.bgfetch.store.FetchStore}) and the rows it hands out.
 *
 * <h2>Power-loss discipline</h2>
 *
 * A SIGKILL or a power cut may stop the daemon between any two writes. These rules order the
 * writes so that what survives is always either right or visibly incomplete (downloaded again),
 * never wrong bytes called good. A power cut keeps only what was forced: fsynced file bytes and
 * database commits made with {@code synchronous=FULL} (or followed by one); a SIGKILL keeps
 * everything written, since the kernel still holds it.
 *
 * <ol>
 * <li><b>Bytes before claims.</b> A segment's {@code durable} mark moves only after the body
 * file was fsynced with those bytes. Bytes recorded but not yet fsynced ({@code done} beyond
 * {@code durable}) carry a CRC32C per block ({@link io.bgfetch.store.BlockRow}); after an
 * unclean stop they are trusted only where the file still holds bytes with those checksums, and
 * from the first block that does not match the segment is downloaded again. The body file's
 * length is never trusted beyond what it holds.</li>
 * <li><b>A new body is durable before its first byte.</b> A restart from zero (a new validator,
 * a new plan, the record's {@code generation} + 1) is committed with {@code synchronous=FULL},
 * after the body file was emptied and that truncation fsynced, and before any byte of the new
 * body is written. So the database never describes the old version over new bytes, nor the
 * new version over old bytes it would trust. A record's first body (no plan, generation 0, no
 * previous response) skips both fsyncs: no old version is described to confuse it with, and
 * whatever its file holds after a power cut is trusted only by rule 1 (its commit is still
 * made before its first byte, as an ordinary one). Many small files save two fsyncs each.</li>
 * <li><b>Promises are forced before they are made.</b> A registration is acknowledged only after
 * its FULL commit, and its upload copy was fsynced (file and directory) before that commit. A
 * result (with its hooks pending) is a FULL commit; the bodies it calls complete may still be
 * on their way to the disk (rule 9).</li>
 * <li><b>Progress is cheap.</b> Progress commits run with {@code NORMAL} (appended to the WAL, not
 * forced): a power cut may roll back the newest of them, which only means downloading again,
 * and rule 1 makes any that survive safe. The body is fsynced and the durable marks committed
 * FULL on a cadence ({@code BGFETCH_SYNC_INTERVAL}, {@code BGFETCH_SYNC_BYTES} of the body),
 * which bounds what a power cut costs; when a transfer stops, its bytes are fsynced and marked
 * with a NORMAL commit that the next FULL one (at the latest the fetch's result) makes durable.</li>
 * <li><b>A resumed answer must prove itself.</b> A {@code 206} is appended only when it carries
 * the validator sent in {@code If-Range} (the same strong ETag, or the same Last-Modified) and
 * the Content-Range asked for; otherwise the body starts again from zero. A {@code 206} to a
 * request without {@code Range} is never a complete body.</li>
 * <li><b>Many small commits share one.</b> Progress and the record endings (guarded moves that
 * still return whether they applied) of concurrent transfers are committed together
 * ({@link io.bgfetch.store.GroupCommit}), each with the {@code NORMAL} rules above; a new
 * body's head is committed with its plan, in the FULL commit of rule 2.</li>
 * <li><b>A placed file is recorded durably.</b> {@code --dest} records where it renames a part
 * file (marked placing) in a FULL commit before the first rename, and, after the renames and the
 * directory's fsync, the placed files' times, made durable by the fetch's ending (a FULL commit
 * that follows at once; a power cut before it leaves them placing, and the next start finishes
 * the placement): a rename that survives a power cut is never forgotten.</li>
 * <li><b>Time is stored, not kept in memory.</b> When a record's retry window opened is a column
 * ({@code failing_since}), so {@code --retry-for} counts across daemon restarts.</li>
 * <li><b>Done before durable, checked before trusted.</b> A complete body is fsynced by a
 * background thread after its record is done, then marked durable with an unforced commit; until
 * then its last bytes are recorded with their block checksums, as by rule 1. A starting daemon
 * finds every done record with bytes beyond their durable mark
 * ({@link io.bgfetch.store.FetchStore#doneNotDurable}) before it serves a command or fires a
 * hook, and checks them by rule 1: all there, the body is fsynced and marked; some lost, one
 * FULL commit reopens the record (keeping the blocks that match) and queues its fetch again
 * ({@code REOPEN} moves), or, in a fetch that had failed, fails the record.</li>
 * </ol>
 *
 * Not forced on purpose: a body file's directory entry (after a power cut a missing or short
 * body file is bytes not held, by rule 1) and the per-record state commits (a record found
 * complete again on resume is checked and concluded again).
 */
package io.bgfetch.store;
