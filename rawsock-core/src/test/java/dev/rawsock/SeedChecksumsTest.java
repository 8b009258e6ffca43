package dev.rawsock;

import dev.rawsock.packet.testing.Reference;
import dev.rawsock.packet.Checksums;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Rawsock.ipcsum/icmpcsum/tcpcsum/udpcsum: CLISP's values and stores, plus length checks CLISP lacks. */
class SeedChecksumsTest {

    /** CLISP's own test (modules/rawsock/test.tst). */
    static byte[] seedFrame() {
        byte[] b = new byte[1024];
        int[][] set = {{12, 8}, {14, 0x45}, {17, 40}, {22, 0x40}, {23, 6}, {26, 10}, {29, 10}};
        for (int[] s : set) b[s[0]] = (byte) s[1];
        return b;
    }

    @Test
    void seedVector() {
        byte[] b = seedFrame();
        assertEquals(51056, Rawsock.ipcsum(b));
        assertEquals(0x70, b[24] & 0xFF);
        assertEquals(0xC7, b[25] & 0xFF);
        // Idempotent: the stored checksum is zeroed before summing.
        assertEquals(51056, Rawsock.ipcsum(b));
        // The stored bytes are the network-order checksum: the header now sums to 0.
        assertEquals(0, Checksums.internet(b, 14, 20));
    }

    @Test
    void seedVectorAtAnOffset() {
        byte[] f = seedFrame();
        byte[] big = new byte[f.length + 7];
        System.arraycopy(f, 0, big, 3, f.length);
        assertEquals(51056, Rawsock.ipcsum(big, 3, 3 + f.length));
        assertEquals(0x70, big[27] & 0xFF);
        assertEquals(0xC7, big[28] & 0xFF);
        // Only 34 bytes are needed for a 20-byte IP header behind the Ethernet header.
        assertEquals(51056, Rawsock.ipcsum(Arrays.copyOf(f, 34)));
    }

    @Test
    void tcpOnTheSeedFrameMatchesClispAndVerifies() {
        byte[] b = seedFrame();
        byte[] ref = b.clone();
        int v = Rawsock.tcpcsum(b);
        assertEquals(Reference.tcpcsum(ref), v);
        assertArrayEquals(ref, b);
        assertEquals(v, ((b[50] & 0xFF) << 8) | (b[51] & 0xFF), "tcpcsum returns the big-endian value");
        assertEquals(0, Reference.verifyV4Transport(b, 14));
    }

    @Test
    void icmpAndUdpMatchClisp() {
        byte[] b = seedFrame();
        b[23] = 1;
        byte[] ref = b.clone();
        assertEquals(Reference.icmpcsum(ref), Rawsock.icmpcsum(b));
        assertArrayEquals(ref, b);
        assertEquals(0, Checksums.internet(b, 34, 20));

        byte[] u = seedFrame();
        u[23] = 17;
        u[17] = 37; // odd UDP length 17: the mop-up byte
        u[34 + 5] = 17;
        byte[] uref = u.clone();
        assertEquals(Reference.udpcsum(uref), Rawsock.udpcsum(u));
        assertArrayEquals(uref, u);
    }

    @Test
    void framesShorterThanTheirHeadersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ipcsum(new byte[14]));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ipcsum(Arrays.copyOf(seedFrame(), 33)));
        byte[] ihl4 = seedFrame();
        ihl4[14] = 0x44;
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ipcsum(ihl4));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.icmpcsum(ihl4));
        byte[] opts = seedFrame();
        opts[14] = 0x4F; // 60-byte header
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ipcsum(Arrays.copyOf(opts, 73)));
        assertDoesNotThrow(() -> Rawsock.ipcsum(Arrays.copyOf(opts, 74)));
        // Total length 40 needs 54 bytes of frame.
        assertThrows(IllegalArgumentException.class, () -> Rawsock.tcpcsum(Arrays.copyOf(seedFrame(), 53)));
        assertDoesNotThrow(() -> Rawsock.tcpcsum(Arrays.copyOf(seedFrame(), 54)));
        byte[] huge = seedFrame();
        huge[16] = (byte) 0xFF;
        assertThrows(IllegalArgumentException.class, () -> Rawsock.udpcsum(huge));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.icmpcsum(huge));
        // A TCP part shorter than a TCP header is CLISP's business as long as the frame holds the
        // checksum field: total length 20 (no TCP bytes at all) still gives CLISP's value.
        byte[] empty = seedFrame();
        empty[17] = 20;
        byte[] emptyRef = empty.clone();
        assertEquals(Reference.tcpcsum(emptyRef), Rawsock.tcpcsum(empty));
        assertArrayEquals(emptyRef, empty);
        // ...but not when the checksum field (frame bytes 50-51) is past the frame's end.
        assertThrows(IllegalArgumentException.class, () -> Rawsock.tcpcsum(Arrays.copyOf(emptyRef, 14 + 20 + 17)));
        assertDoesNotThrow(() -> Rawsock.tcpcsum(Arrays.copyOf(emptyRef, 14 + 20 + 18)));
        byte[] shortTotal = seedFrame();
        shortTotal[17] = 10; // less than the IP header itself
        assertThrows(IllegalArgumentException.class, () -> Rawsock.tcpcsum(shortTotal));
        assertThrows(IndexOutOfBoundsException.class, () -> Rawsock.ipcsum(seedFrame(), 10, 2000));
        assertThrows(IndexOutOfBoundsException.class, () -> Rawsock.ipcsum(seedFrame(), 20, 10));
    }

    /** A frame CLISP handles in bounds: Ethernet, IPv4 with options, an L4 part of any length. */
    @Provide
    Arbitrary<byte[]> frames() {
        Arbitrary<Integer> ihl = Arbitraries.integers().between(5, 15);
        Arbitrary<Integer> l4 = Arbitraries.integers().between(0, 300);
        Arbitrary<Integer> slack = Arbitraries.integers().between(0, 20);
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofSize(14 + 60 + 300 + 20);
        return Combinators.combine(ihl, l4, slack, noise).as((h, l, s, n) -> {
            byte[] f = Arrays.copyOf(n, 14 + h * 4 + l + s);
            f[14] = (byte) (0x40 | h);
            int total = h * 4 + l;
            f[16] = (byte) (total >> 8);
            f[17] = (byte) total;
            return f;
        });
    }

    /**
     * Wherever CLISP stays inside the frame, the four give CLISP's value and leave CLISP's bytes;
     * where it would not (the checksum field past the frame's end), they throw instead.
     */
    @Property(tries = 400)
    void allFourMatchClispOnRandomFrames(@ForAll("frames") byte[] frame) {
        int hl = (frame[14] & 0xF) * 4;
        check(frame, Rawsock::ipcsum, Reference::ipcsum, true);
        check(frame, Rawsock::icmpcsum, Reference::icmpcsum, 14 + hl + 4 <= frame.length);
        check(frame, Rawsock::tcpcsum, Reference::tcpcsum, 14 + hl + 18 <= frame.length);
        check(frame, Rawsock::udpcsum, Reference::udpcsum, 14 + hl + 8 <= frame.length);
    }

    private static void check(byte[] frame, java.util.function.ToIntFunction<byte[]> ours,
            java.util.function.ToIntFunction<byte[]> clisp, boolean inBounds) {
        byte[] a = frame.clone(), b = frame.clone();
        if (!inBounds) {
            assertThrows(IllegalArgumentException.class, () -> ours.applyAsInt(a));
            return;
        }
        assertEquals(clisp.applyAsInt(b), ours.applyAsInt(a));
        assertArrayEquals(b, a);
    }
}
