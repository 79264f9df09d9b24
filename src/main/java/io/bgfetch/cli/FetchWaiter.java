package io.bgfetch.cli;

import io.bgfetch.cli.ProgressOption.Mode;
import io.bgfetch.protocol.ExitCode;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import io.bgfetch.tui.FetchSummary;
import io.bgfetch.tui.PlainProgress;
import io.bgfetch.tui.ProgressDisplay;
import io.bgfetch.tui.TerminalInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows fetches until they end, for {@code fetch --wait}, {@code wait} and {@code status
 * --watch}: the daemon streams snapshots ({@link Request.Watch}), a {@link WatchView} shows
 * them, and at the end one line per fetch says how it ended.
 */
final class FetchWaiter {
    private final ClientCommand command;

    FetchWaiter(ClientCommand command) {
        this.command = command;
    }

    /**
     * The last snapshots of a watch.
     *
     * @param timedOut whether the deadline ended the watch before every fetch was done
     */
    record Outcome(List<Registration> last, boolean timedOut) {
        List<Registration> failed() {
            return last.stream().filter(r -> r.isDone() && !"success".equals(r.result())).toList();
        }

        List<Registration> running() {
            return last.stream().filter(r -> !r.isDone()).toList();
        }
    }

    /**
     * Streams snapshots into {@code view} until every named fetch (every active one when none is
     * named) is done, or until {@code timeout} (null: none) has passed. An unknown ID fails with
     * the daemon's exit code 3 before anything is shown.
     */
    Outcome follow(List<String> ids, WatchView view, long intervalMillis, Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        AtomicReference<List<Registration>> last = new AtomicReference<>(List.of());
        AtomicBoolean timedOut = new AtomicBoolean();
        try (view) {
            command.client().stream(new Request.Watch(ids, intervalMillis), regs -> {
                last.set(regs);
                view.show(regs);
                if (System.nanoTime() - deadline >= 0 && !regs.stream().allMatch(Registration::isDone)) {
                    timedOut.set(true);
                    return false;
                }
                return true;
            });
        }
        return new Outcome(last.get(), timedOut.get());
    }

    /** The view for a progress mode; {@code auto} must have been resolved. */
    WatchView progressView(Mode mode) {
        return switch (mode) {
            case bar -> {
                ProgressDisplay display = new ProgressDisplay(System.err, TerminalInfo.colorEnabled(2));
                yield new WatchView() {
                    @Override
                    public void show(List<Registration> snapshot) {
                        display.update(snapshot);
                    }

                    @Override
                    public void close() {
                        display.close();
                    }
                };
            }
            case plain -> new PlainProgress(command::note)::update;
            case auto, none -> WatchView.NONE;
        };
    }

    /**
     * How often the daemon should send a snapshot: often for bars, less for the rest. A state
     * change is sent at once anyway; a timeout is noticed within one interval.
     */
    static long intervalMillis(Mode mode, Duration timeout) {
        long interval = switch (mode) {
            case bar -> 200;
            case plain -> 1000;
            case auto, none -> 500;
        };
        if (timeout != null) {
            interval = Math.max(100, Math.min(interval, timeout.toMillis() / 4));
        }
        return interval;
    }

    /**
     * One line per finished fetch on stderr: a failure always (its reason, as scripts expect),
     * a success only when {@code successesToo} (progress was being shown).
     */
    void reportEnds(List<Registration> regs, boolean successesToo) {
        for (Registration r : regs) {
            if (r.isDone() && (successesToo || !"success".equals(r.result()))) {
                command.note(FetchSummary.line(r));
            }
        }
    }

    /** {@code fetch --wait}: follows one fetch; the exit status is its result. */
    int await(String id, Mode mode) {
        Outcome outcome = follow(List.of(id), progressView(mode), intervalMillis(mode, null), null);
        Registration r = outcome.last().get(0);
        if (command.json()) {
            command.printJson(r);
        }
        reportEnds(outcome.last(), mode != Mode.none);
        return "success".equals(r.result()) ? ExitCode.OK.code() : ExitCode.FAILED.code();
    }
}
