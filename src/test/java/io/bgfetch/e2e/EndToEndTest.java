package io.bgfetch.e2e;

import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What most end-to-end tests start from: a fresh HTTP server on 127.0.0.1 and an isolated
 * installation (its own temporary BGFETCH_HOME), both torn down after each test, the daemons
 * that the installation started killed by PID.
 */
abstract class EndToEndTest {
    @TempDir
    Path tmp;

    TestServer server;
    Bgfetch bg;

    @BeforeEach
    void startServerAndInstallation() throws Exception {
        server = TestServer.start();
        bg = Bgfetch.create(tmp);
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            bg.close();
        } finally {
            server.close();
        }
    }
}
