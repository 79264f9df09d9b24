package io.bgfetch.docs;

import io.bgfetch.cli.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Writes the shell completions ({@code completions/}) and man pages ({@code man/}) from
 * {@link Cli#create()}, so the command classes are the single source of truth. Every Maven
 * build runs it (phase process-test-classes) into {@code target/generated-docs};
 * {@code scripts/gen-docs} runs it into the project; {@code DocsDriftTest} fails when the
 * committed files differ from what this would write.
 *
 * <p>Usage: {@code DocsGenerator OUTPUT_ROOT} (normally the project directory). Files in
 * {@code completions/} and {@code man/} that it no longer generates are deleted.
 */
public final class DocsGenerator {
    /** The directories this generator owns, relative to the output root. */
    static final List<String> DIRECTORIES = List.of("completions", "man");

    private DocsGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: DocsGenerator OUTPUT_ROOT");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        Map<String, String> files = generate();
        int written = 0;
        for (String dir : DIRECTORIES) {
            Path d = root.resolve(dir);
            Files.createDirectories(d);
            for (Path stale : existing(d)) {
                String rel = root.relativize(stale).toString().replace('\\', '/');
                if (!files.containsKey(rel)) {
                    Files.delete(stale);
                    System.out.println("deleted " + rel);
                    written++;
                }
            }
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = root.resolve(f.getKey());
            byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
            if (Files.exists(target) && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.write(target, bytes);
            written++;
        }
        System.out.println("bgfetch docs: " + written + " of " + files.size() + " files changed in " + root);
    }

    /** Relative path ("man/bgfetch.1") to content, for every file the generator owns. */
    public static Map<String, String> generate() {
        Map<String, String> files = new TreeMap<>();
        CommandLine cl = Cli.create();
        String name = cl.getCommandName();
        files.put("completions/" + name + ".bash", BashCompletion.generate(cl));
        files.put("completions/_" + name, ZshCompletion.generate(Cli.create()));
        files.put("completions/" + name + ".fish", FishCompletion.generate(Cli.create()));
        new RoffManPage(Cli.create()).pages().forEach((file, page) -> files.put("man/" + file, page));
        return files;
    }

    /** Regular files under a directory, recursively, in a stable order. */
    static List<Path> existing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> out = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
            return out;
        }
    }
}
