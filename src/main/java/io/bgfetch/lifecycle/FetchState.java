package io.bgfetch.lifecycle;

/**
 * Where a fetch is in its life, as {@code status --json} shows it. Only {@link #QUEUED},
 * {@link #ACTIVE}, {@link #PAUSED} and {@link #DONE} are ever stored; {@link #WAITING} (and a
 * running fetch's {@code queued}) is live, derived from its records by the daemon. The moves
 * between stored states are {@link Transitions.FetchMove}s.
 */
public enum FetchState implements WireName {
    /** Registered (or resumed) and waiting for a transfer slot. */
    QUEUED("queued"),
    /** Transferring. */
    ACTIVE("active"),
    /** Stopped by {@code bgfetch pause}; its bytes are kept until {@code resume}. */
    PAUSED("paused"),
    /** Every transferring record sleeps before its next attempt (live only, never stored). */
    WAITING("waiting"),
    /** Ended, with a {@link FetchResult}; nothing moves it again. */
    DONE("done");

    private final String wire;

    FetchState(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static FetchState fromWire(String text) {
        return WireName.parse(FetchState.class, text);
    }
}
