package io.bgfetch.transfer;

/** How a record's download ended. */
public sealed interface Outcome {

    /** The whole body is on disk (fsynced) and, when a digest was given, matches it. */
    record Done(long size) implements Outcome {
    }

    /** Final failure of this record. */
    record Failed(FailureKind kind, int httpStatus, String message) implements Outcome {
    }

    /** Stopped from outside (pause, abort, shutdown, a fetch-wide failure); progress is saved. */
    record Cancelled() implements Outcome {
    }
}
