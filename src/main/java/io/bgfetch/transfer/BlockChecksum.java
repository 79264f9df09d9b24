package io.bgfetch.transfer;

import java.util.zip.CRC32C;

/**
 * The CRC32C of the block a segment is filling, fed with each write as it lands (CRC32C is a
 * CPU intrinsic: this is the only per-byte work the byte path adds). Blocks are cut from the
 * segment's start every {@link Segment#blockBytes}; a completed block is handed to the sink,
 * which records it with the segment's progress.
 */
final class BlockChecksum {
    /** Told of each block that fills: its index, checksum, and the segment's written bytes at its end. */
    interface Sink {
        void completed(int blk, int crc, long writtenAtEnd) throws TransferFailure.Permanent;
    }

    private final int blockBytes;
    private final CRC32C crc = new CRC32C();
    private int blk;
    /** Bytes of block {@code blk} summed so far. */
    private long filled;
    private int lastCompletedCrc;

    private BlockChecksum(int blockBytes, int blk) {
        this.blockBytes = blockBytes;
        this.blk = blk;
    }

    /**
     * Starts at the segment's current position. A position inside a block (a resume) first sums
     * that block's bytes already in the file, which were checked or made durable before.
     */
    static BlockChecksum at(Segment segment, BodyFile body) throws TransferFailure {
        int size = segment.blockBytes();
        long written = segment.written();
        BlockChecksum sum = new BlockChecksum(size, (int) (written / size));
        sum.filled = written % size;
        if (sum.filled > 0 && !body.checksum(sum.crc, segment.start() + (long) sum.blk * size, sum.filled)) {
            throw new TransferFailure.RestartBody("the body file no longer holds the bytes recorded for it");
        }
        if (sum.filled == 0 && sum.blk > 0) {
            sum.lastCompletedCrc = (int) segment.storedCrc(sum.blk - 1);
        }
        return sum;
    }

    /** Sums {@code len} bytes of {@code a} just written; {@code writtenBefore} is the segment's count before them. */
    void add(byte[] a, int off, int len, long writtenBefore, Sink sink) throws TransferFailure.Permanent {
        long written = writtenBefore;
        while (len > 0) {
            int n = (int) Math.min(len, blockBytes - filled);
            crc.update(a, off, n);
            filled += n;
            off += n;
            len -= n;
            written += n;
            if (filled == blockBytes) {
                lastCompletedCrc = (int) crc.getValue();
                sink.completed(blk, lastCompletedCrc, written);
                crc.reset();
                blk++;
                filled = 0;
            }
        }
    }

    /** Whether bytes of an unfinished block were summed (and so are not recorded yet). */
    boolean partial() {
        return filled > 0;
    }

    /** The block the written bytes end in: the partial one, else the last completed; -1 for none. */
    int lastBlock() {
        return filled > 0 ? blk : blk - 1;
    }

    /** The checksum of {@link #lastBlock} over its bytes so far. */
    int lastCrc() {
        return filled > 0 ? (int) crc.getValue() : lastCompletedCrc;
    }
}
