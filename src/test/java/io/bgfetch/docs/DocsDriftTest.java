package io.bgfetch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed completions/ and man/ are exactly what scripts/gen-docs writes from the
 * command classes: a changed option or help text without regenerated docs fails here.
 */
class DocsDriftTest {
    private static final String HOW_TO_FIX = "run scripts/gen-docs and commit completions/ and man/";
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    @TempDir
    Path generated;

    @Test
    void committedDocsMatchTheCommandModel() throws IOException {
        DocsGenerator.main(new String[] {generated.toString()});
        TreeSet<String> fresh = relativeFiles(generated);
        TreeSet<String> committed = relativeFiles(PROJECT);
        assertTrue(fresh.contains("man/bgfetch.1") && fresh.contains("completions/bgfetch.bash"),
                "the generator wrote " + fresh);

        List<String> problems = new ArrayList<>();
        for (String file : fresh) {
            if (!committed.contains(file)) {
                problems.add(file + " is missing");
            } else if (!Arrays.equals(Files.readAllBytes(generated.resolve(file)), Files.readAllBytes(PROJECT.resolve(file)))) {
                problems.add(file + " differs from the generated one" + firstDifference(file));
            }
        }
        for (String file : committed) {
            if (!fresh.contains(file)) {
                problems.add(file + " is not generated any more (scripts/gen-docs deletes it)");
            }
        }
        if (!problems.isEmpty()) {
            fail("the documentation is out of date with the command classes; " + HOW_TO_FIX + ":\n  "
                    + String.join("\n  ", problems));
        }
    }

    @Test
    void generatingTwiceGivesTheSameBytes() {
        assertEquals(DocsGenerator.generate(), DocsGenerator.generate());
    }

    private String firstDifference(String file) throws IOException {
        List<String> a = Files.readAllLines(PROJECT.resolve(file), StandardCharsets.UTF_8);
        List<String> b = Files.readAllLines(generated.resolve(file), StandardCharsets.UTF_8);
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String committedLine = i < a.size() ? a.get(i) : "<end of file>";
            String generatedLine = i < b.size() ? b.get(i) : "<end of file>";
            if (!committedLine.equals(generatedLine)) {
                return " (line " + (i + 1) + ": committed '" + committedLine + "', generated '" + generatedLine + "')";
            }
        }
        return " (line endings or final newline)";
    }

    private static TreeSet<String> relativeFiles(Path root) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (String dir : DocsGenerator.DIRECTORIES) {
            for (Path p : DocsGenerator.existing(root.resolve(dir))) {
                out.add(root.relativize(p).toString().replace('\\', '/'));
            }
        }
        return out;
    }
}
