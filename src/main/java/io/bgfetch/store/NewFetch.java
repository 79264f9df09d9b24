package io.bgfetch.store;

import java.util.List;

/** What {@link FetchStore#register} stores for a new fetch: the fetch and one record per request. */
public record NewFetch(String id, String title, String icon, long downloadTotal, long uploadTotal,
                       FetchOptions options, List<NewRecord> records, boolean replace) {

    public record NewRecord(String url, String method, String sha256, String outName) {
    }
}
