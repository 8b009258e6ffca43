package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * What every header view shares: the memory it reads and writes (never copied) and where the
 * header starts in it. A view checks at creation that its fixed part fits, so its accessors never
 * read past the memory; bad input is an {@link IllegalArgumentException}.
 */
abstract class HeaderView {
    final MemorySegment seg;
    final long off;

    HeaderView(MemorySegment seg, long off, long need, String what) {
        this.seg = seg;
        this.off = off;
        require(seg, off, need, what);
    }

    static void require(MemorySegment seg, long off, long need, String what) {
        if (off < 0 || need < 0 || off > seg.byteSize() || seg.byteSize() - off < need)
            throw new IllegalArgumentException(what + " needs " + need + " bytes at offset " + off + ", the buffer has "
                    + Math.max(0, seg.byteSize() - Math.max(off, 0)));
    }

    static MemorySegment of(ByteBuffer buf) {
        return Checksums.segment(buf);
    }

    /** {@return the memory this view reads and writes} */
    public MemorySegment segment() { return seg; }

    /** {@return where the header starts in {@link #segment()}} */
    public long offset() { return off; }

    /** {@return the length of this header in bytes (options and tags included)} */
    public abstract int headerLength();

    /** {@return the offset of what follows the header in {@link #segment()}} */
    public long payloadOffset() { return off + headerLength(); }

    final int u8(long at) { return seg.get(JAVA_BYTE, off + at) & 0xFF; }
    final int u16(long at) { return seg.get(Checksums.BE16, off + at) & 0xFFFF; }
    final long u32(long at) { return seg.get(Checksums.BE32, off + at) & 0xFFFF_FFFFL; }
    final void u8(long at, int v) { check(v, 0xFF); seg.set(JAVA_BYTE, off + at, (byte) v); }
    final void u16(long at, int v) { check(v, 0xFFFF); seg.set(Checksums.BE16, off + at, (short) v); }
    final void u32(long at, long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) throw new IllegalArgumentException("value out of range 0..0xFFFFFFFF: " + v);
        seg.set(Checksums.BE32, off + at, (int) v);
    }
    final byte[] bytes(long at, int len) {
        return seg.asSlice(off + at, len).toArray(JAVA_BYTE);
    }
    final void bytes(long at, byte[] v, int len, String what) {
        if (v.length != len) throw new IllegalArgumentException(what + " has " + len + " bytes, not " + v.length);
        MemorySegment.copy(v, 0, seg, JAVA_BYTE, off + at, len);
    }

    static void check(int v, int max) {
        if (v < 0 || v > max) throw new IllegalArgumentException("value out of range 0.." + max + ": " + v);
    }
}
