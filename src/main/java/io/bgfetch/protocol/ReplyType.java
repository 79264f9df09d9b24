package io.bgfetch.protocol;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;

/**
 * How the {@code data} of a request's reply decodes on the client: one record, or a list of
 * them. Each {@link Request} names its own, so a client gets the type the daemon sent.
 */
public final class ReplyType<R> {
    private final Class<?> element;
    private final boolean list;

    private ReplyType(Class<?> element, boolean list) {
        this.element = element;
        this.list = list;
    }

    public static <T> ReplyType<T> of(Class<T> type) {
        return new ReplyType<>(type, false);
    }

    public static <T> ReplyType<List<T>> listOf(Class<T> type) {
        return new ReplyType<>(type, true);
    }

    /** Decodes a reply's {@code data} as read off the wire (maps, lists, numbers). */
    @SuppressWarnings("unchecked")
    public R decode(Object data) throws IOException {
        JSON json = WireCodec.JSON_CODEC;
        String text = json.asString(data);
        return (R) (list ? json.listOfFrom(element, text) : json.beanFrom(element, text));
    }
}
