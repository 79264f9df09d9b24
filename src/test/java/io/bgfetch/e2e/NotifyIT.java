package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --notify}: the daemon calls the desktop's {@code notify-send} with the title, the
 * result and the {@code --icon}, as separate arguments (a title starting with '-' stays a title).
 * A stand-in notify-send on the PATH records what it was given.
 */
class NotifyIT {
    @TempDir
    Path tmp;

    @Test
    void notifiesTheDesktopWithTitleResultAndIcon() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("notify-calls.txt");
        Path fake = bin.resolve("notify-send");
        Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"" + calls + ".tmp\"\n"
                + "mv \"" + calls + ".tmp\" \"" + calls + "\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path icon = Files.writeString(tmp.resolve("icon.png"), "not really a png");

        try (TestServer server = TestServer.start();
             Bgfetch bg = Bgfetch.create(tmp)
                     .env("PATH", bin + ":" + System.getenv("PATH"))
                     .env("DISPLAY", ":99")) {
            server.add("/a.bin", 10_000);
            assertEquals(0, bg.run("fetch", "n1", "--notify", "--title", "-rf Episode 42", "--icon", icon.toString(),
                    server.url("/a.bin"), "--wait").exit());
            Poll.until(Duration.ofSeconds(10), () -> Files.exists(calls), "notify-send to be called");
            List<String> args = Files.readAllLines(calls, StandardCharsets.UTF_8);
            assertEquals(List.of("--app-name=bgfetch", "--icon=" + icon.toAbsolutePath(), "--", "-rf Episode 42",
                    "Download complete"), args);
        }
    }
}
