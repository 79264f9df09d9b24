package io.bgfetch.transfer;

/** How a record's download ended. */
public sealed interface Outcome {

    /** The whole body is on disk (fsynced) and, when a digest was given, matches it. */
    record Done(long size) implements Outcome {
    }

    /**
     * A re-check ({@link DownloadRequest#conditional()}) was answered 304: the stored body is
     * current and was not touched.
     */
    record NotModified() implements Outcome {
    }

    /** Final failure of this record. */
    record Failed(FailureKind kind, int httpStatus, String message) implements Outcome {
    }

    /** Stopped from outside (pause, abort, shutdown, a fetch-wide failure); progress is saved. */
    record Cancelled() implements Outcome {
    }
}
