package io.bgfetch.cli;

import io.bgfetch.protocol.Registration;
import java.util.List;

/**
 * What shows the snapshots of a watch as they arrive: the live bars, plain lines for logs,
 * NDJSON, or nothing. {@link #close()} runs once the watch has ended, however it ended.
 */
interface WatchView extends AutoCloseable {
    /** Shows nothing. */
    WatchView NONE = snapshot -> { };

    /** A snapshot of the fetches watched, in the order they were named. */
    void show(List<Registration> snapshot);

    @Override
    default void close() {
    }
}
