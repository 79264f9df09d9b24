package io.bgfetch.store;

/**
 * The CRC32C of one block of a segment: bytes [start + blk * block, ...) up to the block's end
 * or the segment's recorded progress, whichever comes first. After an unclean stop, bytes beyond
 * a segment's durable mark are trusted only where the file still matches these.
 */
public record BlockRow(int seg, int blk, int crc) {
}
