package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The Internet checksum (RFC 1071) and the checksums of IPv4, ICMP, ICMPv6, TCP and UDP, computed
 * in place on {@code byte[]}, {@link ByteBuffer} or {@link MemorySegment} at any offset.
 *
 * <p>Values are 16-bit numbers in network order: {@code 0x70C7} is stored as the bytes
 * {@code 70 C7}. A "sum" is the folded ones'-complement sum (not yet complemented); a "checksum"
 * is its complement, what goes into a header. {@code ByteBuffer} offsets are absolute indexes
 * (as {@link ByteBuffer#get(int)}), bounded by the buffer's limit.
 *
 * <p>The {@link #ipcsum}, {@link #icmpcsum}, {@link #tcpcsum} and {@link #udpcsum} methods keep
 * the exact semantics of CLISP's RAWSOCK functions of the same names (Ethernet frame in, value
 * returned as CLISP returns it on x86), but check the lengths the headers claim against the frame.
 *
 * <p>Speed: each kind of memory has its own copy of one plain loop that C2 auto-vectorizes,
 * adding the two 32-bit halves of each native-order 64-bit word into one {@code long} and
 * swapping bytes once at the end: {@code byte[]} and heap buffers read the array; direct buffers
 * read through a native-order view handle (not {@code ByteBuffer.getInt}, whose shared byte-order
 * branch stopped the vectorizer, nor a segment view, which allocated 72 bytes per call); native
 * segments read with {@code MemorySegment.get}, one copy of the loop per segment class, so a call
 * site that sees several kinds keeps the vectorized form (the one-loop version fell to 0.4 GB/s
 * once polluted). rawsock-bench checksum-64/1500/65536 compares the three.
 *
 * <p>Why a native segment stays behind {@code byte[]} at 1500 bytes (about 0.65-0.78x, 1.0x at 64
 * KiB), read from C2's code on JDK 25 with cpu-clock samples per instruction: the array and direct
 * buffer loops have an int index whose range check loop predication hoists, so they compile to a
 * scalar pre-loop that aligns the 64-byte loads, a main loop of two 64-byte vector loads per
 * iteration, a 64-byte vector post-loop and a scalar post-loop. The segment's loop compiles to the
 * same four, but {@code MemorySegment.get} checks a long offset, so C2 first wraps the int loop in
 * a loop nest whose header computes the inner bound through a serial chain of compares and
 * conditional moves (about a seventh of the samples at 1500 bytes), and peels the first iteration
 * to hoist the session's owner-thread and state checks out of the loop. That fixed cost per call
 * is what separates them; per byte the main loops are the same instructions. What this form
 * was measured against, and lost: an int-indexed loop over {@code asSlice(off, n)} still checks a
 * long, so it compiled to the same nest and ran at the same speed; an int-typed index
 * ({@code (long) (o + i)}) kept the nest and ran slower (0.55x); two-way accumulators were not
 * vectorized (14 GB/s), nor by their speed four-way ones; a loop of 64-byte straight blocks ran
 * at 0.2x at 1500 bytes and 0.9x at 64 KiB; reading the first word before the loop (so the
 * loop's session checks repeat a dominating one), or summing a straight head so the loop starts
 * where the pre-loop has one word left, changed nothing measurable; an {@code asByteBuffer} view
 * summed by the direct-buffer loop had no allocation under JMH this time but ran below the direct
 * buffer itself (see words64Native for what it allocated before).
 *
 * <p>Why a direct buffer stays behind {@code byte[]} (about 0.8x at 64 and 1500 bytes, 1.0x at 64
 * KiB), read the same way: at 1500 bytes its loop vectorizes to the array's main loop (64-byte
 * loads, the same shift, mask and adds), but its entry has code the array's has none of, a loop
 * nest whose header clamps the bounds against {@code Integer.MIN_VALUE} (compares and conditional
 * moves), the form C2 gives a loop with a long range check; at 64 bytes each call also loads and
 * checks what the view handle's read needs (the buffer's segment for its session, its heap base,
 * its limit), which the array path does not. The buffer's alignment changed nothing (64-byte
 * aligned, 8 and 16 bytes off: 19.9-20.8 ns at 1500 bytes). What this form was measured against,
 * and lost, at 1500 bytes (view handle 19 ns): {@code duplicate().order(nativeOrder())} read
 * with {@code getLong}, 27 ns, allocating 64 bytes per call in one fork of two; an
 * {@code asLongBuffer} view, 25 ns, with the same allocation at 64 bytes; {@code MemorySegment.ofBuffer}
 * summed by the segment loop, 79 ns.
 */
public final class Checksums {
    private Checksums() {}

    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfLong NATIVE_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt NATIVE_INT = ValueLayout.JAVA_INT_UNALIGNED;
    /** Native-order longs and ints in a byte[]: the array path's own loop, so no MemorySegment escapes per call. */
    private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle ARRAY_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    /** Native-order longs and ints in a direct buffer, whatever the buffer's own order. */
    private static final VarHandle DIRECT_LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle DIRECT_INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Bytes summed between two folds: 2^27 terms below 2^33 each cannot overflow a long. */
    private static final long CHUNK = 1L << 30;
    private static final Class<?> NATIVE_SEGMENT = MemorySegment.ofAddress(8).getClass();
    private static final Class<?> HEAP_BYTES_SEGMENT = MemorySegment.ofArray(new byte[0]).getClass();

    /** IP protocol numbers this class knows. */
    static final int ICMP = 1, TCP = 6, UDP = 17, ICMPV6 = 58;

    // ============================================================ sums

    /**
     * Folded ones'-complement sum of {@code len} bytes at {@code off} (an odd last byte is padded
     * with zero), 0..0xFFFF in network order.
     *
     * @param data the bytes
     * @param off  offset of the first byte summed
     * @param len  number of bytes summed
     * @return the folded sum, not yet complemented (see {@link #complement})
     */
    public static int sum(MemorySegment data, long off, long len) {
        Objects.checkFromIndexSize(off, len, data.byteSize());
        long whole = len & ~7L;
        Class<?> kind = data.getClass();
        long total;
        // One copy of the loop per segment class: comparing getClass() with a constant gives C2 the
        // exact type, so the access inlines and vectorizes even when the shared MemorySegment code has
        // seen heap and native segments (measured: the polluted form ran 10x slower). Up to CHUNK
        // bytes without the chunk loop around it, which cost 10-20% at 64 and 1500 bytes.
        if (whole < SHORT_SEGMENT) total = wordsShort(data, off, (int) whole);
        else if (whole <= CHUNK) total = words64(kind, data, off, (int) whole);
        else {
            total = 0;
            for (long base = 0; base < whole; base += CHUNK)
                total += fold32(words64(kind, data, off + base, (int) Math.min(CHUNK, whole - base)));
        }
        // The last 0..7 bytes as one zero-padded word: a 32-bit read, then single bytes, without a loop
        // (each byte read alone cost a third of the speed at 1500 bytes, where 4 are left; a loop over
        // the last three, half of it at 255 bytes: the fixed cost of a segment loop, see SHORT_SEGMENT).
        long p = off + whole;
        int rest = (int) (len - whole), k = 0;
        long tail = 0;
        if (rest >= 4) {
            tail = firstHalf(data.get(NATIVE_INT, p), LITTLE);
            k = 4;
        }
        if (k < rest) tail |= place(data.get(JAVA_BYTE, p + k), k, LITTLE);
        if (k + 1 < rest) tail |= place(data.get(JAVA_BYTE, p + k + 1), k + 1, LITTLE);
        if (k + 2 < rest) tail |= place(data.get(JAVA_BYTE, p + k + 2), k + 2, LITTLE);
        return finish(total + halves(tail), LITTLE);
    }

    /**
     * Below this many bytes a segment is summed without a loop C2 vectorizes. A MemorySegment loop
     * has a fixed cost per call that array and buffer loops do not (5-7 ns here: the loop nest and
     * the peeled iteration the segment's long offsets and session checks bring, see the class
     * comment), so at 64 bytes the vectorized loop ran at 0.3-0.4x of the byte[] one. Straight code without a
     * loop (128, 64, 32, 16 and 8 bytes as the length has them) runs at the array's speed there; a
     * loop over 64-byte blocks did too, but only while it ran once.
     */
    private static final int SHORT_SEGMENT = 256;

    private static long wordsShort(MemorySegment d, long p, int n) {
        long s = 0;
        if ((n & 128) != 0) {
            s += block64(d, p) + block64(d, p + 64);
            p += 128;
        }
        if ((n & 64) != 0) {
            s += block64(d, p);
            p += 64;
        }
        if ((n & 32) != 0) {
            s += halves(d.get(NATIVE_LONG, p)) + halves(d.get(NATIVE_LONG, p + 8))
                    + halves(d.get(NATIVE_LONG, p + 16)) + halves(d.get(NATIVE_LONG, p + 24));
            p += 32;
        }
        if ((n & 16) != 0) {
            s += halves(d.get(NATIVE_LONG, p)) + halves(d.get(NATIVE_LONG, p + 8));
            p += 16;
        }
        if ((n & 8) != 0) s += halves(d.get(NATIVE_LONG, p));
        return s;
    }

    /** 64 bytes: a loop of a constant 8 steps, which C2 unrolls into straight code. */
    private static long block64(MemorySegment d, long p) {
        long s = 0;
        for (int i = 0; i < 64; i += 8) s += halves(d.get(NATIVE_LONG, p + i));
        return s;
    }

    private static long words64(Class<?> kind, MemorySegment d, long off, int n) {
        if (kind == NATIVE_SEGMENT) return words64Native(d, off, n);
        if (kind == HEAP_BYTES_SEGMENT) return words64Heap(d, off, n);
        return words64(d, off, n);
    }

    // The loops of every kind of memory are the same on purpose (see sum): 64-bit words in native
    // order, each added as its two 32-bit halves. Summing native-order words is byte-order
    // independent (RFC 1071 2(B)). C2 vectorizes this plain form with 64-bit lanes (no widening),
    // about twice the bytes per instruction of summing 32-bit words into a long: measured 90-125
    // GB/s at 1500 B against 52-70 GB/s, so keep it plain.
    private static long words64Native(MemorySegment d, long off, int n) {
        // Plain, on the segment itself: a ByteBuffer view (asByteBuffer) of the range, summed by the
        // direct-buffer loop, allocated 104 B per call under JMH and ran at 0.02-0.07x of byte[].
        long s = 0;
        for (int i = 0; i < n; i += 8) s += halves(d.get(NATIVE_LONG, off + i));
        return s;
    }

    private static long words64Heap(MemorySegment d, long off, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 8) s += halves(d.get(NATIVE_LONG, off + i));
        return s;
    }

    private static long words64(MemorySegment d, long off, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 8) s += halves(d.get(NATIVE_LONG, off + i));
        return s;
    }

    /** The two 32-bit halves of a word, added: below 2^33, so 2^30 of them cannot overflow a long. */
    private static long halves(long v) {
        return (v >>> 32) + (v & 0xFFFF_FFFFL);
    }

    /** The first four bytes of a zero-padded last word, read as an int in the given order. */
    private static long firstHalf(int v, boolean little) {
        long u = Integer.toUnsignedLong(v);
        return little ? u : u << 32;
    }

    /** Byte {@code k} (0..7) of a zero-padded last word, placed where memory in that order puts it. */
    private static long place(byte b, int k, boolean little) {
        return (b & 0xFFL) << (little ? 8 * k : 56 - 8 * k);
    }

    /** The folded sum in network order, from a total of words read in the given order. */
    private static int finish(long total, boolean little) {
        int folded = fold(total);
        return little ? swap16(folded) : folded;
    }

    /**
     * {@link #sum(MemorySegment, long, long)} over {@code data[off..off+len)}.
     *
     * @param data the bytes
     * @param off  index of the first byte summed
     * @param len  number of bytes summed
     * @return the folded sum, not yet complemented
     */
    public static int sum(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        // Not via MemorySegment.ofArray: that segment escaped into the loop (72 B per call). An int
        // length needs no chunking: under 2^28 terms below 2^33 each cannot overflow a long.
        int whole = len & ~7;
        long total = whole < SHORT_SEGMENT ? wordsShort(data, off, whole) : words64Array(data, off, whole);
        int p = off + whole, rest = len - whole, k = 0;
        long tail = 0;
        if (rest >= 4) {
            tail = firstHalf((int) ARRAY_INT.get(data, p), LITTLE);
            k = 4;
        }
        for (; k < rest; k++) tail |= place(data[p + k], k, LITTLE);
        return finish(total + halves(tail), LITTLE);
    }

    // wordsShort(MemorySegment, ...) on the array: the vectorized loop's setup (pre-loop, vector and
    // post-loop) costs more than 64 bytes take, and straight code per kind of memory keeps each
    // copy's reads monomorphic (one copy shared by all three kinds was erratic).
    private static long wordsShort(byte[] d, int p, int n) {
        long s = 0;
        if ((n & 128) != 0) {
            s += block64(d, p) + block64(d, p + 64);
            p += 128;
        }
        if ((n & 64) != 0) {
            s += block64(d, p);
            p += 64;
        }
        if ((n & 32) != 0) {
            s += halves((long) ARRAY_LONG.get(d, p)) + halves((long) ARRAY_LONG.get(d, p + 8))
                    + halves((long) ARRAY_LONG.get(d, p + 16)) + halves((long) ARRAY_LONG.get(d, p + 24));
            p += 32;
        }
        if ((n & 16) != 0) {
            s += halves((long) ARRAY_LONG.get(d, p)) + halves((long) ARRAY_LONG.get(d, p + 8));
            p += 16;
        }
        if ((n & 8) != 0) s += halves((long) ARRAY_LONG.get(d, p));
        return s;
    }

    private static long block64(byte[] d, int p) {
        long s = 0;
        for (int i = 0; i < 64; i += 8) s += halves((long) ARRAY_LONG.get(d, p + i));
        return s;
    }

    // The same straight code on a direct buffer (its own copy, see above).
    private static long wordsShort(ByteBuffer d, int p, int n) {
        long s = 0;
        if ((n & 128) != 0) {
            s += block64(d, p) + block64(d, p + 64);
            p += 128;
        }
        if ((n & 64) != 0) {
            s += block64(d, p);
            p += 64;
        }
        if ((n & 32) != 0) {
            s += halves((long) DIRECT_LONG.get(d, p)) + halves((long) DIRECT_LONG.get(d, p + 8))
                    + halves((long) DIRECT_LONG.get(d, p + 16)) + halves((long) DIRECT_LONG.get(d, p + 24));
            p += 32;
        }
        if ((n & 16) != 0) {
            s += halves((long) DIRECT_LONG.get(d, p)) + halves((long) DIRECT_LONG.get(d, p + 8));
            p += 16;
        }
        if ((n & 8) != 0) s += halves((long) DIRECT_LONG.get(d, p));
        return s;
    }

    private static long block64(ByteBuffer d, int p) {
        long s = 0;
        for (int i = 0; i < 64; i += 8) s += halves((long) DIRECT_LONG.get(d, p + i));
        return s;
    }

    // The same plain loop as words64Native, on the array itself (C2 vectorizes it too).
    private static long words64Array(byte[] d, int off, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 8) s += halves((long) ARRAY_LONG.get(d, off + i));
        return s;
    }

    /**
     * {@link #sum(MemorySegment, long, long)} over the buffer's bytes at absolute {@code off..off+len)}.
     *
     * @param data the bytes (position and limit are ignored and left alone)
     * @param off  absolute index of the first byte summed
     * @param len  number of bytes summed
     * @return the folded sum, not yet complemented
     */
    public static int sum(ByteBuffer data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.limit());
        // A heap buffer is its array: the array loop, no segment.
        if (data.hasArray()) return sum(data.array(), data.arrayOffset() + off, len);
        // A direct buffer goes through a native-order view handle, so its loop reads plain words as the
        // array loop does. ByteBuffer.getInt passes through Unsafe's byte-order branch, whose profile
        // all big- and little-endian buffers in the JVM share: once both orders had run, C2 kept that
        // branch in the loop and did not vectorize it (49 GB/s fell to 7 GB/s at 1500 B). A read-only
        // heap buffer hides its array and keeps its own getInt loop, in the buffer's byte order (summing
        // big-endian words gives the sum in network order, RFC 1071 2(B)): the view handle's loop slows
        // down for every buffer once it has seen a heap one.
        boolean direct = data.isDirect();
        boolean little = direct ? LITTLE : data.order() == ByteOrder.LITTLE_ENDIAN;
        int whole = len & ~7;
        long total = !direct ? words64Buffer(data, off, whole)
                : whole < SHORT_SEGMENT ? wordsShort(data, off, whole) : words64Direct(data, off, whole);
        int p = off + whole, rest = len - whole, k = 0;
        long tail = 0;
        if (rest >= 4) {
            tail = firstHalf(direct ? (int) DIRECT_INT.get(data, p) : data.getInt(p), little);
            k = 4;
        }
        for (; k < rest; k++) tail |= place(data.get(p + k), k, little);
        return finish(total + halves(tail), little);
    }

    // The same plain loop on a direct buffer, native-order words through the view handle.
    private static long words64Direct(ByteBuffer d, int off, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 8) s += halves((long) DIRECT_LONG.get(d, off + i));
        return s;
    }

    // The same plain loop once more, on the buffer in its own order (read-only heap buffers).
    private static long words64Buffer(ByteBuffer d, int off, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 8) s += halves(d.getLong(off + i));
        return s;
    }

    /**
     * RFC 1071 Internet checksum of {@code data[off..off+len)}: the complement of its sum.
     *
     * @param data the bytes
     * @param off  index of the first byte
     * @param len  number of bytes
     * @return the checksum, 0..0xFFFF, as it is stored in network order
     */
    public static int internet(byte[] data, int off, int len) {
        return ~sum(data, off, len) & 0xFFFF;
    }

    /**
     * RFC 1071 Internet checksum of the whole array.
     *
     * @param data the bytes
     * @return the checksum, 0..0xFFFF, as it is stored in network order
     */
    public static int internet(byte[] data) {
        return internet(data, 0, data.length);
    }

    /**
     * RFC 1071 Internet checksum of the buffer's bytes at absolute {@code off..off+len)}.
     *
     * @param data the bytes
     * @param off  absolute index of the first byte
     * @param len  number of bytes
     * @return the checksum, 0..0xFFFF, as it is stored in network order
     */
    public static int internet(ByteBuffer data, int off, int len) {
        return ~sum(data, off, len) & 0xFFFF;
    }

    /**
     * RFC 1071 Internet checksum of the buffer's remaining bytes (position to limit); the position does not move.
     *
     * @param data the bytes
     * @return the checksum, 0..0xFFFF, as it is stored in network order
     */
    public static int internet(ByteBuffer data) {
        return internet(data, data.position(), data.remaining());
    }

    /**
     * RFC 1071 Internet checksum of {@code len} bytes at {@code off}.
     *
     * @param data the bytes
     * @param off  offset of the first byte
     * @param len  number of bytes
     * @return the checksum, 0..0xFFFF, as it is stored in network order
     */
    public static int internet(MemorySegment data, long off, long len) {
        return ~sum(data, off, len) & 0xFFFF;
    }

    /**
     * RFC 1071 Internet checksum of the whole segment.
     *
     * @param data the bytes
     * @return the checksum, 0..0xFFFF, as it is stored in network order
     */
    public static int internet(MemorySegment data) {
        return internet(data, 0, data.byteSize());
    }

    /**
     * Ones'-complement sum of two sums, e.g. a pseudo-header's and a segment's. The second sum must
     * cover data that starts at an even distance from the first's (else swap it first).
     *
     * @param sumA a folded sum
     * @param sumB another folded sum
     * @return their folded sum
     */
    public static int add(int sumA, int sumB) {
        return fold((sumA & 0xFFFFL) + (sumB & 0xFFFFL));
    }

    /**
     * {@return the checksum for a sum: its ones' complement, 0..0xFFFF}
     *
     * @param sum a folded sum, 0..0xFFFF
     */
    public static int complement(int sum) {
        return ~sum & 0xFFFF;
    }

    /**
     * Sum of the IPv4 pseudo-header (RFC 768/793): source, destination, zero, protocol, length.
     *
     * @param source      the source address, 4 bytes
     * @param destination the destination address, 4 bytes
     * @param protocol    the IP protocol number, 0..255
     * @param length      the transport header and data length, 0..0xFFFF
     * @return the folded sum, to {@link #add} to the transport segment's
     */
    public static int pseudoHeaderV4(byte[] source, byte[] destination, int protocol, int length) {
        if (source.length != 4 || destination.length != 4)
            throw new IllegalArgumentException("IPv4 addresses have 4 bytes");
        checkRange(protocol, 0xFF, "protocol");
        checkRange(length, 0xFFFF, "length");
        long s = words(source) + words(destination) + protocol + length;
        return fold(s);
    }

    /**
     * {@link #pseudoHeaderV4(byte[], byte[], int, int)} for addresses.
     *
     * @param source      the source address
     * @param destination the destination address
     * @param protocol    the IP protocol number, 0..255
     * @param length      the transport header and data length, 0..0xFFFF
     * @return the folded sum
     */
    public static int pseudoHeaderV4(Inet4Address source, Inet4Address destination, int protocol, int length) {
        return pseudoHeaderV4(source.getAddress(), destination.getAddress(), protocol, length);
    }

    /**
     * Sum of the IPv6 pseudo-header (RFC 8200 8.1): source, destination, upper-layer length, next header.
     *
     * @param source      the source address, 16 bytes
     * @param destination the destination address (the final one when there is a routing header), 16 bytes
     * @param nextHeader  the upper-layer protocol number, 0..255
     * @param length      the upper-layer header and data length (32 bits)
     * @return the folded sum, to {@link #add} to the upper-layer packet's
     */
    public static int pseudoHeaderV6(byte[] source, byte[] destination, int nextHeader, long length) {
        if (source.length != 16 || destination.length != 16)
            throw new IllegalArgumentException("IPv6 addresses have 16 bytes");
        checkRange(nextHeader, 0xFF, "next header");
        if (length < 0 || length > 0xFFFF_FFFFL) throw new IllegalArgumentException("length out of range: " + length);
        long s = words(source) + words(destination) + (length >>> 16) + (length & 0xFFFF) + nextHeader;
        return fold(s);
    }

    /**
     * {@link #pseudoHeaderV6(byte[], byte[], int, long)} for addresses.
     *
     * @param source      the source address
     * @param destination the destination address
     * @param nextHeader  the upper-layer protocol number, 0..255
     * @param length      the upper-layer header and data length (32 bits)
     * @return the folded sum
     */
    public static int pseudoHeaderV6(Inet6Address source, Inet6Address destination, int nextHeader, long length) {
        return pseudoHeaderV6(source.getAddress(), destination.getAddress(), nextHeader, length);
    }

    /**
     * RFC 1624 incremental update (equation 3): the checksum after one 16-bit word covered by
     * {@code oldChecksum} changed from {@code oldWord} to {@code newWord}. It equals a recomputation
     * except when the data becomes all zeros (then it gives 0 where recomputation gives 0xFFFF).
     *
     * @param oldChecksum the stored checksum before the change
     * @param oldWord     the 16-bit word before the change
     * @param newWord     the 16-bit word after it
     * @return the new checksum to store
     */
    public static int update(int oldChecksum, int oldWord, int newWord) {
        checkRange(oldChecksum, 0xFFFF, "checksum");
        checkRange(oldWord, 0xFFFF, "old word");
        checkRange(newWord, 0xFFFF, "new word");
        long s = (~oldChecksum & 0xFFFFL) + (~oldWord & 0xFFFFL) + newWord;
        return ~fold(s) & 0xFFFF;
    }

    // ============================================================ filling headers in place

    /**
     * Computes and stores the IPv4 header checksum of the header at {@code ipOffset}.
     * @param packet   the bytes holding the packet
     * @param ipOffset offset of the IPv4 header
     * @return the checksum stored (network order value)
     * @throws IllegalArgumentException when the header is truncated or its IHL is below 5
     */
    public static int fillIpv4Header(MemorySegment packet, long ipOffset) {
        int hl = ipv4HeaderLength(packet, ipOffset);
        packet.set(BE16, ipOffset + 10, (short) 0);
        int c = internet(packet, ipOffset, hl);
        packet.set(BE16, ipOffset + 10, (short) c);
        return c;
    }

    /**
     * Computes and stores the ICMP checksum of the ICMP message in the IPv4 packet at {@code ipOffset}.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset offset of the IP header
     * @return the checksum stored (network order value)
     * @throws IllegalArgumentException when a header is truncated or malformed, or the packet does not carry this protocol
     */
    public static int fillIcmp(MemorySegment packet, long ipOffset) {
        long[] l4 = ipv4Payload(packet, ipOffset, 8, "ICMP");
        packet.set(BE16, l4[0] + 2, (short) 0);
        int c = internet(packet, l4[0], l4[1]);
        packet.set(BE16, l4[0] + 2, (short) c);
        return c;
    }

    /**
     * Computes and stores the ICMPv6 checksum of the ICMPv6 message in the IPv6 packet at {@code ipOffset}.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset offset of the IP header
     * @return the checksum stored (network order value)
     * @throws IllegalArgumentException when a header is truncated or malformed, or the packet does not carry this protocol
     */
    public static int fillIcmpv6(MemorySegment packet, long ipOffset) {
        return fillTransportV6(packet, ipOffset, ICMPV6, 2, 8, false);
    }

    /**
     * Computes and stores the TCP checksum of the segment in the IPv4 or IPv6 packet at {@code ipOffset}.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset offset of the IP header
     * @return the checksum stored (network order value)
     * @throws IllegalArgumentException when a header is truncated or malformed, or the packet does not carry this protocol
     */
    public static int fillTcp(MemorySegment packet, long ipOffset) {
        return fillTransport(packet, ipOffset, TCP, 16, 20, false);
    }

    /**
     * Computes and stores the UDP checksum of the datagram in the IPv4 or IPv6 packet at
     * {@code ipOffset} (a computed 0 is sent as 0xFFFF, RFC 768). The UDP length field must fit
     * within the IP payload; the checksum covers that many bytes.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset offset of the IP header
     * @return the checksum stored (network order value)
     * @throws IllegalArgumentException when a header is truncated or malformed, or the packet does not carry this protocol
     */
    public static int fillUdp(MemorySegment packet, long ipOffset) {
        return fillTransport(packet, ipOffset, UDP, 6, 8, true);
    }

    /**
     * Fills every checksum of a packet: the IPv4 header's, and the ICMP, ICMPv6, TCP or UDP one of
     * its payload (not of non-first fragments, which have no transport header).
     * @param frame    the bytes holding the packet
     * @param offset   offset of the Ethernet header when {@code ethernet}, else of the IP header
     * @param ethernet whether an Ethernet header (with any 802.1Q/802.1ad tags) comes first at {@code offset}
     * @return whether a transport checksum was filled
     */
    public static boolean fillAll(MemorySegment frame, long offset, boolean ethernet) {
        long ip = offset;
        if (ethernet) {
            EthernetHeader eth = EthernetHeader.of(frame, offset);
            int type = eth.etherType();
            if (type != EthernetHeader.TYPE_IPV4 && type != EthernetHeader.TYPE_IPV6)
                throw new IllegalArgumentException(String.format("not an IP frame: ethertype 0x%04x", type));
            ip = offset + eth.headerLength();
        }
        int version = version(frame, ip);
        if (version == 4) {
            fillIpv4Header(frame, ip);
            Ipv4Header h = Ipv4Header.of(frame, ip);
            if (h.fragmentOffset() != 0 || h.moreFragments()) return false;
            switch (h.protocol()) {
                case ICMP -> fillIcmp(frame, ip);
                case TCP -> fillTcp(frame, ip);
                case UDP -> fillUdp(frame, ip);
                default -> { return false; }
            }
            return true;
        }
        Ipv6Header h = Ipv6Header.of(frame, ip);
        switch (h.upperLayerProtocol()) {
            case ICMPV6 -> fillIcmpv6(frame, ip);
            case TCP -> fillTcp(frame, ip);
            case UDP -> fillUdp(frame, ip);
            default -> { return false; }
        }
        return true;
    }

    /**
     * {@link #fillIpv4Header(MemorySegment, long)} on an array.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillIpv4Header(byte[] packet, int ipOffset) { return fillIpv4Header(MemorySegment.ofArray(packet), ipOffset); }
    /**
     * {@link #fillIcmp(MemorySegment, long)} on an array.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillIcmp(byte[] packet, int ipOffset) { return fillIcmp(MemorySegment.ofArray(packet), ipOffset); }
    /**
     * {@link #fillIcmpv6(MemorySegment, long)} on an array.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillIcmpv6(byte[] packet, int ipOffset) { return fillIcmpv6(MemorySegment.ofArray(packet), ipOffset); }
    /**
     * {@link #fillTcp(MemorySegment, long)} on an array.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillTcp(byte[] packet, int ipOffset) { return fillTcp(MemorySegment.ofArray(packet), ipOffset); }
    /**
     * {@link #fillUdp(MemorySegment, long)} on an array.
     *
     * @param packet   the bytes holding the packet
     * @param ipOffset index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillUdp(byte[] packet, int ipOffset) { return fillUdp(MemorySegment.ofArray(packet), ipOffset); }
    /**
     * {@link #fillAll(MemorySegment, long, boolean)} on an array.
     *
     * @param frame    the bytes holding the packet
     * @param offset   index of the Ethernet header when {@code ethernet}, else of the IP header
     * @param ethernet whether an Ethernet header comes first
     * @return whether a transport checksum was filled
     */
    public static boolean fillAll(byte[] frame, int offset, boolean ethernet) { return fillAll(MemorySegment.ofArray(frame), offset, ethernet); }

    /**
     * {@link #fillIpv4Header(MemorySegment, long)} at an absolute buffer index.
     *
     * @param packet   the bytes holding the packet (position and limit are ignored)
     * @param ipOffset absolute index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillIpv4Header(ByteBuffer packet, int ipOffset) { return fillIpv4Header(segment(packet), ipOffset); }
    /**
     * {@link #fillIcmp(MemorySegment, long)} at an absolute buffer index.
     *
     * @param packet   the bytes holding the packet (position and limit are ignored)
     * @param ipOffset absolute index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillIcmp(ByteBuffer packet, int ipOffset) { return fillIcmp(segment(packet), ipOffset); }
    /**
     * {@link #fillIcmpv6(MemorySegment, long)} at an absolute buffer index.
     *
     * @param packet   the bytes holding the packet (position and limit are ignored)
     * @param ipOffset absolute index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillIcmpv6(ByteBuffer packet, int ipOffset) { return fillIcmpv6(segment(packet), ipOffset); }
    /**
     * {@link #fillTcp(MemorySegment, long)} at an absolute buffer index.
     *
     * @param packet   the bytes holding the packet (position and limit are ignored)
     * @param ipOffset absolute index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillTcp(ByteBuffer packet, int ipOffset) { return fillTcp(segment(packet), ipOffset); }
    /**
     * {@link #fillUdp(MemorySegment, long)} at an absolute buffer index.
     *
     * @param packet   the bytes holding the packet (position and limit are ignored)
     * @param ipOffset absolute index of the IP header
     * @return the checksum stored (network order value)
     */
    public static int fillUdp(ByteBuffer packet, int ipOffset) { return fillUdp(segment(packet), ipOffset); }
    /**
     * {@link #fillAll(MemorySegment, long, boolean)} at an absolute buffer index.
     *
     * @param frame    the bytes holding the packet (position and limit are ignored)
     * @param offset   absolute index of the Ethernet header when {@code ethernet}, else of the IP header
     * @param ethernet whether an Ethernet header comes first
     * @return whether a transport checksum was filled
     */
    public static boolean fillAll(ByteBuffer frame, int offset, boolean ethernet) { return fillAll(segment(frame), offset, ethernet); }

    // ============================================================ CLISP's four functions

    /**
     * CLISP's {@code RAWSOCK:IPCSUM}: the IPv4 header checksum of the Ethernet frame in
     * {@code frame[start..end)} (14 bytes of Ethernet header skipped), stored in place at frame
     * bytes 24-25 in network order, and returned as CLISP returns it on x86: the two stored bytes
     * read little-endian (bytes {@code 70 C7} give 51056).
     * @param frame the bytes holding the Ethernet frame
     * @param start index of the frame's first byte
     * @param end   index after the frame's last byte
     * @return the checksum as CLISP returns it (the stored bytes read little-endian)
     * @throws IllegalArgumentException when the IHL is below 5 or the header does not fit in the frame
     */
    public static int ipcsum(byte[] frame, int start, int end) {
        MemorySegment f = seedFrame(frame, start, end);
        return swap16(fillIpv4Header(f, 14));
    }

    /**
     * CLISP's {@code RAWSOCK:ICMPCSUM}: the ICMP checksum over the IPv4 payload (IP total length
     * minus header length), stored in network order, returned read little-endian as CLISP does.
     * @param frame the bytes holding the Ethernet frame
     * @param start index of the frame's first byte
     * @param end   index after the frame's last byte
     * @return the checksum as CLISP returns it (the stored bytes read little-endian)
     * @throws IllegalArgumentException when the IHL is below 5, the total length is below the header
     *         length, or the packet or its checksum field lies past the frame
     */
    public static int icmpcsum(byte[] frame, int start, int end) {
        MemorySegment f = seedFrame(frame, start, end);
        long[] l4 = seedPayload(f, 2, "ICMP");
        f.set(BE16, l4[0] + 2, (short) 0);
        int c = internet(f, l4[0], l4[1]);
        f.set(BE16, l4[0] + 2, (short) c);
        return swap16(c);
    }

    /**
     * CLISP's {@code RAWSOCK:TCPCSUM}: the TCP checksum over the IPv4 pseudo-header (addresses,
     * the IP header's protocol byte, the TCP length from the IP total length) and the segment,
     * stored in network order and returned as the big-endian value.
     * @param frame the bytes holding the Ethernet frame
     * @param start index of the frame's first byte
     * @param end   index after the frame's last byte
     * @return the checksum stored, as its big-endian value
     */
    public static int tcpcsum(byte[] frame, int start, int end) {
        return seedTransport(frame, start, end, 16, "TCP");
    }

    /**
     * CLISP's {@code RAWSOCK:UDPCSUM}: as {@link #tcpcsum}, for UDP: the length (in the
     * pseudo-header and covered) is the IP payload length, not the UDP header's length field, and a
     * computed 0 is stored as 0, as CLISP does.
     * @param frame the bytes holding the Ethernet frame
     * @param start index of the frame's first byte
     * @param end   index after the frame's last byte
     * @return the checksum stored, as its big-endian value
     */
    public static int udpcsum(byte[] frame, int start, int end) {
        return seedTransport(frame, start, end, 6, "UDP");
    }

    private static MemorySegment seedFrame(byte[] frame, int start, int end) {
        Objects.checkFromToIndex(start, end, frame.length);
        MemorySegment f = MemorySegment.ofArray(frame).asSlice(start, end - start);
        if (f.byteSize() < 15)
            throw new IllegalArgumentException("frame of " + f.byteSize() + " bytes has no IPv4 header after its Ethernet header");
        return f;
    }

    /**
     * The CLISP functions' payload: CLISP reads the IP total length and writes the checksum at a
     * fixed place after the IP header; both must lie within the frame (CLISP never checked).
     * Within those bounds any lengths give what CLISP gives, even an L4 part shorter than its header.
     */
    private static long[] seedPayload(MemorySegment f, int checksumAt, String what) {
        long[] l4 = ipv4Payload(f, 14, 0, what);
        if (l4[0] + checksumAt + 2 > f.byteSize())
            throw new IllegalArgumentException(what + " checksum field at frame offset " + (l4[0] + checksumAt)
                    + " lies past the " + f.byteSize() + "-byte frame");
        return l4;
    }

    private static int seedTransport(byte[] frame, int start, int end, int checksumAt, String what) {
        MemorySegment f = seedFrame(frame, start, end);
        long[] l4 = seedPayload(f, checksumAt, what);
        f.set(BE16, l4[0] + checksumAt, (short) 0);
        long s = words(f, 26, 8) + (f.get(JAVA_BYTE, 23) & 0xFF) + l4[1];
        int c = ~add(fold(s), sum(f, l4[0], l4[1])) & 0xFFFF;
        f.set(BE16, l4[0] + checksumAt, (short) c);
        return c;
    }

    // ============================================================ internals

    private static int fillTransport(MemorySegment p, long ip, int proto, int checksumAt, int min, boolean udp) {
        int v = version(p, ip);
        if (v == 6) return fillTransportV6(p, ip, proto, checksumAt, min, udp);
        String what = proto == TCP ? "TCP" : "UDP";
        long[] l4 = ipv4Payload(p, ip, min, what);
        int protocol = p.get(JAVA_BYTE, ip + 9) & 0xFF;
        if (protocol != proto) throw new IllegalArgumentException("IPv4 protocol is " + protocol + ", not " + what);
        long len = udp ? udpLength(p, l4[0], l4[1]) : l4[1];
        p.set(BE16, l4[0] + checksumAt, (short) 0);
        long s = words(p, ip + 12, 8) + proto + len;
        int c = ~add(fold(s), sum(p, l4[0], len)) & 0xFFFF;
        if (udp && c == 0) c = 0xFFFF;
        p.set(BE16, l4[0] + checksumAt, (short) c);
        return c;
    }

    private static int fillTransportV6(MemorySegment p, long ip, int proto, int checksumAt, int min, boolean udp) {
        Ipv6Header h = Ipv6Header.of(p, ip);
        if (h.upperLayerProtocol() != proto)
            throw new IllegalArgumentException("IPv6 upper-layer protocol is " + h.upperLayerProtocol() + ", not " + proto);
        long l4 = h.upperLayerOffset();
        long avail = ip + Ipv6Header.LENGTH + h.payloadLength() - l4;
        if (ip + Ipv6Header.LENGTH + h.payloadLength() > p.byteSize())
            throw new IllegalArgumentException("IPv6 payload length " + h.payloadLength() + " points past the buffer");
        if (avail < min) throw new IllegalArgumentException("upper-layer part of " + avail + " bytes is shorter than its header (" + min + ")");
        long len = udp ? udpLength(p, l4, avail) : avail;
        p.set(BE16, l4 + checksumAt, (short) 0);
        long s = words(p, ip + 8, 32) + (len >>> 16) + (len & 0xFFFF) + proto;
        int c = ~add(fold(s), sum(p, l4, len)) & 0xFFFF;
        if (proto != TCP && c == 0) c = 0xFFFF; // UDP over IPv6 must carry a checksum; 0 is its "none"
        p.set(BE16, l4 + checksumAt, (short) c);
        return c;
    }

    private static long udpLength(MemorySegment p, long l4, long avail) {
        int len = p.get(BE16, l4 + 4) & 0xFFFF;
        if (len < 8 || len > avail)
            throw new IllegalArgumentException("UDP length " + len + " is not within 8.." + avail + " (the IP payload)");
        return len;
    }

    static int version(MemorySegment p, long ip) {
        if (ip < 0 || ip >= p.byteSize()) throw new IllegalArgumentException("no IP header at offset " + ip);
        int v = (p.get(JAVA_BYTE, ip) & 0xFF) >>> 4;
        if (v != 4 && v != 6) throw new IllegalArgumentException("IP version " + v + " at offset " + ip);
        return v;
    }

    /** The IPv4 header length after checking IHL >= 5 and that the header fits. */
    static int ipv4HeaderLength(MemorySegment p, long ip) {
        if (ip < 0 || ip >= p.byteSize()) throw new IllegalArgumentException("no IPv4 header at offset " + ip);
        int ihl = p.get(JAVA_BYTE, ip) & 0xF;
        if (ihl < 5) throw new IllegalArgumentException("IPv4 IHL " + ihl + " is below 5");
        int hl = ihl * 4;
        if (ip + hl > p.byteSize())
            throw new IllegalArgumentException("IPv4 header of " + hl + " bytes at offset " + ip + " does not fit in " + p.byteSize() + " bytes");
        return hl;
    }

    /** {offset, length} of the IPv4 payload, checked against the IP total length and the buffer. */
    static long[] ipv4Payload(MemorySegment p, long ip, int min, String what) {
        int hl = ipv4HeaderLength(p, ip);
        int total = p.get(BE16, ip + 2) & 0xFFFF;
        if (total < hl + min)
            throw new IllegalArgumentException("IPv4 total length " + total + " leaves less than the " + min
                    + "-byte " + what + " header after the " + hl + "-byte IP header");
        if (ip + total > p.byteSize())
            throw new IllegalArgumentException("IPv4 total length " + total + " at offset " + ip + " points past the "
                    + p.byteSize() + "-byte buffer");
        return new long[] {ip + hl, total - hl};
    }

    /** Sum of big-endian 16-bit words of an even-length range (addresses); unfolded. */
    private static long words(MemorySegment p, long off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) s += p.get(BE16, off + i) & 0xFFFF;
        return s;
    }

    private static long words(byte[] a) {
        long s = 0;
        for (int i = 0; i < a.length; i += 2) s += (a[i] & 0xFF) << 8 | (a[i + 1] & 0xFF);
        return s;
    }

    static MemorySegment segment(ByteBuffer b) {
        // Absolute indexes 0..limit, whatever the position.
        return MemorySegment.ofBuffer(b.duplicate().position(0));
    }

    private static long fold32(long s) {
        s = (s & 0xFFFF_FFFFL) + (s >>> 32);
        return (s & 0xFFFF_FFFFL) + (s >>> 32);
    }

    private static int fold(long s) {
        s = fold32(s);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    static int swap16(int v) {
        return (v & 0xFF) << 8 | (v >>> 8) & 0xFF;
    }

    private static void checkRange(int v, int max, String what) {
        if (v < 0 || v > max) throw new IllegalArgumentException(what + " out of range 0.." + max + ": " + v);
    }
}
