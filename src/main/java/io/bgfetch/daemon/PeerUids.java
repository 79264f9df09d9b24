package io.bgfetch.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The numeric uid of a user name, for log lines about refused peers (Java exposes only the name). */
final class PeerUids {
    private PeerUids() {
    }

    static String uidOf(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[0].equals(user)) {
                    return f[2];
                }
            }
        } catch (IOException ignored) {
            // unknown
        }
        return "?";
    }
}
