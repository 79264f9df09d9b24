package io.bgfetch.transfer;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A transfer listener that records what it is told, for the transfer tests to assert on. */
class Recorder implements TransferListener {
    final List<ResponseHead> heads = new CopyOnWriteArrayList<>();
    final List<ResponseHead> errorHeads = new CopyOnWriteArrayList<>();
    final List<Integer> planSizes = new CopyOnWriteArrayList<>();
    /** [segment index, written bytes] of each progress record, in the order reported. */
    final List<List<Integer>> progress = new CopyOnWriteArrayList<>();
    /** [segment index, durable bytes] in the order reported. */
    final List<List<Integer>> durables = new CopyOnWriteArrayList<>();
    /** [segment index, bytes kept] of each repair at resume. */
    final List<List<Integer>> cutBacks = new CopyOnWriteArrayList<>();
    /** [segment split, new segment, its start, its end] of each split. */
    final List<List<Integer>> splits = new CopyOnWriteArrayList<>();
    /** The segments the listener was told of (planned, stored or split off)... */
    final Set<Integer> known = ConcurrentHashMap.newKeySet();
    /** ...and those whose progress came before that: a store would have no row for it. */
    final List<Integer> unknownProgress = new CopyOnWriteArrayList<>();
    final List<String> restarts = new CopyOnWriteArrayList<>();
    final AtomicInteger integrityMismatches = new AtomicInteger();
    final AtomicInteger waits = new AtomicInteger();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicLong arrived = new AtomicLong();
    volatile Consumer<String> onWaiting = reason -> { };
    /** The retry window's start as stored before, or null. */
    volatile Instant storedWindow;
    /** Each change of the retry window reported (empty: closed). */
    final List<Optional<Instant>> windows = new CopyOnWriteArrayList<>();
    /** When set, "planned" is added to it (to order it among a recording disk's operations). */
    volatile List<String> events;
    /** Refuse more than this many body bytes with a quota failure, as the daemon's budget does. */
    volatile long quotaBytes = Long.MAX_VALUE;
    /** The store describes no earlier body of the record (until one is planned). */
    volatile boolean firstBody;

    @Override
    public boolean describesEarlierBody() {
        return !firstBody;
    }

    @Override
    public void headReceived(ResponseHead head) {
        heads.add(head);
    }

    @Override
    public void errorResponse(ResponseHead head) {
        errorHeads.add(head);
    }

    @Override
    public void planned(List<Segment> plan) {
        firstBody = false; // from now on the store describes a body
        planSizes.add(plan.size());
        plan.forEach(s -> known.add(s.index()));
        if (events != null) {
            events.add("planned");
        }
    }

    @Override
    public Instant retryWindowStart() {
        return storedWindow;
    }

    @Override
    public void retryWindow(Instant since) {
        windows.add(Optional.ofNullable(since));
    }

    @Override
    public void bytesArrived(int n) throws TransferFailure.Permanent {
        if (arrived.addAndGet(n) > quotaBytes) {
            throw new TransferFailure.Permanent(FailureKind.QUOTA, "over the quota", 0, null);
        }
    }

    @Override
    public void progress(Segment segment, long written, int blk, int crc) {
        if (!known.contains(segment.index())) {
            unknownProgress.add(segment.index());
        }
        progress.add(List.of(segment.index(), (int) written));
    }

    @Override
    public void durable(int[] segments, long[] bytes, boolean force) {
        for (int i = 0; i < segments.length; i++) {
            durables.add(List.of(segments[i], (int) bytes[i]));
        }
    }

    @Override
    public void split(Segment from, Segment added) {
        splits.add(List.of(from.index(), added.index(), (int) added.start(), (int) added.end()));
        known.add(added.index());
    }

    @Override
    public void cutBack(Segment segment, long bytes) {
        cutBacks.add(List.of(segment.index(), (int) bytes));
    }

    long lastDurable(int index) {
        long last = -1;
        for (List<Integer> c : durables) {
            if (c.get(0) == index) {
                last = c.get(1);
            }
        }
        return last;
    }

    @Override
    public void restarted(String reason) {
        restarts.add(reason);
    }

    @Override
    public void integrityMismatch() {
        integrityMismatches.incrementAndGet();
    }

    @Override
    public void waiting(String reason, Instant nextAttempt) {
        waits.incrementAndGet();
        onWaiting.accept(reason);
    }

    @Override
    public void attempting() {
        attempts.incrementAndGet();
    }

    @Override
    public void uploaded(long bytes) {
    }
}
