package io.bgfetch.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * The writers picocli gives a command when none is set ({@code CommandLine.getOut()} and
 * {@code getErr()}), made the same way for a command run without picocli ({@link DirectArgs}):
 * buffered, flushed at each line, in the JVM's {@code sun.stdout.encoding} /
 * {@code sun.stderr.encoding} when set, else the default charset.
 */
final class PlainWriters {
    private PlainWriters() {
    }

    static PrintWriter stdout() {
        return writer(System.out, System.getProperty("sun.stdout.encoding"));
    }

    static PrintWriter stderr() {
        return writer(System.err, System.getProperty("sun.stderr.encoding"));
    }

    private static PrintWriter writer(OutputStream stream, String encoding) {
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset(encoding))), true);
    }

    private static Charset charset(String encoding) {
        if (encoding != null) {
            if ("cp65001".equalsIgnoreCase(encoding)) { // Windows' name for UTF-8, as picocli reads it
                encoding = "UTF-8";
            }
            try {
                return Charset.forName(encoding);
            } catch (RuntimeException e) {
                return Charset.defaultCharset();
            }
        }
        return Charset.defaultCharset();
    }
}
