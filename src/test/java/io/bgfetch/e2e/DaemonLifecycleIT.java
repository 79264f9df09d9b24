package io.bgfetch.e2e;

import static io.bgfetch.e2e.FetchBasicsIT.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Bgfetch;
import io.bgfetch.testing.Poll;
import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import io.bgfetch.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon: detached, one per home, status/start/stop, owner-only files, long homes, peers refused. */
class DaemonLifecycleIT {

    @TempDir
    Path tmp;

    TestServer server;
    final List<Bgfetch> installations = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (Bgfetch b : installations) {
                b.close();
            }
        } finally {
            server.close();
        }
    }

    Bgfetch install(String name) {
        Bgfetch b = Bgfetch.create(tmp.resolve(name));
        installations.add(b);
        return b;
    }

    @Test
    void daemonIsDetachedAndSurvivesItsShell() throws Exception {
        Bgfetch bg = install("detach");
        Resource r = server.add("/slow.bin", 300_000).throttle(60_000);
        Path pgidFile = tmp.resolve("shell.pgid");
        // A shell in its own session and process group, like a terminal; it runs a waiting client.
        String script = "echo $$ > \"$1\"; \"$0\" fetch --wait detached \"$2\"; sleep 60";
        Process shell = bg.startCommand(List.of("setsid", "bash", "-c", script,
                bg.launcher().toString(), pgidFile.toString(), server.url("/slow.bin")));

        Poll.until(Duration.ofSeconds(30), () -> bg.daemonPid() > 0 && server.bytesSent("/slow.bin") > 0,
                "the daemon to run and the transfer to start");
        long pid = bg.daemonPid();
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(pid, Long.parseLong(f[3]), "the daemon leads its own session: " + stat);
        assertEquals("0", f[4], "the daemon has no controlling terminal: " + stat);
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", "0")),
                "daemon stdin is /dev/null");
        Path log = bg.home().resolve("daemon.log");
        for (String fd : List.of("1", "2")) {
            Path target = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", fd));
            assertEquals(log.toRealPath(), target, "daemon fd " + fd + " goes to daemon.log");
        }

        // Close the "terminal": hang up and kill the shell's whole process group.
        long pgid = Long.parseLong(Files.readString(pgidFile).strip());
        assertNotEquals(pid, pgid);
        signalGroup("HUP", pgid);
        signalGroup("KILL", pgid);
        Poll.until(Duration.ofSeconds(10), () -> !shell.isAlive(), "the shell to die");
        Poll.until(Duration.ofSeconds(10), () -> ProcessHandle.allProcesses()
                .noneMatch(h -> pgidOf(h.pid()) == pgid), "every process of the shell's group to die");

        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the daemon survived");
        Map<String, Object> st = bg.awaitDone("detached", Duration.ofSeconds(30));
        assertEquals("success", st.get("result"), st::toString);
        assertEquals(pid, bg.daemonPid(), "the same daemon finished the fetch");
        Result m = bg.run("match", "detached", server.url("/slow.bin"));
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()));
    }

    @Test
    void racingClientsStartExactlyOneDaemon() {
        Bgfetch bg = install("race-list");
        List<Process> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(bg.start("list"));
        }
        for (Process p : clients) {
            Result r = bg.finish(p, Duration.ofSeconds(90));
            assertEquals(0, r.exit(), r::describe);
            assertEquals("", r.out());
        }
        long pid = bg.daemonPid();
        assertTrue(pid > 0, "a daemon runs");
        Poll.until(Duration.ofSeconds(15), () -> bg.daemonProcesses().size() == 1,
                "exactly one daemon for the home (now: " + bg.daemonProcesses() + ")");
        assertEquals(pid, bg.daemonProcesses().get(0).pid(), "the one daemon is the one in daemon.pid");
    }

    @Test
    void racingFetchesOfOneIdAcceptExactlyOne() {
        Bgfetch bg = install("race-fetch");
        server.add("/same.bin", 200_000).throttle(100_000);
        String url = server.url("/same.bin");
        List<Process> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(bg.start("fetch", "same-id", url));
        }
        int ok = 0;
        int conflict = 0;
        List<String> others = new ArrayList<>();
        for (Process p : clients) {
            Result r = bg.finish(p, Duration.ofSeconds(90));
            if (r.exit() == 0) {
                ok++;
            } else if (r.exit() == 4) {
                conflict++;
                assertTrue(r.stderr().startsWith("bgfetch: "), r::describe);
            } else {
                others.add(r.describe());
            }
        }
        assertEquals(List.of(), others, "only exits 0 and 4");
        assertEquals(1, ok, "exactly one fetch accepted");
        assertEquals(19, conflict, "nineteen conflicts");
        assertEquals(List.of("same-id"), bg.run("list", "--all").out().lines().toList());
        assertEquals(1L, num(bg.status("same-id"), "requests"));
        assertEquals(1, bg.daemonProcesses().size(), "one daemon: " + bg.daemonProcesses());
    }

    @Test
    void daemonStatusStartStop() throws Exception {
        Bgfetch bg = install("status");
        Result notRunning = bg.run("daemon", "status");
        assertEquals(5, notRunning.exit(), notRunning::describe);
        Result notRunningJson = bg.run("daemon", "status", "--json");
        assertEquals(5, notRunningJson.exit(), notRunningJson::describe);
        assertEquals(-1, bg.daemonPid(), "daemon status started no daemon");
        assertEquals(List.of(), bg.daemonProcesses(), "daemon status started no daemon");

        Result start = bg.run("daemon", "start");
        assertEquals(0, start.exit(), start::describe);
        long pid = bg.daemonPid();
        assertTrue(pid > 0, "daemon.pid written");
        Result again = bg.run("daemon", "start");
        assertEquals(0, again.exit(), again::describe);
        assertEquals(pid, bg.daemonPid(), "the second start kept the first daemon");
        Poll.until(Duration.ofSeconds(10), () -> bg.daemonProcesses().size() == 1,
                "exactly one daemon (now: " + bg.daemonProcesses() + ")");

        Result st = bg.run("daemon", "status", "--json");
        assertEquals(0, st.exit(), st::describe);
        Map<String, Object> info = st.json();
        assertTrue(info.keySet().containsAll(List.of("pid", "version", "uptimeSeconds", "socket", "home", "active")),
                info::toString);
        assertEquals(pid, num(info, "pid"));
        assertTrue(info.get("version") instanceof String && !((String) info.get("version")).isBlank(),
                info::toString);
        assertTrue(num(info, "uptimeSeconds") >= 0);
        assertEquals(0L, num(info, "active"));
        assertEquals(bg.home().toRealPath(), Path.of((String) info.get("home")).toRealPath());
        Path socket = Path.of((String) info.get("socket"));
        assertTrue(Files.readAttributes(socket, BasicFileAttributes.class).isOther(), "socket exists: " + socket);
        assertEquals(0, bg.run("daemon", "status").exit());

        Result stop = bg.run("daemon", "stop");
        assertEquals(0, stop.exit(), stop::describe);
        Poll.until(Duration.ofSeconds(15), () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)
                || isZombie(pid), "the daemon process to exit after daemon stop");
        Result after = bg.run("daemon", "status");
        assertEquals(5, after.exit(), after::describe);
        assertEquals(List.of(), bg.daemonProcesses(), "daemon status after stop started none");
    }

    @Test
    void everythingUnderHomeIsOwnerOnlyEvenUnderUmask000() throws Exception {
        Bgfetch bg = install("perms");
        Resource r = server.add("/p.bin", 20_000);
        Result f = bg.runCommand(List.of("bash", "-c", "umask 000; exec \"$0\" \"$@\"", bg.launcher().toString(),
                "fetch", "--wait", "perm", server.url("/p.bin")), new byte[0]);
        assertEquals(0, f.exit(), f::describe);
        Result m = bg.run("match", "perm", server.url("/p.bin"));
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()));

        Path home = bg.home();
        assertTrue(Files.readAttributes(home.resolve("daemon.sock"), BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther(), "a short home holds its socket");
        List<String> wrong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                String want = a.isDirectory() ? "rwx------" : "rw-------";
                if (!a.isDirectory()) {
                    files++;
                }
                if (!PosixFilePermissions.toString(perms).equals(want)) {
                    wrong.add(PosixFilePermissions.toString(perms) + " " + home.relativize(p));
                }
            }
        }
        assertTrue(files >= 4, "database, log, pid, socket and a body at least");
        assertEquals(List.of(), wrong, "directories 0700 and files 0600 under " + home);
    }

    @Test
    void longHomeWithSpacesWorks() throws Exception {
        Path parent = tmp.resolve("long home");
        Path home = parent.resolve("a directory name with spaces that keeps going on and on "
                + "so that the socket path is far beyond the Unix socket limit of 108 bytes");
        assertTrue(home.toString().getBytes(StandardCharsets.UTF_8).length > 150, home.toString());
        Bgfetch bg = Bgfetch.create(tmp.resolve("long-io"), home);
        installations.add(bg);
        Resource r = server.add("/long.bin", 50_000);

        Result f = bg.run("fetch", "--wait", "long", server.url("/long.bin"));
        assertEquals(0, f.exit(), f::describe);
        Result m = bg.run("match", "long", server.url("/long.bin"));
        assertEquals(0, m.exit(), m::describe);
        assertEquals(r.sha256(), Sha256.hex(m.stdoutBytes()));

        Result ds = bg.run("daemon", "status", "--json");
        assertEquals(0, ds.exit(), ds::describe);
        Path socket = Path.of((String) ds.json().get("socket"));
        assertTrue(socket.toString().getBytes(StandardCharsets.UTF_8).length <= 107,
                "the real socket path fits a sockaddr_un: " + socket);
        assertTrue(Files.readAttributes(socket, BasicFileAttributes.class).isOther(), "socket exists: " + socket);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())),
                "the short socket directory is the owner's alone: " + socket.getParent());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                "the socket is the owner's alone: " + socket);
        Path inHome = home.resolve("daemon.sock");
        assertTrue(!Files.exists(inHome, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(inHome),
                "home/daemon.sock is absent or a symlink");
        assertEquals(home.toRealPath(), Path.of((String) ds.json().get("home")).toRealPath());
    }

    @Test
    void otherUsersAreRefused() throws Exception {
        Assumptions.assumeTrue("0".equals(run("id", "-u").strip()), "runs only as root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv"))
                || Files.isExecutable(Path.of("/bin/setpriv")), "needs setpriv");
        Bgfetch bg = install("owner");
        Result start = bg.run("daemon", "start");
        assertEquals(0, start.exit(), start::describe);
        Path socket = Path.of((String) bg.run("daemon", "status", "--json").json().get("socket"));

        // Open the door as wide as a careless admin would: only the daemon's own check is left.
        for (Path p = bg.home(); p != null && p.startsWith(tmp); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));

        Result intruder = bg.runCommand(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                bg.launcher().toString(), "list", "--all"), new byte[0]);
        assertNotEquals(0, intruder.exit(), intruder::describe);
        assertEquals(5, intruder.exit(), intruder::describe);
        assertEquals("", intruder.out());
        // bgfetch's own client will not even talk to a socket of another uid; a raw one does,
        // and only the daemon's check stands in its way.
        assertTrue(intruder.stderr().contains("belongs to uid 0, not to you (uid 65534)"), intruder::describe);
        Result raw = bg.runCommand(RawHello.commandAs(65534, socket), new byte[0]);
        assertEquals(0, raw.exit(), raw::describe);
        assertEquals("closed", raw.out().strip(), "the daemon hung up without a greeting: " + raw.describe());
        Path log = bg.home().resolve("daemon.log");
        Poll.until(Duration.ofSeconds(10), () -> readQuietly(log).contains("65534"),
                "the daemon log to mention the refused uid 65534");
        Result owner = bg.run("list", "--all");
        assertEquals(0, owner.exit(), owner::describe);
    }

    // ---------------------------------------------------------------------------------------

    static void signalGroup(String signal, long pgid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        kill.waitFor();
    }

    static long pgidOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (f[0].equals("Z")) {
                return -1;
            }
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
