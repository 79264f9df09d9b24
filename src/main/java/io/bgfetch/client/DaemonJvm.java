package io.bgfetch.client;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
     * starting heap, and small thread stacks and code cache: an idle daemon stays under 48 MiB.
     */
    static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx512m", "-Xss512k",
            "-XX:ReservedCodeCacheSize=48m", "-XX:+ExitOnOutOfMemoryError");

    private DaemonJvm() {
    }

    /** The daemon's JVM options, with its class-data archive when the launcher named one that exists. */
    static List<String> options() {
        List<String> options = new ArrayList<>(OPTIONS);
        options.addAll(archiveOptions(System.getProperty(ARCHIVE_PROPERTY)));
        return options;
    }

    /**
     * The whole command that runs a daemon: its java, {@link #options()} unless {@code withArchive}
     * is false, then {@code extra}, then this JVM's class path (absolute: the daemon runs
     * elsewhere) and {@link #MAIN}.
     */
    static List<String> command(boolean withArchive, List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(withArchive ? options() : OPTIONS);
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

    /** For the launcher's {@code daemon run}: the daemon's JVM options, one per line. */
    public static void main(String[] args) {
        for (String option : options()) {
            System.out.println(option);
        }
    }
}
