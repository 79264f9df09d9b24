package io.bgfetch.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code daemon status --json} prints; field names are part of the CLI contract. */
public record DaemonInfo(long pid, String version, long uptimeSeconds, String socket, String home, int active) {

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", pid);
        m.put("version", version);
        m.put("uptimeSeconds", uptimeSeconds);
        m.put("socket", socket);
        m.put("home", home);
        m.put("active", active);
        return m;
    }
}
