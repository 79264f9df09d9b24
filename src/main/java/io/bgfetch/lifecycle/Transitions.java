package io.bgfetch.lifecycle;

import static io.bgfetch.lifecycle.FetchState.ACTIVE;
import static io.bgfetch.lifecycle.FetchState.DONE;
import static io.bgfetch.lifecycle.FetchState.PAUSED;
import static io.bgfetch.lifecycle.FetchState.QUEUED;

import java.util.EnumSet;
import java.util.Set;

/**
 * The legal moves of the lifecycle, the only ones there are. Every write of a stored state names
 * one of them and is guarded: the store applies it only to a row still in one of its
 * {@code from} states ({@code UPDATE ... WHERE state IN (...)}) and says whether it did. So when
 * two moves race (a fetch finishing while a {@code pause} or an {@code abort} arrives) exactly
 * one wins, and the loser, told so, does nothing that belongs to the winner's ending: no files
 * placed or deleted, no hook run.
 *
 * <pre>
 *   queued --START--> active --END--> done        (the run's own ending: success or failure)
 *   queued|active --PAUSE--> paused --RESUME--> queued
 *   queued|active|paused --ABORT--> done          (an abort with no run in progress)
 *   done --REOPEN--> queued                        (at start-up only: a power cut damaged a done body)
 * </pre>
 */
public final class Transitions {
    private Transitions() {
    }

    /** A fetch's moves between its stored states. */
    public enum FetchMove {
        /** A run begins (also again after a daemon restart): only a fetch still meant to run. */
        START(ACTIVE, QUEUED, ACTIVE),
        /** {@code bgfetch pause}, stored by the stopped run or, with none, by the command. */
        PAUSE(PAUSED, QUEUED, ACTIVE),
        /** {@code bgfetch resume}; a run starts next. */
        RESUME(QUEUED, PAUSED),
        /** A run stores how its fetch ended (its records ran, or it was stopped for good). */
        END(DONE, QUEUED, ACTIVE),
        /** {@code bgfetch abort} of a fetch that no run is working on, a paused one included. */
        ABORT(DONE, QUEUED, ACTIVE, PAUSED),
        /**
         * A daemon starting after an unclean stop found that a power cut lost bytes of a body the
         * fetch had completed (they were not fsynced yet): the fetch runs again to fetch them.
         */
        REOPEN(QUEUED, DONE);

        private final FetchState to;
        private final Set<FetchState> from;

        FetchMove(FetchState to, FetchState first, FetchState... rest) {
            this.to = to;
            this.from = EnumSet.of(first, rest);
        }

        public FetchState to() {
            return to;
        }

        /** The states the move applies to; from any other it loses. */
        public Set<FetchState> from() {
            return from;
        }
    }

    /** A record's moves between its stored states. */
    public enum RecordMove {
        /** Its whole body is stored (and verified). */
        COMPLETE(RecordState.DONE, RecordState.PENDING),
        /** A re-check was answered 304: the previous body is its body again. */
        KEEP_PREVIOUS(RecordState.DONE, RecordState.PENDING),
        /** It failed for good on its own. */
        FAIL(RecordState.FAILED, RecordState.PENDING),
        /** Its fetch is discarded (aborted, download total exceeded): nothing of it is kept. */
        DISCARD(RecordState.FAILED, RecordState.PENDING, RecordState.DONE, RecordState.FAILED),
        /** At start-up: a power cut lost bytes of its body that were not fsynced yet; they are fetched again. */
        REOPEN(RecordState.PENDING, RecordState.DONE),
        /** At start-up: the same loss in a record that a failed fetch kept complete; it fails too. */
        LOSE_BODY(RecordState.FAILED, RecordState.DONE);

        private final RecordState to;
        private final Set<RecordState> from;

        RecordMove(RecordState to, RecordState first, RecordState... rest) {
            this.to = to;
            this.from = EnumSet.of(first, rest);
        }

        public RecordState to() {
            return to;
        }

        public Set<RecordState> from() {
            return from;
        }
    }
}
