package dev.rawsock.packet;

import dev.rawsock.packet.testing.Reference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

class ChecksumsTest {

    @Provide
    Arbitrary<byte[]> data() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(270);
    }

    /** Every offset and every length of every array (past 256 bytes, where straight code gives way to the loops): byte[], heap and direct ByteBuffer, native segment. */
    @Property(tries = 60)
    void equalsReferenceAtEveryOffsetAndLength(@ForAll("data") byte[] a) {
        ByteBuffer direct = ByteBuffer.allocateDirect(a.length).put(a).flip();
        ByteBuffer heap = ByteBuffer.wrap(a);
        // each path's own shape: little-endian and read-only direct buffers, a heap slice (arrayOffset 3)
        ByteBuffer little = ByteBuffer.allocateDirect(a.length).order(java.nio.ByteOrder.LITTLE_ENDIAN).put(a).flip();
        ByteBuffer readOnly = direct.asReadOnlyBuffer();
        // read-only heap buffers hide their array: the buffer's own loop, in either byte order
        ByteBuffer readOnlyHeap = ByteBuffer.wrap(a).asReadOnlyBuffer();
        ByteBuffer readOnlyHeapLittle = ByteBuffer.wrap(a).asReadOnlyBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] padded = new byte[a.length + 3];
        System.arraycopy(a, 0, padded, 3, a.length);
        ByteBuffer slice = ByteBuffer.wrap(padded).position(3).slice();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, a.length));
            MemorySegment.copy(a, 0, seg, JAVA_BYTE, 0, a.length);
            for (int off = 0; off <= a.length; off++) {
                for (int len = 0; off + len <= a.length; len++) {
                    int ref = Reference.internet(a, off, len);
                    assertEquals(ref, Checksums.internet(a, off, len), () -> "byte[]");
                    assertEquals(ref, Checksums.internet(heap, off, len));
                    assertEquals(ref, Checksums.internet(direct, off, len));
                    assertEquals(ref, Checksums.internet(seg, off, len));
                    assertEquals(ref, Checksums.internet(little, off, len), "little-endian direct");
                    assertEquals(ref, Checksums.internet(readOnly, off, len), "read-only direct");
                    assertEquals(ref, Checksums.internet(readOnlyHeap, off, len), "read-only heap");
                    assertEquals(ref, Checksums.internet(readOnlyHeapLittle, off, len), "read-only heap, little-endian");
                    assertEquals(ref, Checksums.internet(slice, off, len), "heap slice");
                    assertEquals(ref, Checksums.internet(seg.asSlice(off, len)), "segment slice");
                }
                // from the position to the limit; the position stays
                direct.position(off);
                assertEquals(Reference.internet(a, off, a.length - off), Checksums.internet(direct));
                assertEquals(off, direct.position());
                direct.position(0);
            }
        }
    }

    @Property(tries = 200)
    void largeBuffersEqualReference(@ForAll @Size(min = 1000, max = 70000) byte[] a, @ForAll @IntRange(max = 7) int off) {
        Assume.that(off < a.length);
        int ref = Reference.internet(a, off, a.length - off);
        assertEquals(ref, Checksums.internet(a, off, a.length - off));
        assertEquals(ref, Checksums.internet(ByteBuffer.allocateDirect(a.length).put(a), off, a.length - off), "direct");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(a.length);
            MemorySegment.copy(a, 0, seg, JAVA_BYTE, 0, a.length);
            assertEquals(ref, Checksums.internet(seg, off, a.length - off), "native segment");
        }
    }

    /**
     * Every length 0..600 at the odd offsets 1, 3, 5 and 7 (and 0) on all three kinds of memory: both
     * sides of the 256-byte switch from straight code to the vectorized loops, every 0..7-byte tail,
     * and loops that start off the word grid. Segments and direct buffers at every start modulo 64,
     * so the compiled loops' alignment pre-loops run every possible count.
     */
    @Test
    void everyLengthUpTo600AtOddOffsetsOnEveryKind() {
        byte[] a = new byte[600 + 8];
        new java.util.Random(20).nextBytes(a);
        try (Arena arena = Arena.ofConfined(); Arena shared = Arena.ofShared()) {
            MemorySegment block = arena.allocate(a.length + 64, 64);
            ByteBuffer directBlock = ByteBuffer.allocateDirect(a.length + 64);
            MemorySegment sharedSeg = shared.allocate(a.length);
            MemorySegment.copy(a, 0, sharedSeg, JAVA_BYTE, 0, a.length);
            int checked = 0;
            for (int skew = 0; skew < 64; skew += 8) {
                MemorySegment seg = block.asSlice(skew, a.length);
                MemorySegment.copy(a, 0, seg, JAVA_BYTE, 0, a.length);
                ByteBuffer direct = directBlock.slice(skew, a.length);
                direct.put(0, a);
                for (int off : new int[] {0, 1, 3, 5, 7}) {
                    for (int len = 0; len <= 600; len++) {
                        int ref = Reference.internet(a, off, len);
                        int o = off, n = len, s = skew;
                        assertEquals(ref, Checksums.internet(a, off, len), () -> "byte[] off " + o + " len " + n);
                        assertEquals(ref, Checksums.internet(direct, off, len), () -> "direct buffer skew " + s + " off " + o + " len " + n);
                        assertEquals(ref, Checksums.internet(seg, off, len), () -> "native segment skew " + s + " off " + o + " len " + n);
                        if (skew == 0) assertEquals(ref, Checksums.internet(sharedSeg, off, len), () -> "shared segment off " + o + " len " + n);
                        checked++;
                    }
                }
            }
            assertEquals(8 * 5 * 601, checked, "every skew, offset and length ran");
        }
    }

    @Test
    void allOnesAndAllZeros() {
        byte[] ff = new byte[100_003];
        java.util.Arrays.fill(ff, (byte) 0xFF);
        assertEquals(Reference.internet(ff, 0, ff.length), Checksums.internet(ff));
        assertEquals(0xFFFF, Checksums.internet(new byte[64]));
        assertEquals(0xFFFF, Checksums.internet(new byte[0]));
        ByteBuffer b = ByteBuffer.wrap(new byte[] {9, 9, 0x12, 0x34});
        b.position(2);
        assertEquals(~0x1234 & 0xFFFF, Checksums.internet(b));
        assertEquals(2, b.position(), "position does not move");
    }

    /** RFC 1624: updating one word incrementally equals recomputing (except data that becomes all zeros). */
    @Property(tries = 500)
    void incrementalUpdateEqualsRecomputation(@ForAll @Size(min = 4, max = 100) byte[] a,
            @ForAll @IntRange(max = 49) int word, @ForAll @IntRange(max = 0xFFFF) int newWord) {
        int even = a.length & ~1;
        int w = (word % (even / 2)) * 2;
        int old = Reference.internet(a, 0, even);
        int oldWord = (a[w] & 0xFF) << 8 | (a[w + 1] & 0xFF);
        a[w] = (byte) (newWord >> 8);
        a[w + 1] = (byte) newWord;
        boolean allZero = true;
        for (int i = 0; i < even; i++) allZero &= a[i] == 0;
        Assume.that(!allZero);
        assertEquals(Reference.internet(a, 0, even), Checksums.update(old, oldWord, newWord));
    }

    @Test
    void updateOnARealHeaderTtlDecrement() throws Exception {
        byte[] p = Packets.udp(InetAddress.getByName("10.1.2.3"), 1, InetAddress.getByName("10.3.2.1"), 2, new byte[5]);
        Ipv4Header h = Ipv4Header.of(p, 0);
        int oldWord = (h.ttl() << 8) | h.protocol();
        int updated = Checksums.update(h.checksum(), oldWord, ((h.ttl() - 1) << 8) | h.protocol());
        h.setTtl(h.ttl() - 1);
        assertEquals(h.fillChecksum(), updated);
    }

    @Test
    void pseudoHeaders() throws Exception {
        byte[] s = {10, 0, 0, 1}, d = {10, 0, 0, 2};
        // 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 30
        assertEquals(0x0a00 + 1 + 0x0a00 + 2 + 17 + 30, Checksums.pseudoHeaderV4(s, d, 17, 30));
        byte[] s6 = InetAddress.getByName("::1").getAddress();
        assertEquals(1 + 1 + 58 + 1 + 0x1234, Checksums.pseudoHeaderV6(s6, s6, 58, 0x1_1234L));
        assertThrows(IllegalArgumentException.class, () -> Checksums.pseudoHeaderV4(s6, d, 17, 1));
        assertThrows(IllegalArgumentException.class, () -> Checksums.pseudoHeaderV4(s, d, 256, 1));
    }

    @Test
    void fillHelpersVerifyWithAndWithoutEthernet() throws Exception {
        InetAddress a4 = InetAddress.getByName("192.168.1.1"), b4 = InetAddress.getByName("192.168.1.2");
        InetAddress a6 = InetAddress.getByName("2001:db8::1"), b6 = InetAddress.getByName("2001:db8::2");
        for (byte[] ip : new byte[][] {
                Packets.udp(a4, 1000, b4, 2000, "hello".getBytes()),
                Packets.tcpSyn(a4, 1000, b4, 80, 12345),
                Packets.icmpEcho((java.net.Inet4Address) a4, (java.net.Inet4Address) b4, 7, 9, new byte[33]),
                Packets.udp(a6, 1000, b6, 2000, "hello6".getBytes()),
                Packets.tcpSyn(a6, 1000, b6, 80, 12345),
                Packets.icmpv6Echo((java.net.Inet6Address) a6, (java.net.Inet6Address) b6, 7, 9, new byte[33])}) {
            assertTrue(verifies(ip, 0), () -> Packets.describe(ip, Packets.LINKTYPE_RAW));
            byte[] frame = Packets.ethernet(new byte[6], new byte[6], (ip[0] >> 4) == 4 ? 0x0800 : 0x86DD, ip);
            byte[] corrupt = frame.clone();
            java.util.Arrays.fill(corrupt, 14 + 10, 14 + 12, (byte) 0x5A);
            java.util.Arrays.fill(corrupt, corrupt.length - 4, corrupt.length, (byte) 0x77);
            if ((ip[0] >> 4) == 6) java.util.Arrays.fill(corrupt, 14 + 10, 14 + 12, (byte) 0); // v6: keep the addresses
            assertTrue(Checksums.fillAll(corrupt, 0, true));
            assertTrue(verifies(corrupt, 14));
            // At an odd offset in a direct buffer, no Ethernet header.
            ByteBuffer buf = ByteBuffer.allocateDirect(ip.length + 3);
            buf.put(3, corrupt, 14, ip.length);
            assertTrue(Checksums.fillAll(buf, 3, false));
            byte[] back = new byte[ip.length];
            buf.get(3, back);
            assertTrue(verifies(back, 0));
        }
    }

    /** Independent verification: pseudo-header + segment (and IPv4 header) sum to all ones. */
    static boolean verifies(byte[] p, int ip) {
        if ((p[ip] >> 4 & 0xF) == 4) {
            int hl = (p[ip] & 0xF) * 4;
            if (Reference.internet(p, ip, hl) != 0) return false;
            int total = (p[ip + 2] & 0xFF) << 8 | (p[ip + 3] & 0xFF);
            if (p[ip + 9] == 1) return Reference.internet(p, ip + hl, total - hl) == 0; // ICMP: no pseudo-header
            return Reference.verifyV4Transport(p, ip) == 0;
        }
        Ipv6Header h = Ipv6Header.of(p, ip);
        int l4 = (int) h.upperLayerOffset();
        int len = ip + 40 + h.payloadLength() - l4;
        int pseudo = Checksums.pseudoHeaderV6(h.sourceBytes(), h.destinationBytes(), h.upperLayerProtocol(), len);
        return Checksums.complement(Checksums.add(pseudo, Checksums.sum(p, l4, len))) == 0;
    }

    @Test
    void fillRejectsBadLengths() throws Exception {
        byte[] p = Packets.udp(InetAddress.getByName("1.2.3.4"), 1, InetAddress.getByName("5.6.7.8"), 2, new byte[10]);
        byte[] cut = java.util.Arrays.copyOf(p, p.length - 1);
        assertThrows(IllegalArgumentException.class, () -> Checksums.fillUdp(cut, 0));
        byte[] badUdpLen = p.clone();
        badUdpLen[20 + 5] = 99;
        assertThrows(IllegalArgumentException.class, () -> Checksums.fillUdp(badUdpLen, 0));
        byte[] ihl = p.clone();
        ihl[0] = 0x43;
        assertThrows(IllegalArgumentException.class, () -> Checksums.fillIpv4Header(ihl, 0));
        assertThrows(IllegalArgumentException.class, () -> Checksums.fillTcp(p, 0), "protocol is UDP");
        assertThrows(IllegalArgumentException.class, () -> Checksums.fillIpv4Header(p, p.length));
    }

    /**
     * Checksums of a byte[], a native segment and a direct buffer allocate nothing once warm (the
     * byte[] path used to allocate a MemorySegment per call, a direct buffer's a segment view). As
     * BatchTest's allocation tests; no timing is asserted.
     */
    @Test
    void everyKindOfMemoryAllocatesNothingOnceWarm() throws Throwable {
        byte[] a = new byte[1501];
        new java.util.Random(7).nextBytes(a);
        int expected = Reference.internet(a, 1, 1499);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(1501);
            MemorySegment.copy(a, 0, seg, JAVA_BYTE, 0, a.length);
            ByteBuffer direct = ByteBuffer.allocateDirect(1501).put(a).limit(1500).position(1);
            ByteBuffer heap = ByteBuffer.wrap(a);
            // Warm every entry point first, as a program using all of them would (the old byte[] path
            // kept its segment on the heap only then).
            for (int i = 0; i < 20_000; i++) {
                Checksums.internet(seg, 1, 1499);
                Checksums.internet(direct, 1, 1499);
                Checksums.internet(heap, 1, 1499);
                Checksums.internet(a, 1, 1499);
            }
            assertAllocatesNothing("byte[]", () -> Checksums.internet(a, 1, 1499), expected);
            assertAllocatesNothing("native segment", () -> Checksums.internet(seg, 1, 1499), expected);
            assertAllocatesNothing("direct buffer", () -> Checksums.internet(direct), expected);
        }
    }

    /**
     * The fewest bytes this thread allocated in a 1,000-call window, after warming up, over at least
     * 30 windows and on a loaded machine (where C2 compiles late) more, until one allocates nothing
     * or 60 s pass, is 0; and every call gave {@code expected}.
     */
    private static void assertAllocatesNothing(String what, java.util.function.IntSupplier checksum, int expected) throws Throwable {
        long[] calls = new long[2]; // calls, and calls that gave the reference checksum
        Runnable body = () -> {
            calls[0]++;
            if (checksum.getAsInt() == expected) calls[1]++;
        };
        allocated(20_000, body);
        long min = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int w = 0; min > 0 && (w < 30 || System.nanoTime() < deadline); w++) min = Math.min(min, allocated(1_000, body));
        assertEquals(calls[0], calls[1], what + ": every call gave the reference checksum");
        assertEquals(0, min, what + ": bytes allocated by the best warm window of 1,000 checksums");
    }

    /** Bytes this thread allocated while {@code body} ran {@code n} times. */
    static long allocated(int n, Runnable body) throws Throwable {
        long before = (long) ALLOCATED.invokeExact();
        for (int i = 0; i < n; i++) body.run();
        return (long) ALLOCATED.invokeExact() - before;
    }

    /**
     * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes, reached reflectively because
     * the module dev.rawsock (which the tests are compiled into) does not read jdk.management.
     */
    private static final java.lang.invoke.MethodHandle ALLOCATED;
    static {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> sun = Class.forName("com.sun.management.ThreadMXBean");
            ALLOCATED = java.lang.invoke.MethodHandles.publicLookup()
                    .findVirtual(sun, "getCurrentThreadAllocatedBytes", java.lang.invoke.MethodType.methodType(long.class))
                    .bindTo(mx);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
