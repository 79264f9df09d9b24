package io.bgfetch.protocol;

import java.util.List;

/**
 * Everything a client can ask of the daemon: one connection carries one request. Each
 * request is answered by one {@link Reply}, except the streaming ones ({@link Watch},
 * {@link Follow}), which get a series of replies ending with one marked {@code last}.
 */
public sealed interface Request {

    /** Registers a fetch. Acknowledged only once it is durably stored. Data: {@link Registration}. */
    record Fetch(String id, String title, String icon, List<RequestSpec> requests, long downloadTotal,
                 List<String> headers, String method, String uploadFile, String dest,
                 String onSuccess, String onFail, String onAbort, boolean desktopNotify, boolean replace,
                 int jobs, int connections, long limitRate, long retryForMillis) implements Request {
        /** Headers may carry credentials: keep them out of logs. */
        @Override
        public String toString() {
            return "Fetch[id=" + id + ", requests=" + requests.size() + "]";
        }
    }

    /** Data: a list of {@link Registration}, active ones only unless {@code all}. */
    record ListFetches(boolean all) implements Request {
    }

    /** Data: a list of {@link Registration}; every active one when {@code ids} is empty. */
    record Status(List<String> ids) implements Request {
    }

    /** Like {@link Status}, repeated about every {@code intervalMillis} until all named fetches are done. */
    record Watch(List<String> ids, long intervalMillis) implements Request {
    }

    /** Data: the {@link Registration} after the change. */
    record Abort(String id) implements Request {
    }

    record Pause(String id) implements Request {
    }

    record Resume(String id) implements Request {
    }

    /** Data: every record of a fetch, a list of {@link RecordInfo} (matchAll). */
    record Records(String id) implements Request {
    }

    /** Data: the {@link RecordInfo} matching {@code url} (matchAll's first match). */
    record Match(String id, String url, boolean ignoreSearch) implements Request {
    }

    /**
     * Streams {@link RecordInfo} snapshots of one record while its body arrives; the last one is
     * done or failed. A client reads the body file itself up to {@link RecordInfo#available()}.
     */
    record Follow(String id, String url, boolean ignoreSearch) implements Request {
    }

    /** Forgets finished fetches and deletes their bodies. Data: the list of IDs removed. */
    record Remove(List<String> ids) implements Request {
    }

    /** Data: {@link DaemonInfo}. */
    record Info() implements Request {
    }

    /** Graceful stop: in-flight transfers are persisted and resume on the next start. */
    record Shutdown() implements Request {
    }
}
