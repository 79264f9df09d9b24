package io.bgfetch.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * The numeric uid of a user principal, for log lines about refused peers. Java names a
 * principal by its user name when the uid has a passwd entry and by the bare number when it has
 * none; the number is what a reader of the log can match against {@code id -u}. (The check
 * itself compares principals, which compare by uid.)
 */
final class PeerUids {
    private PeerUids() {
    }

    static String uidOf(UserPrincipal user) {
        String name = user.getName();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            return name;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[0].equals(name)) {
                    return f[2];
                }
            }
        } catch (IOException ignored) {
            // unknown
        }
        return name;
    }
}
