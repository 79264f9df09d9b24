package io.bgfetch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bgfetch.testing.Resource;
import io.bgfetch.testing.Result;
import io.bgfetch.testing.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * --dest names from the server's Content-Disposition when there is no out=: download links such
 * as .../download?id=N get their real names, and hostile names stay inside the directory.
 */
class ContentDispositionIT extends EndToEndTest {

    @Test
    void serverNamesAreUsedMadeSafeAndUnique() throws Exception {
        // Content-Disposition value -> the file name expected under --dest
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("attachment; filename=\"report.pdf\"", "report.pdf");
        cases.put("attachment; filename=\"rates.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt", "€ rates.txt");
        cases.put("attachment; filename=\"../../etc/passwd\"", "passwd");
        cases.put("attachment; filename=\"/etc/passwd\"", "passwd-1");
        cases.put("attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys", "authorized_keys");
        cases.put("attachment; filename=\"..\"", "download");
        cases.put("attachment; filename=\"\"", "download-1");
        cases.put("attachment; filename=\".profile\"", "profile");
        cases.put("attachment; filename*=UTF-8''bell%07%0D%0Aname.txt", "bell___name.txt");
        cases.put("attachment; filename=\"say \\\"hi\\\".txt\"", "say \"hi\".txt");
        cases.put("attachment; filename=\"" + "x".repeat(400) + ".tar.gz\"", "x".repeat(233) + ".tar.gz");
        cases.put("inline", "download-2");

        StringBuilder input = new StringBuilder();
        Map<String, String> expectedSha = new LinkedHashMap<>();
        int id = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String path = "/download?id=" + id;
            Resource r = server.add(path, 1_000 + id).header("Content-Disposition", c.getKey());
            input.append(server.url(path)).append('\n');
            expectedSha.put(c.getValue(), r.sha256());
            id++;
        }
        Resource chosen = server.add("/download?id=99", 77).header("Content-Disposition", "attachment; filename=\"theirs.bin\"");
        input.append(server.url("/download?id=99")).append(" out=mine.bin\n");
        expectedSha.put("mine.bin", chosen.sha256());
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, input, StandardCharsets.UTF_8);
        Path dest = Files.createDirectories(tmp.resolve("box").resolve("dest"));

        Result f = bg.run("fetch", "--wait", "--dest", dest.toString(), "-i", list.toString(), "names");

        assertEquals(0, f.exit(), f::describe);
        Set<String> present;
        try (Stream<Path> s = Files.list(dest)) {
            present = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(expectedSha.keySet()), present);
        for (Map.Entry<String, String> e : expectedSha.entrySet()) {
            assertEquals(e.getValue(), Sha256.hex(dest.resolve(e.getKey())), e.getKey());
        }
        try (Stream<Path> s = Files.walk(tmp.resolve("box"))) {
            assertEquals(Set.of(tmp.resolve("box"), dest),
                    s.filter(Files::isDirectory).collect(Collectors.toSet()), "nothing written outside --dest");
        }
        assertFalse(Files.exists(tmp.resolve("etc")));
        assertFalse(Files.exists(tmp.resolve("box").resolve("etc")));
        for (String name : present) {
            assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 255, name);
            assertTrue(name.chars().noneMatch(Character::isISOControl), name);
        }
    }
}
