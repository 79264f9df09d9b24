package io.bgfetch.cli;

import io.bgfetch.protocol.ExitCodes;
import io.bgfetch.protocol.Registration;
import io.bgfetch.protocol.Request;
import io.bgfetch.tui.ProgressDisplay;
import io.bgfetch.tui.TerminalInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows fetches until they end, for {@code fetch --wait} and {@code status --watch}: a live
 * progress display when stderr is a terminal; in a pipe, no bars, only a plain line when a
 * fetch changes state (unless JSON was asked for, which is printed once at the end).
 */
final class FetchWaiter {
    private final ClientCommand command;

    FetchWaiter(ClientCommand command) {
        this.command = command;
    }

    /** Waits for one fetch; the exit status is its result. */
    int await(String id) {
        Registration r = watch(List.of(id), false).get(0);
        if (command.json()) {
            command.printJson(r);
        }
        if ("success".equals(r.result())) {
            return ExitCodes.OK;
        }
        command.note("fetch '" + r.id() + "' failed: " + r.failureReason()
                + (r.message() == null || r.message().isEmpty() ? "" : " (" + r.message() + ")"));
        return ExitCodes.FAILED;
    }

    /** Streams snapshots until every named fetch (every active one when none) is done; returns the last. */
    List<Registration> watch(List<String> ids, boolean plainLinesInPipe) {
        boolean live = TerminalInfo.isTerminal(2);
        ProgressDisplay display = live ? new ProgressDisplay(System.err, TerminalInfo.colorEnabled(2)) : null;
        Map<String, String> lastState = new HashMap<>();
        AtomicReference<List<Registration>> last = new AtomicReference<>(List.of());
        try {
            command.client().stream(new Request.Watch(ids, live ? 200 : 500), regs -> {
                last.set(regs);
                if (display != null) {
                    display.update(regs);
                } else if (plainLinesInPipe && !command.json()) {
                    for (Registration r : regs) {
                        String state = r.state() + r.result();
                        if (!state.equals(lastState.put(r.id(), state))) {
                            command.out().println(ProgressDisplay.plainLine(r));
                            command.out().flush();
                        }
                    }
                }
                return true;
            });
        } finally {
            if (display != null) {
                display.close();
            }
        }
        return last.get();
    }
}
