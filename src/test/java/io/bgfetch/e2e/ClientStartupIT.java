package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A client loads what its command needs and no more, and (through the launcher) takes its
 * classes from the class data the launcher recorded: {@code bgfetch list} to a running daemon
 * loads no HTTP client, SQLite, terminal library, JSON object binder, daemon code or other
 * command, and the everyday {@code list} and {@code fetch --wait} not even picocli. What it
 * loads is read from the JVM's own class-loading log.
 */
class ClientStartupIT extends EndToEndTest {
    /** Packages a {@code list} has no use for: each was on its path once, or could creep back. */
    private static final List<String> NOT_FOR_LIST = List.of(
            "org.apache.hc.", "org.sqlite.", "org.jline.", "com.fasterxml.jackson.jr.",
            "io.bgfetch.daemon.", "io.bgfetch.store.", "io.bgfetch.transfer.", "io.bgfetch.tui.TerminalInfo", "picocli.");
    private static final Pattern LOADED = Pattern.compile("\\] (\\S+) source: (.*)$");

    private record Loaded(String name, String source) {
        boolean shared() {
            return source.startsWith("shared objects file");
        }
    }

    @Test
    void listLoadsNeitherTheDaemonsLibrariesNorTheTerminalNorOtherCommands() throws IOException {
        server.add("/a.bin", 10_000);
        assertEquals(0, bg.run("fetch", "--wait", "one", server.url("/a.bin")).exit(), "a fetch to list, and a daemon");

        for (List<String> command : List.of(List.of("list"), List.of("list", "-a", "-l"), List.of("list", "--json"))) {
            List<Loaded> loaded = loadedBy(command);
            assertTrue(loaded.stream().anyMatch(c -> c.name().equals("io.bgfetch.cli.ListCommand")), "the log is read");
            for (Loaded c : loaded) {
                for (String unwanted : NOT_FOR_LIST) {
                    assertTrue(!c.name().startsWith(unwanted), command + " loaded " + c.name());
                }
                if (c.name().startsWith("io.bgfetch.cli.") && c.name().endsWith("Command")) {
                    assertTrue(List.of("io.bgfetch.cli.ListCommand", "io.bgfetch.cli.ClientCommand",
                            "io.bgfetch.cli.BgfetchCommand").contains(c.name()), command + " built " + c.name());
                }
            }
        }
    }

    @Test
    void aClientStartsFromTheLaunchersClassData() throws IOException {
        assertEquals(0, bg.run("daemon", "start").exit());
        Path target = bg.launcher().getParent().getParent().resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            if (files.noneMatch(f -> f.getFileName().toString().matches("bgfetch-client-.*\\.(jsa|aot)"))) {
                return; // a java whose version the launcher cannot tell runs without class data
            }
        }
        // Main is not in the training run (StartupTraining is), and a lambda implementing one of
        // picocli's Java 5 interfaces cannot be archived.
        List<Loaded> ours = loadedBy(List.of("list")).stream()
                .filter(c -> c.name().startsWith("io.bgfetch.") && !c.name().equals("io.bgfetch.Main")
                        && !c.name().contains("$$Lambda"))
                .toList();
        assertTrue(!ours.isEmpty());
        List<Loaded> notShared = ours.stream().filter(c -> !c.shared()).toList();
        assertEquals(List.of(), notShared, "bgfetch's classes come from the class data");
    }

    @Test
    void aFetchThatWaitsTakesItsClassesFromTheClassDataAndBuildsNoPicocliModel() throws IOException {
        server.add("/b.bin", 10_000);
        assertEquals(0, bg.run("daemon", "start").exit());
        Path target = bg.launcher().getParent().getParent().resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            if (files.noneMatch(f -> f.getFileName().toString().matches("bgfetch-client-.*\\.jsa"))) {
                return; // no class data, or a JDK 25 AOT cache, which this log does not describe the same way
            }
        }
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        List<Loaded> loaded = loadedBy(List.of("fetch", "two", server.url("/b.bin"), "--wait", "--dest", dest.toString()));
        assertEquals(10_000, Files.size(dest.resolve("b.bin")), "the fetch ran");
        assertTrue(loaded.stream().anyMatch(c -> c.name().equals("io.bgfetch.cli.FetchWaiter")), "the log is read");
        for (Loaded c : loaded) {
            assertTrue(!c.name().startsWith("picocli."), "loaded " + c.name());
            if (c.name().startsWith("io.bgfetch.") && !c.name().equals("io.bgfetch.Main")) {
                assertTrue(c.shared(), c.name() + " comes from the class data, not " + c.source());
            }
        }
    }

    /** Runs the launcher with the JVM logging each class it loads; returns them. */
    private List<Loaded> loadedBy(List<String> command) throws IOException {
        Path log = tmp.resolve("classes-" + String.join("-", command).replaceAll("[^A-Za-z0-9]", "") + ".log");
        bg.env("BGFETCH_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
        Result r = bg.run(command.toArray(String[]::new));
        assertEquals(0, r.exit(), r::describe);
        assertTrue(!r.out().contains("[class,load]"), "the log goes to its file, not to stdout");
        List<Loaded> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = LOADED.matcher(line);
            if (m.find()) {
                loaded.add(new Loaded(m.group(1), m.group(2)));
            }
        }
        return loaded;
    }
}
