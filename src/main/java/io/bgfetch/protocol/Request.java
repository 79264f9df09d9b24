package io.bgfetch.protocol;

import java.io.IOException;
import java.util.List;

/**
 * Everything a client can ask of the daemon: one connection carries one request. Each request
 * declares the type of its reply data ({@code R}) and how to decode it, and is answered through
 * the one {@link Handler} method made for it: a new request type does not compile until the
 * daemon has a handler for it. Streaming requests ({@link Watch}, {@link Follow}) send partial
 * replies through {@link Partial} before their last one.
 */
public sealed interface Request<R> {

    /** How the client decodes this request's reply data. */
    ReplyType<R> replyType();

    /** Answers this request with the daemon's handler; streaming handlers send partials first. */
    R answer(Handler handler, Partial<R> partial) throws IOException;

    /** The daemon's side: one method per request type. */
    interface Handler {
        Registration fetch(Fetch request);

        List<Registration> list(ListFetches request);

        List<Registration> status(Status request);

        List<Registration> watch(Watch request, Partial<List<Registration>> partial) throws IOException;

        Registration abort(Abort request);

        Registration pause(Pause request);

        Registration resume(Resume request);

        List<RecordInfo> records(Records request);

        RecordInfo match(Match request);

        RecordInfo follow(Follow request, Partial<RecordInfo> partial) throws IOException;

        List<String> remove(Remove request);

        DaemonInfo info(Info request);

        Stopping shutdown(Shutdown request);
    }

    /** Sends a reply that is not the last of a streaming request. */
    interface Partial<R> {
        void send(R data) throws IOException;

        /** True once the client has gone: a stream that writes only on change stops then. */
        default boolean clientGone() {
            return false;
        }
    }

    /** Registers a fetch; acknowledged only once it is durably stored. */
    record Fetch(String id, List<RequestSpec> requests, FetchOptions options) implements Request<Registration> {
        public Fetch {
            requests = requests == null ? List.of() : List.copyOf(requests);
            options = options == null ? FetchOptions.DEFAULTS : options;
        }

        @Override
        public ReplyType<Registration> replyType() {
            return ReplyType.of(Registration.class);
        }

        @Override
        public Registration answer(Handler handler, Partial<Registration> partial) {
            return handler.fetch(this);
        }

        /** Headers and credentials stay out of logs. */
        @Override
        public String toString() {
            return "Fetch[id=" + id + ", requests=" + requests.size() + "]";
        }
    }

    /** Active fetches only unless {@code all}. */
    record ListFetches(boolean all) implements Request<List<Registration>> {
        @Override
        public ReplyType<List<Registration>> replyType() {
            return ReplyType.listOf(Registration.class);
        }

        @Override
        public List<Registration> answer(Handler handler, Partial<List<Registration>> partial) {
            return handler.list(this);
        }
    }

    /** The named fetches; every active one when {@code ids} is empty. */
    record Status(List<String> ids) implements Request<List<Registration>> {
        @Override
        public ReplyType<List<Registration>> replyType() {
            return ReplyType.listOf(Registration.class);
        }

        @Override
        public List<Registration> answer(Handler handler, Partial<List<Registration>> partial) {
            return handler.status(this);
        }
    }

    /** Like {@link Status}, repeated about every {@code intervalMillis} until all named fetches are done. */
    record Watch(List<String> ids, long intervalMillis) implements Request<List<Registration>> {
        @Override
        public ReplyType<List<Registration>> replyType() {
            return ReplyType.listOf(Registration.class);
        }

        @Override
        public List<Registration> answer(Handler handler, Partial<List<Registration>> partial) throws IOException {
            return handler.watch(this, partial);
        }
    }

    /** The registration after the change. */
    record Abort(String id) implements Request<Registration> {
        @Override
        public ReplyType<Registration> replyType() {
            return ReplyType.of(Registration.class);
        }

        @Override
        public Registration answer(Handler handler, Partial<Registration> partial) {
            return handler.abort(this);
        }
    }

    record Pause(String id) implements Request<Registration> {
        @Override
        public ReplyType<Registration> replyType() {
            return ReplyType.of(Registration.class);
        }

        @Override
        public Registration answer(Handler handler, Partial<Registration> partial) {
            return handler.pause(this);
        }
    }

    record Resume(String id) implements Request<Registration> {
        @Override
        public ReplyType<Registration> replyType() {
            return ReplyType.of(Registration.class);
        }

        @Override
        public Registration answer(Handler handler, Partial<Registration> partial) {
            return handler.resume(this);
        }
    }

    /** Every record of a fetch (matchAll). */
    record Records(String id) implements Request<List<RecordInfo>> {
        @Override
        public ReplyType<List<RecordInfo>> replyType() {
            return ReplyType.listOf(RecordInfo.class);
        }

        @Override
        public List<RecordInfo> answer(Handler handler, Partial<List<RecordInfo>> partial) {
            return handler.records(this);
        }
    }

    /** The record matching {@code url} (matchAll's first match). */
    record Match(String id, String url, boolean ignoreSearch) implements Request<RecordInfo> {
        @Override
        public ReplyType<RecordInfo> replyType() {
            return ReplyType.of(RecordInfo.class);
        }

        @Override
        public RecordInfo answer(Handler handler, Partial<RecordInfo> partial) {
            return handler.match(this);
        }
    }

    /**
     * Snapshots of one record while its body arrives; the last one is done or failed. A client
     * reads the body file itself up to {@link RecordInfo#available()}.
     */
    record Follow(String id, String url, boolean ignoreSearch) implements Request<RecordInfo> {
        @Override
        public ReplyType<RecordInfo> replyType() {
            return ReplyType.of(RecordInfo.class);
        }

        @Override
        public RecordInfo answer(Handler handler, Partial<RecordInfo> partial) throws IOException {
            return handler.follow(this, partial);
        }
    }

    /** Forgets finished fetches and deletes their bodies; the reply lists the IDs removed. */
    record Remove(List<String> ids) implements Request<List<String>> {
        @Override
        public ReplyType<List<String>> replyType() {
            return ReplyType.listOf(String.class);
        }

        @Override
        public List<String> answer(Handler handler, Partial<List<String>> partial) {
            return handler.remove(this);
        }
    }

    record Info() implements Request<DaemonInfo> {
        @Override
        public ReplyType<DaemonInfo> replyType() {
            return ReplyType.of(DaemonInfo.class);
        }

        @Override
        public DaemonInfo answer(Handler handler, Partial<DaemonInfo> partial) {
            return handler.info(this);
        }
    }

    /** Graceful stop: in-flight transfers are persisted and resume on the next start. */
    record Shutdown() implements Request<Stopping> {
        @Override
        public ReplyType<Stopping> replyType() {
            return ReplyType.of(Stopping.class);
        }

        @Override
        public Stopping answer(Handler handler, Partial<Stopping> partial) {
            return handler.shutdown(this);
        }
    }

    /** The answer to {@link Shutdown}. */
    record Stopping(boolean stopping) {
    }
}
