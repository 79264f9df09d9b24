package io.bgfetch.e2e;

import io.bgfetch.testing.Bgfetch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Running the launcher as another uid, the way a container does ({@code docker run --user N}):
 * {@code setpriv} changes the real and effective uid and gid and drops the groups. Only root can
 * do that, so the tests that need it are skipped elsewhere.
 */
final class OtherUid {
    /** A uid that no passwd entry names, as in a container started with a bare number. */
    static final int NAMELESS = 4242;

    private OtherUid() {
    }

    /** Skips the calling test unless it runs as root with setpriv at hand. */
    static void assumeRootWithSetpriv() throws Exception {
        Assumptions.assumeTrue("0".equals(run("id", "-u")), "runs only as root");
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/bin/setpriv"))
                || Files.isExecutable(Paths.get("/bin/setpriv")), "needs setpriv");
    }

    /** Skips the calling test if {@code uid} has a passwd entry after all. */
    static void assumeNameless(int uid) throws Exception {
        Assumptions.assumeTrue(run("getent", "passwd", Integer.toString(uid)).isEmpty(),
                "uid " + uid + " must have no passwd entry");
    }

    /** The command line that runs the installation's launcher with {@code args} as {@code uid}. */
    static List<String> command(Bgfetch bg, int uid, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid,
                "--clear-groups", bg.launcher().toString()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Creates {@code dir} (mode 0700) for {@code uid}, as an admin prepares a container's volume. */
    static Path directoryOf(Path dir, int uid) throws IOException {
        Files.createDirectories(dir);
        Files.setAttribute(dir, "unix:mode", 0700);
        Files.setAttribute(dir, "unix:uid", uid);
        Files.setAttribute(dir, "unix:gid", uid);
        return dir;
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.strip();
    }
}
