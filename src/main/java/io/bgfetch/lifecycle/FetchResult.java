package io.bgfetch.lifecycle;

/** How a {@link FetchState#DONE done} fetch ended; "" on the wire while it runs. */
public enum FetchResult implements WireName {
    SUCCESS("success"),
    FAILURE("failure");

    private final String wire;

    FetchResult(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** null for "" (not done). */
    public static FetchResult fromWire(String text) {
        return WireName.parseOptional(FetchResult.class, text);
    }
}
