package io.bgfetch.store;

import io.bgfetch.lifecycle.FailureReason;
import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.FetchState;
import io.bgfetch.protocol.FetchOptions;

/**
 * A fetch as stored. {@code key} is the internal row id (bodies live under store/KEY/);
 * {@code id} is the caller's ID, which is never used as a file name.
 *
 * @param state        as stored: queued, active, paused or done (never waiting: that is live)
 * @param result       null until done
 * @param failureReason null unless the result is a failure
 * @param options      the options the fetch was registered with, as they were sent
 * @param hooksPending true between the moment the result was stored and the hooks having run,
 *                     so a daemon that dies in between runs them on its next start
 */
public record FetchRow(long key, String id, FetchState state, FetchResult result, FailureReason failureReason,
                       String message,
                       long uploadTotal, long uploaded, FetchOptions options, String createdAt, String finishedAt,
                       boolean hooksPending) {

    public String title() {
        return options.title();
    }

    public String icon() {
        return options.icon();
    }

    public long downloadTotal() {
        return options.downloadTotal();
    }

    public boolean isDone() {
        return state == FetchState.DONE;
    }
}
