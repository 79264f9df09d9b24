package io.bgfetch.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * How much of what a body's segments recorded the file really holds. Bytes up to a segment's
 * durable mark were fsynced before it was set; beyond it (an unclean stop came before their
 * fsync) a block is trusted only while the file still holds bytes with its recorded CRC32C, and
 * from the first block that does not match the segment must be fetched again.
 */
public final class StoredBytes {
    private StoredBytes() {
    }

    /**
     * The segments of the body in {@code file} that hold less than they recorded, each with the
     * bytes it can keep; empty when every recorded byte is there. Reads only what is not durable.
     */
    public static Map<Segment, Long> shortfall(BodyDisk disk, Path file, List<Segment> plan) throws IOException {
        Map<Segment, Long> cut = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            for (Segment s : plan) {
                if (s.written() > 0) {
                    cut.put(s, 0L);
                }
            }
            return cut;
        }
        try (BodyFile body = BodyFile.open(disk, file)) {
            long fileSize = body.size();
            for (Segment s : plan) {
                long kept = trusted(body, s, fileSize);
                if (kept != s.written()) {
                    cut.put(s, kept);
                }
            }
        } catch (TransferFailure.Permanent e) {
            throw new IOException(e.getMessage(), e);
        }
        return cut;
    }

    /** How many of the segment's recorded bytes a file of {@code fileSize} bytes holds. */
    static long trusted(BodyFile body, Segment s, long fileSize) throws TransferFailure.Permanent {
        long held = Math.max(0, Math.min(s.written(), fileSize - s.start()));
        long durable = Math.min(s.durable(), held);
        int block = s.blockBytes();
        if (durable >= s.written()) {
            return durable;
        }
        if (block <= 0) {
            return durable; // no checksums to check the rest against
        }
        for (long from = durable - durable % block; from < s.written(); from += block) {
            long length = Math.min(block, s.written() - from); // a checksum covers its block up to the recorded end
            long stored = s.storedCrc((int) (from / block));
            CRC32C crc = new CRC32C();
            if (from + length > held || stored == Segment.NO_CRC
                    || !body.checksum(crc, s.start() + from, length) || crc.getValue() != stored) {
                return Math.max(from, durable);
            }
        }
        return s.written();
    }
}
