package io.bgfetch.daemon;

import io.bgfetch.home.BgfetchHome;
import io.bgfetch.store.FetchStore;
import io.bgfetch.transfer.HttpTransport;

/** The daemon's long-lived parts, built once at start and shared by the handlers and runs. */
record DaemonContext(BgfetchHome home, String version, DaemonSettings settings, FetchStore store,
                     HttpTransport http, BodyPaths paths, StorageBudget budget, FetchEnding ending,
                     ChangeSignal changes) {
}
