package io.bgfetch.daemon;

import io.bgfetch.transfer.Segment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the daemon knows right now of one record of a running fetch: its phase, its live plan,
 * the body bytes it holds and its rate. The one place these live: the fetch's numbers and the
 * snapshots ({@code status}, {@code match}, the transfers of a progress display) are derived
 * from the views of its records ({@link LiveRecords}). Whether a record is done or failed is not
 * here but in the store, whose guarded moves decide it.
 */
final class RecordView {
    /** Where a record of a running fetch is. */
    enum Phase {
        /** Not being transferred: queued for a transfer slot, or ended (the store says how). */
        PENDING,
        /** Being transferred. */
        RUNNING,
        /** Sleeping before its next attempt (it lent its transfer slot meanwhile). */
        WAITING
    }

    /** A record's phase with, while waiting, why and until when. Immutable: read in one piece. */
    record Status(Phase phase, String waitReason, Instant nextAttempt) {
        static final Status PENDING = new Status(Phase.PENDING, "", null);
        static final Status RUNNING = new Status(Phase.RUNNING, "", null);

        boolean isTransferring() {
            return phase != Phase.PENDING;
        }
    }

    /**
     * The body being filled, swapped as one: its generation (bumped each time it starts from zero)
     * and its plan. A reader following the body never pairs one generation with another's bytes.
     */
    record Body(long generation, List<Segment> plan) {
    }

    private final int index;
    private final LiveRecords owner;
    /** Body bytes held: the stored ones at first, then as they arrive (before they are durable). */
    private final AtomicLong bytes;
    private final RateMeter rate = new RateMeter();
    private volatile Status status = Status.PENDING;
    private volatile Body body;
    private volatile long uploaded;

    RecordView(int index, LiveRecords owner, long storedBytes) {
        this.index = index;
        this.owner = owner;
        this.bytes = new AtomicLong(storedBytes);
    }

    int index() {
        return index;
    }

    Status status() {
        return status;
    }

    /** The plan being filled while the record is transferred, else null (the store has it). */
    List<Segment> livePlan() {
        Body b = liveBody();
        return b == null ? null : b.plan();
    }

    /** The body being filled (generation and plan) while the record is transferred, else null. */
    Body liveBody() {
        Body b = body;
        return status.isTransferring() && b != null && b.plan() != null ? b : null;
    }

    long bytes() {
        return bytes.get();
    }

    long uploaded() {
        return uploaded;
    }

    long bytesPerSecond() {
        return rate.bytesPerSecond();
    }

    void sampleRate() {
        rate.sample(bytes.get());
    }

    // ---- fed by the record's transfer ----------------------------------------------------------

    /** The transfer starts from this plan (the stored one, or none) of the body's {@code generation}. */
    void started(List<Segment> storedPlan, long generation) {
        body = new Body(generation, storedPlan);
        boolean was = status.isTransferring();
        status = Status.RUNNING;
        if (!was) {
            owner.transferring(1);
        }
    }

    /**
     * A new plan of a new body ({@code generation}), or none after a restart from zero (the
     * generation stays until the next body is planned): the bytes held go back to zero with it.
     */
    void replan(List<Segment> newPlan, long generation) {
        body = new Body(generation, newPlan);
        setBytes(0);
    }

    /** A segment of the plan gave part of its range to {@code added}: the plan shows it too. */
    void split(Segment added) {
        Body b = body;
        if (b != null && b.plan() != null) {
            List<Segment> grown = new ArrayList<>(b.plan());
            grown.add(added);
            body = new Body(b.generation(), List.copyOf(grown));
        }
    }

    /** Some bytes of the stored plan turned out not to be held (checked at resume). */
    void lost(long n) {
        setBytes(bytes.get() - n);
    }

    /**
     * Whether this record's start or stop may have changed its fetch's live state: it is the
     * only one of the fetch's records being transferred, or none is any more.
     */
    boolean fetchMayHaveChanged() {
        return owner.transferring() <= 1;
    }

    long generation() {
        Body b = body;
        return b == null ? 0 : b.generation();
    }

    /** More body bytes arrived. */
    void arrived(int n) {
        bytes.addAndGet(n);
        owner.added(n);
    }

    void waiting(String reason, Instant nextAttempt) {
        status = new Status(Phase.WAITING, reason == null ? "" : reason, nextAttempt);
    }

    void attempting() {
        status = Status.RUNNING;
    }

    void uploaded(long n) {
        uploaded = n;
    }

    /** The transfer ended: the record holds {@code heldBytes} (its body, or 0 when it failed). */
    void ended(long heldBytes) {
        setBytes(heldBytes);
        stopped();
    }

    /** The transfer stopped (cancelled, or its run failed): the bytes stay counted as they are. */
    void stopped() {
        boolean was = status.isTransferring();
        status = Status.PENDING;
        if (was) {
            owner.transferring(-1);
        }
        Body b = body;
        body = b == null ? null : new Body(b.generation(), null);
    }

    private void setBytes(long n) {
        owner.added(n - bytes.getAndSet(n));
    }
}
