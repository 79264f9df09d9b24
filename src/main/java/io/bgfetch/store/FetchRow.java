package io.bgfetch.store;

/**
 * A fetch as stored. {@code key} is the internal row id (bodies live under store/KEY/);
 * {@code id} is the caller's ID, which is never used as a file name.
 *
 * @param hooksPending true between the moment the result was stored and the hooks having run,
 *                     so a daemon that dies in between runs them on its next start
 */
public record FetchRow(long key, String id, String title, String icon, String state, String result,
                       String failureReason, String message, long downloadTotal, long uploadTotal,
                       long uploaded, FetchOptions options, String createdAt, String finishedAt,
                       boolean hooksPending) {

    public boolean isDone() {
        return "done".equals(state);
    }
}
