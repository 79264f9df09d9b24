package io.bgfetch.lifecycle;

/**
 * Where one record (one request of a fetch) is, as {@code match --json} shows it. Only
 * {@link #PENDING}, {@link #DONE} and {@link #FAILED} are stored; {@link #ACTIVE} is live (a
 * pending record being transferred now). The stored moves are {@link Transitions.RecordMove}s.
 */
public enum RecordState implements WireName {
    /** Not finished: waiting for its turn, or with part of its body stored. */
    PENDING("pending"),
    /** Being transferred now (live only, never stored). */
    ACTIVE("active"),
    /** Its whole body is stored. */
    DONE("done"),
    /** Ended without a body to keep, with a {@link FailureReason}. */
    FAILED("failed");

    private final String wire;

    RecordState(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** Done or failed: nothing more happens to it. */
    public boolean isFinished() {
        return this == DONE || this == FAILED;
    }

    public static RecordState fromWire(String text) {
        return WireName.parse(RecordState.class, text);
    }
}
