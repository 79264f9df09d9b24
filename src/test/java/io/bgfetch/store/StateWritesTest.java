package io.bgfetch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.lifecycle.RecordState;
import io.bgfetch.lifecycle.Transitions.FetchMove;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guarded moves: each applies only from its states, and of racing moves exactly one wins. */
class StateWritesTest {
    @TempDir
    Path tmp;

    private FetchStore store;
    private StateWrites states;
    private long key;

    @BeforeEach
    void setUp() throws Exception {
        store = FetchStore.open(tmp.resolve("bgfetch.db"));
        states = store.states();
        key = store.register(FetchStoreTest.fetch("f", false, "https://h/a", "https://h/b"))[0];
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private FetchRow row() {
        return store.find(key).orElseThrow();
    }

    private RecordRow record(int idx) {
        return store.records(key).get(idx);
    }

    @Test
    void aFetchMovesOnlyFromTheStatesItsMoveStartsFrom() {
        assertFalse(states.move(key, FetchMove.RESUME), "a queued fetch is not paused");
        assertTrue(states.move(key, FetchMove.START));
        assertTrue(states.move(key, FetchMove.START), "a run may begin again (after a restart)");
        assertTrue(states.move(key, FetchMove.PAUSE));
        assertEquals(FetchState.PAUSED, row().state());
        assertFalse(states.move(key, FetchMove.PAUSE), "paused twice");
        assertFalse(states.move(key, FetchMove.START), "a paused fetch does not run");
        assertFalse(states.end(key, FetchMove.END, FetchResult.SUCCESS, null, ""), "no run ends a paused fetch");
        assertTrue(states.move(key, FetchMove.RESUME));
        assertEquals(FetchState.QUEUED, row().state());
        assertFalse(states.move(key, FetchMove.RESUME), "resumed twice");
    }

    @Test
    void nothingMovesADoneFetch() {
        assertTrue(states.end(key, FetchMove.END, FetchResult.SUCCESS, null, ""));
        FetchRow done = row();
        assertEquals(FetchState.DONE, done.state());
        assertEquals(FetchResult.SUCCESS, done.result());
        assertNull(done.failureReason());
        assertTrue(done.hooksPending(), "the winner's hooks are due");

        for (FetchMove m : List.of(FetchMove.START, FetchMove.PAUSE, FetchMove.RESUME)) {
            assertFalse(states.move(key, m), m.toString());
        }
        assertFalse(states.end(key, FetchMove.END, FetchResult.FAILURE, FailureReason.FETCH_ERROR, "late"));
        assertFalse(states.discard(key, FetchMove.ABORT, FailureReason.ABORTED, "aborted by the user"));
        assertFalse(states.failIncomplete(key, FailureReason.QUOTA_EXCEEDED, "full"));
        assertEquals(done, row(), "the losers changed nothing");
    }

    @Test
    void aPausedFetchCanBeAbortedWithNoRunButNotEndedByOne() {
        assertTrue(states.move(key, FetchMove.PAUSE));
        assertFalse(states.discard(key, FetchMove.END, FailureReason.ABORTED, "x"));
        assertTrue(states.discard(key, FetchMove.ABORT, FailureReason.ABORTED, "aborted by the user"));
        assertEquals(FailureReason.ABORTED, row().failureReason());
    }

    @Test
    void aDiscardFailsEveryRecordAndForgetsEveryPlanInOneCommit() {
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 10, 10)));
        assertTrue(states.completeRecord(key, 0, 10));
        store.replaceSegments(key, 1, List.of(new SegmentRow(0, 0, 10, 4)));

        assertTrue(states.discard(key, FetchMove.END, FailureReason.DOWNLOAD_TOTAL_EXCEEDED, "too much"));

        for (RecordRow r : store.records(key)) {
            assertEquals(RecordState.FAILED, r.state());
            assertEquals(FailureReason.DOWNLOAD_TOTAL_EXCEEDED, r.failureReason());
            assertEquals(List.of(), store.segments(key, r.idx()));
        }
        assertFalse(states.completeRecord(key, 1, 10), "nothing completes over a discarded record");
        assertEquals(RecordState.FAILED, record(1).state());
    }

    @Test
    void failingIncompleteRecordsKeepsTheCompleteOnes() {
        store.replaceSegments(key, 0, List.of(new SegmentRow(0, 0, 10, 10)));
        assertTrue(states.completeRecord(key, 0, 10));
        store.replaceSegments(key, 1, List.of(new SegmentRow(0, 0, 10, 4)));

        assertTrue(states.failIncomplete(key, FailureReason.QUOTA_EXCEEDED, "the disk is full"));

        assertEquals(RecordState.DONE, record(0).state());
        assertEquals(List.of(new SegmentRow(0, 0, 10, 10)), store.segments(key, 0));
        assertEquals(RecordState.FAILED, record(1).state());
        assertEquals(FailureReason.QUOTA_EXCEEDED, record(1).failureReason());
        assertEquals(List.of(), store.segments(key, 1));
        assertEquals(FailureReason.QUOTA_EXCEEDED, row().failureReason());
    }

    @Test
    void aRecordCompletesInOneCommitWithItsLastProgress() throws Exception {
        store.close();
        List<Boolean> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
        store = FetchStore.open(tmp.resolve("bgfetch.db"), commits::add);
        states = store.states();
        store.startBody(key, 0, List.of(new SegmentRow(0, 0, 10, 0, 0, 16)));
        store.startBody(key, 1, List.of(new SegmentRow(0, 0, 10, 0, 0, 16)));
        commits.clear();

        assertTrue(states.completeRecord(key, 0, 10, List.of(new FetchStore.Progress(0, 10, 10, 16, 0, 42))));

        assertEquals(1, commits.size(), "the progress and the ending: one commit");
        assertEquals(RecordState.DONE, record(0).state());
        assertEquals(List.of(new SegmentRow(0, 0, 10, 10, 0, 16)), store.segments(key, 0));
        assertEquals(List.of(new BlockRow(0, 0, 42)), store.blocks(key, 0));

        assertTrue(states.discard(key, FetchMove.END, FailureReason.ABORTED, "aborted"));
        assertFalse(states.completeRecord(key, 1, 10, List.of(new FetchStore.Progress(0, 10, 10, 16, 0, 7))),
                "a discarded record does not complete, and its progress is not recorded over its forgotten plan");
        assertEquals(List.of(), store.blocks(key, 1));
    }

    @Test
    void aRecordEndsOnce() {
        assertTrue(states.failRecord(key, 1, FailureReason.BAD_STATUS, "HTTP 404"));
        assertFalse(states.completeRecord(key, 1, 10));
        assertFalse(states.failRecord(key, 1, FailureReason.FETCH_ERROR, "again"));
        assertEquals(FailureReason.BAD_STATUS, record(1).failureReason());
        assertEquals("HTTP 404", record(1).error());
    }

    @Test
    void aMoveThatDoesNotEndTheFetchCannotBeUsedToEndIt() {
        assertThrows(IllegalArgumentException.class, () -> states.move(key, FetchMove.END));
        assertThrows(IllegalArgumentException.class,
                () -> states.end(key, FetchMove.PAUSE, FetchResult.SUCCESS, null, ""));
    }

    @Test
    void ofAFinishAPauseAndAnAbortRacingExactlyOneWins() throws Exception {
        assertTrue(states.move(key, FetchMove.START));
        for (int round = 0; round < 20; round++) {
            long k = round == 0 ? key : store.register(FetchStoreTest.fetch("f" + round, false, "https://h/a"))[0];
            states.move(k, FetchMove.START);
            CyclicBarrier together = new CyclicBarrier(3);
            List<Callable<Boolean>> moves = List.of(
                    () -> {
                        together.await();
                        return states.end(k, FetchMove.END, FetchResult.SUCCESS, null, "");
                    },
                    () -> {
                        together.await();
                        return states.move(k, FetchMove.PAUSE);
                    },
                    () -> {
                        together.await();
                        return states.discard(k, FetchMove.ABORT, FailureReason.ABORTED, "aborted by the user");
                    });
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Boolean> won = new ArrayList<>();
            try {
                for (Future<Boolean> f : pool.invokeAll(moves)) {
                    won.add(f.get());
                }
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
            }
            long winners = won.stream().filter(w -> w).count();
            FetchRow r = store.find(k).orElseThrow();
            if (won.get(1)) {
                // A pause does not end the fetch: an abort of the paused fetch may follow it.
                assertTrue(winners <= 2 && !won.get(0), "round " + round + ": " + won);
            } else {
                assertEquals(1, winners, "round " + round + ": " + won);
                assertEquals(won.get(0) ? FetchResult.SUCCESS : FetchResult.FAILURE, r.result());
            }
        }
    }

    @Test
    void statesAreStoredAsTheContractsWords() throws Exception {
        states.move(key, FetchMove.PAUSE);
        states.failRecord(key, 1, FailureReason.QUOTA_EXCEEDED, "full");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("bgfetch.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT f.state, r.state, r.failure_kind FROM fetches f "
                     + "JOIN records r ON r.fetch_key = f.key WHERE r.idx = 1")) {
            assertTrue(rs.next());
            assertEquals("paused", rs.getString(1));
            assertEquals("failed", rs.getString(2));
            assertEquals("quota-exceeded", rs.getString(3));
        }
    }
}
