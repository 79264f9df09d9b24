package io.bgfetch.protocol;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;

/**
 * What the {@code data} of a request's reply is on the client: one record, or a list of them.
 * Each {@link Request} names its own, so a client reads the type the daemon sent, straight off
 * the wire ({@link WireCodec#readReply(ReplyType)}).
 */
public final class ReplyType<R> {
    private final Type type;

    private ReplyType(Type type) {
        this.type = type;
    }

    public static <T> ReplyType<T> of(Class<T> type) {
        return new ReplyType<>(type);
    }

    public static <T> ReplyType<List<T>> listOf(Class<T> type) {
        return new ReplyType<>(new ListType(type));
    }

    /** The reply's data, read as this type: {@link WireCodec#readReply(ReplyType)} made it one. */
    @SuppressWarnings("unchecked")
    public R cast(Object data) {
        return (R) data;
    }

    Type javaType() {
        return type;
    }

    /** {@code List<element>}, as JsonRecords reads it. */
    private record ListType(Class<?> element) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return new Type[] {element};
        }

        @Override
        public Type getRawType() {
            return List.class;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }
    }
}
