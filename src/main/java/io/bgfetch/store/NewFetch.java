package io.bgfetch.store;

import io.bgfetch.protocol.FetchOptions;
import io.bgfetch.protocol.RequestSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link FetchStore#register} stores for a new fetch: its options as they are, and one
 * record per request.
 *
 * @param uploadTotal the request bodies' bytes over all requests (0 without an upload)
 * @param previous    per request (same order), the response a {@code --if-changed} re-check
 *                    starts from, or null; shorter than {@code requests} or empty when none
 */
public record NewFetch(String id, FetchOptions options, List<RequestSpec> requests, long uploadTotal,
                       List<PreviousResponse> previous) {

    public NewFetch {
        previous = previous == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(previous));
    }

    public NewFetch(String id, FetchOptions options, List<RequestSpec> requests, long uploadTotal) {
        this(id, options, requests, uploadTotal, null);
    }

    /** The response request {@code index} starts from, or null. */
    public PreviousResponse previousOf(int index) {
        return index < previous.size() ? previous.get(index) : null;
    }
}
