package io.bgfetch.store;

import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RequestSpec;
import java.util.List;

/**
 * What {@link FetchStore#register} stores for a new fetch: its options as they are, and one
 * record per request.
 *
 * @param uploadTotal the request bodies' bytes over all requests (0 without an upload)
 */
public record NewFetch(String id, FetchOptions options, List<RequestSpec> requests, long uploadTotal) {
}
