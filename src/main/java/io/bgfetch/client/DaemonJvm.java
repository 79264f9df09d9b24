package io.bgfetch.client;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a daemon's JVM starts: the one place its options live. {@link DaemonStarter} spawns a
 * daemon with them, and the launcher's {@code bgfetch daemon run} (systemd, containers) runs
 * this class to print them, then execs that JVM itself.
 *
 * <p>A daemon runs on the client's java. The launcher names the daemon's class-data archive in a
 * system property; without it (tests, a bare {@code java -jar}) a daemon starts without one.
 */
public final class DaemonJvm {
    /** The daemon's class-data archive: a {@code .jsa} (AppCDS) or {@code .aot} (JDK 25+ AOT cache). */
    public static final String ARCHIVE_PROPERTY = "bgfetch.daemon.archive";
    /** The daemon's entry point: no command line to parse, so no picocli loaded (~4 MiB less). */
    static final String MAIN = "io.bgfetch.daemon.Daemon";

    /**
     * A long-lived daemon: the full JIT (C2) for throughput, the serial collector with a small
     * starting heap, and small thread stacks and code cache. A full collection gives back the
     * heap it does not keep all at once, not in steps: the daemon runs one, keeping only 10%
     * free, when it falls idle (daemon.IdleTrim), so a heap grown by a busy spell shrinks again.
     * No perf data: no {@code hsperfdata} file in /tmp, no sampler waking 20 times a second
     * ({@code jcmd PID} still works; {@code jps} and {@code jstat} do not see the daemon).
     */
    static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmx512m", "-Xss512k",
            "-XX:-ShrinkHeapInSteps", "-XX:ReservedCodeCacheSize=48m", "-XX:+ExitOnOutOfMemoryError",
            "-XX:-UsePerfData");

    /**
     * The JDK's own locale data (COMPAT) rather than CLDR's, where it is not deprecated (before
     * JDK 21). sqlite-jdbc builds a date format as it opens the database, and CLDR then parses
     * its whole table of locales (a thousand {@code Locale} objects, kept, and the JIT compiling
     * the parser): 2 MiB of an idle daemon's RSS. The daemon formats nothing by locale (its
     * text uses {@code Locale.ROOT}, its HTTP dates fixed English names), so it prints the same.
     */
    static final List<String> LOCALE_DATA = List.of("-Djava.locale.providers=COMPAT");

    /**
     * Memory that threads gave back to the C library (the JDK's cached I/O buffers, the JIT's
     * arenas) stays in its arenas, counted in the daemon's RSS, until something trims them: the
     * JVM does so every 5 s where it can (JDK 17.0.9+, 21.0.1+, 22+; experimental until 17.0.11).
     */
    static final List<String> TRIM_NATIVE_HEAP = List.of("-XX:+UnlockExperimentalVMOptions",
            "-XX:TrimNativeHeapInterval=5000");

    /**
     * SQLite's driver loads its native library with {@code System.load}, which JDK 24 and later
     * call a restricted method: without this, every daemon's log starts with four lines of
     * warning (and a future JDK will refuse the load). The option is standard from JDK 22.
     */
    static final List<String> NATIVE_ACCESS = List.of("--enable-native-access=ALL-UNNAMED");

    /**
     * The daemon's environment, unless the user set these already. The C library gives every
     * thread that allocates an arena of its own (up to 8 a core), and memory freed in one arena
     * serves no other: with a hundred transfer threads that is 10-15 MiB more RSS. Two arenas are
     * plenty for a daemon whose allocations are mostly in the Java heap.
     */
    static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    private DaemonJvm() {
    }

    /** {@link #ENVIRONMENT}, less what {@code current} (the caller's environment) sets itself. */
    static Map<String, String> environment(Map<String, String> current) {
        Map<String, String> env = new TreeMap<>(ENVIRONMENT);
        env.keySet().removeAll(current.keySet());
        return env;
    }

    /**
     * The daemon's JVM options: with its class-data archive when the launcher named one that
     * exists (and {@code withArchive}), and SQLite's extracted library when it named one.
     */
    static List<String> options(boolean withArchive) {
        List<String> options = new ArrayList<>(baseOptions());
        if (withArchive) {
            options.addAll(archiveOptions(System.getProperty(ARCHIVE_PROPERTY)));
        }
        options.addAll(SqliteLibrary.options(System.getProperty(SqliteLibrary.PROPERTY)));
        return options;
    }

    /**
     * {@link #OPTIONS}, and what this java (the daemon's too) has: the native heap's trimming,
     * {@link #LOCALE_DATA} while it is not deprecated, and {@link #NATIVE_ACCESS} where it exists.
     */
    static List<String> baseOptions() {
        List<String> options = new ArrayList<>(OPTIONS);
        if (trimsNativeHeap(Runtime.version())) {
            options.addAll(TRIM_NATIVE_HEAP);
        }
        if (hasCompatLocaleData(Runtime.version())) {
            options.addAll(LOCALE_DATA);
        }
        if (grantsNativeAccess(Runtime.version())) {
            options.addAll(NATIVE_ACCESS);
        }
        return options;
    }

    /** Whether COMPAT locale data is there to use without a warning: JDK 21 warns that it goes away, JDK 23 has none. */
    static boolean hasCompatLocaleData(Runtime.Version v) {
        return v.feature() < 21;
    }

    /** Whether {@link #NATIVE_ACCESS} is a standard option (JDK 22, where the foreign function API is final). */
    static boolean grantsNativeAccess(Runtime.Version v) {
        return v.feature() >= 22;
    }

    /** Whether {@code -XX:TrimNativeHeapInterval} exists: an unknown option would stop the JVM from starting. */
    static boolean trimsNativeHeap(Runtime.Version v) {
        return switch (v.feature()) {
            case 17 -> v.update() >= 9;
            case 18, 19, 20 -> false;
            case 21 -> v.update() >= 1;
            default -> v.feature() > 21;
        };
    }

    /**
     * The whole command that runs a daemon: its java, {@link #options}, then {@code extra}, then
     * this JVM's class path (absolute: the daemon runs elsewhere) and {@link #MAIN}.
     */
    static List<String> command(boolean withArchive, List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(options(withArchive));
        command.addAll(extra);
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(MAIN);
        return command;
    }

    /** The whole command, for a daemon spawned without an archive being recorded (the launcher's training run). */
    public static List<String> commandRecording(List<String> extra) {
        return command(false, extra);
    }

    static List<String> archiveOptions(String archive) {
        if (archive == null || archive.isEmpty() || !Files.isRegularFile(Path.of(archive))) {
            return List.of();
        }
        if (archive.endsWith(".aot")) {
            // A JDK 25 JVM that cannot use an AOT cache says so on stdout: the log, here, but quiet all the same.
            return List.of("-XX:AOTCache=" + archive, "-Xlog:aot*=off");
        }
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String absoluteClassPath() {
        List<String> parts = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            parts.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, parts);
    }

    /**
     * For the launcher's {@code daemon run}: the daemon's environment ({@code NAME=value}, to
     * export), then its JVM options (each starting with {@code -}), one per line.
     */
    public static void main(String[] args) {
        environment(System.getenv()).forEach((name, value) -> System.out.println(name + "=" + value));
        for (String option : options(true)) {
            System.out.println(option);
        }
    }
}
