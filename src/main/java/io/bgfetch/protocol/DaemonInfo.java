package io.bgfetch.protocol;

/** What {@code daemon status --json} prints; field names are part of the CLI contract. */
public record DaemonInfo(long pid, String version, long uptimeSeconds, String socket, String home, int active) {

}
