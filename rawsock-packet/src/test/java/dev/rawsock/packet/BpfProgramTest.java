package dev.rawsock.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BpfProgramTest {

    // Whole opcodes as tcpdump -dd prints them, built from the one set of parts in BpfProgram.
    static final int LD_W_ABS = BpfProgram.LD | BpfProgram.W | BpfProgram.ABS,
            LD_H_ABS = BpfProgram.LD | BpfProgram.H | BpfProgram.ABS, LD_B_ABS = BpfProgram.LD | BpfProgram.B | BpfProgram.ABS,
            LD_W_IND = BpfProgram.LD | BpfProgram.W | BpfProgram.IND, LD_H_IND = BpfProgram.LD | BpfProgram.H | BpfProgram.IND,
            LD_B_IND = BpfProgram.LD | BpfProgram.B | BpfProgram.IND, LD_LEN = BpfProgram.LD | BpfProgram.W | BpfProgram.LEN,
            LDX_LEN = BpfProgram.LDX | BpfProgram.W | BpfProgram.LEN, LD_IMM = BpfProgram.LD | BpfProgram.IMM,
            LDX_IMM = BpfProgram.LDX | BpfProgram.IMM, LD_MEM = BpfProgram.LD | BpfProgram.MEM,
            LDX_MEM = BpfProgram.LDX | BpfProgram.MEM, LDX_MSH = BpfProgram.LDX | BpfProgram.B | BpfProgram.MSH,
            ST = BpfProgram.ST, STX = BpfProgram.STX, TAX = BpfProgram.MISC | BpfProgram.TAX,
            TXA = BpfProgram.MISC | BpfProgram.TXA, RET_K = BpfProgram.RET | BpfProgram.K,
            RET_A = BpfProgram.RET | BpfProgram.A, JA = BpfProgram.JMP | BpfProgram.JA,
            JEQ_K = BpfProgram.JMP | BpfProgram.JEQ | BpfProgram.K, JGT_K = BpfProgram.JMP | BpfProgram.JGT | BpfProgram.K,
            JGE_K = BpfProgram.JMP | BpfProgram.JGE | BpfProgram.K, JSET_K = BpfProgram.JMP | BpfProgram.JSET | BpfProgram.K,
            JEQ_X = BpfProgram.JMP | BpfProgram.JEQ | BpfProgram.X, JGT_X = BpfProgram.JMP | BpfProgram.JGT | BpfProgram.X,
            JGE_X = BpfProgram.JMP | BpfProgram.JGE | BpfProgram.X, JSET_X = BpfProgram.JMP | BpfProgram.JSET | BpfProgram.X,
            NEG = BpfProgram.ALU | BpfProgram.NEG;

    static BpfInstruction s(int code, int k) {
        return BpfInstruction.stmt(code, k);
    }

    static BpfInstruction j(int code, int k, int jt, int jf) {
        return BpfInstruction.jump(code, k, jt, jf);
    }

    /** Runs a program that ends with {@code ret a} on a frame and gives A. */
    static int eval(byte[] frame, BpfInstruction... body) {
        List<BpfInstruction> p = new ArrayList<>(List.of(body));
        p.add(s(RET_A, 0));
        return BpfProgram.of(p).run(frame, frame.length);
    }

    static final byte[] FRAME = {0x11, 0x22, 0x33, 0x44, 0x55, (byte) 0x96, 0x07, (byte) 0x88, (byte) 0xff, 0x0a};

    // ---------------------------------------------------------------- interpreter

    @Test
    void loadsAreBigEndianAndUnsigned() {
        assertEquals(0x11223344, eval(FRAME, s(LD_W_ABS, 0)));
        assertEquals(0x5596, eval(FRAME, s(LD_H_ABS, 4)));
        assertEquals(0xff, eval(FRAME, s(LD_B_ABS, 8)));
        assertEquals(0x078, eval(FRAME, s(LDX_IMM, 6), s(LD_H_IND, 0), s(0x74, 4))); // rsh #4: 0x0788 >> 4
        assertEquals(0x788ff, eval(FRAME, s(LDX_IMM, 3), s(LD_W_IND, 2), s(0x54, 0xfffff))); // and
        assertEquals(0x0a, eval(FRAME, s(LDX_IMM, 9), s(LD_B_IND, 0)));
        // ldxb 4*([k]&0xf): 0x96 -> 6 -> 24
        assertEquals(24, eval(FRAME, s(LDX_MSH, 5), s(TXA, 0)));
    }

    @Test
    void outOfBoundsLoadsReject() {
        BpfInstruction ret1 = s(RET_K, 1);
        assertEquals(0, BpfProgram.of(s(LD_W_ABS, 7), ret1).run(FRAME, 10));
        assertEquals(1, BpfProgram.of(s(LD_W_ABS, 6), ret1).run(FRAME, 10));
        assertEquals(0, BpfProgram.of(s(LD_H_ABS, 9), ret1).run(FRAME, 10));
        assertEquals(0, BpfProgram.of(s(LD_B_ABS, 10), ret1).run(FRAME, 10));
        // an ancillary load with no metadata given
        assertEquals(0, BpfProgram.of(s(LD_B_ABS, BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_PROTOCOL), ret1).run(FRAME, 10));
        assertEquals(0, BpfProgram.of(s(LD_B_ABS, -0x100000), ret1).run(FRAME, 10)); // SKF_NET_OFF: not interpreted here
        assertEquals(0, BpfProgram.of(s(LD_B_ABS, 0x7fffffff), ret1).run(FRAME, 10));
        assertEquals(0, BpfProgram.of(s(LDX_IMM, -5), s(LD_B_IND, 2), ret1).run(FRAME, 10)); // X + k < 0
        assertEquals(0, BpfProgram.of(s(LDX_IMM, 0x7fffffff), s(LD_B_IND, 0x7fffffff), ret1).run(FRAME, 10)); // wraps
        assertEquals(0, BpfProgram.of(s(LDX_MSH, 10), ret1).run(FRAME, 10));
        assertEquals(0, BpfProgram.of(s(LD_B_ABS, 0), ret1).run(new byte[0], 0));
    }

    @Test
    void lengthIsTheWireLength() {
        assertEquals(10, eval(FRAME, s(LD_LEN, 0)));
        assertEquals(10, eval(FRAME, s(LDX_LEN, 0), s(TXA, 0)));
        assertEquals(1514, BpfProgram.of(s(LD_LEN, 0), s(RET_A, 0)).run(FRAME, 1514));
        BpfProgram big = BpfProgram.compile("greater 1000");
        assertFalse(big.matches(FRAME));
        assertTrue(big.matches(FRAME, 1500));
        assertThrows(IllegalArgumentException.class, () -> big.matches(FRAME, 9));
    }

    @ParameterizedTest(name = "{0}: {1} op {2} = {4}")
    @CsvSource({
        "0x04, 7, 5, add, 12", "0x14, 7, 5, sub, 2", "0x14, 5, 7, sub, -2", "0x24, 7, 5, mul, 35",
        "0x34, 7, 2, div, 3", "0x34, -1, 2, div, 2147483647", "0x94, 7, 5, mod, 2", "0x94, -1, 10, mod, 5",
        "0x54, 6, 3, and, 2", "0x44, 6, 3, or, 7", "0xa4, 6, 3, xor, 5", "0x64, 1, 31, lsh, -2147483648",
        "0x74, -1, 28, rsh, 15"})
    void aluWithConstantAndWithX(int op, int a, int k, String name, int want) {
        assertEquals(want, eval(FRAME, s(LD_IMM, a), s(op, k)), name + " #k");
        assertEquals(want, eval(FRAME, s(LDX_IMM, k), s(LD_IMM, a), s(op | 0x08, 0)), name + " x");
    }

    @Test
    void divisionByZeroXRejects() {
        assertEquals(0, eval(FRAME, s(LD_IMM, 5), s(LDX_IMM, 0), s(0x3c, 0), s(LD_IMM, 9)));
        assertEquals(0, eval(FRAME, s(LD_IMM, 5), s(LDX_IMM, 0), s(0x9c, 0), s(LD_IMM, 9)));
    }

    @Test
    void shiftsByXUseTheLowFiveBits() {
        assertEquals(2, eval(FRAME, s(LD_IMM, 1), s(LDX_IMM, 33), s(0x6c, 0)));
        assertEquals(0x40000000, eval(FRAME, s(LD_IMM, 0x80000000), s(LDX_IMM, 33), s(0x7c, 0)));
    }

    @Test
    void negTaxTxaAndScratchMemory() {
        assertEquals(-7, eval(FRAME, s(LD_IMM, 7), s(NEG, 0)));
        assertEquals(42, eval(FRAME, s(LD_IMM, 42), s(TAX, 0), s(LD_IMM, 0), s(TXA, 0)));
        assertEquals(9, eval(FRAME, s(LD_IMM, 9), s(ST, 15), s(LD_IMM, 1), s(LD_MEM, 15)));
        assertEquals(8, eval(FRAME, s(LDX_IMM, 8), s(STX, 3), s(LDX_IMM, 1), s(LDX_MEM, 3), s(TXA, 0)));
        assertEquals(4, eval(FRAME, s(LD_IMM, 4), s(ST, 0), s(LDX_MEM, 0), s(TXA, 0)));
    }

    @Test
    void jumpsCompareUnsigned() {
        // ret 1 when the jump is taken, 2 when not.
        int[][] cases = {
            {JEQ_K, 5, 5, 1}, {JEQ_K, 5, 6, 2}, {JGT_K, -1, 1, 1}, {JGT_K, 1, -1, 2}, {JGT_K, 3, 3, 2},
            {JGE_K, 3, 3, 1}, {JGE_K, 0x80000000, 0x7fffffff, 1}, {JSET_K, 6, 2, 1}, {JSET_K, 6, 1, 2}};
        for (int[] c : cases) {
            BpfProgram k = BpfProgram.of(s(LD_IMM, c[1]), j(c[0], c[2], 0, 1), s(RET_K, 1), s(RET_K, 2));
            assertEquals(c[3], k.run(FRAME, 10), () -> "k form " + java.util.Arrays.toString(c));
            BpfProgram x = BpfProgram.of(s(LDX_IMM, c[2]), s(LD_IMM, c[1]), j(c[0] | 0x08, 0, 0, 1), s(RET_K, 1),
                    s(RET_K, 2));
            assertEquals(c[3], x.run(FRAME, 10), () -> "x form " + java.util.Arrays.toString(c));
        }
        BpfProgram ja = BpfProgram.of(s(JA, 1), s(RET_K, 1), s(RET_K, 2));
        assertEquals(2, ja.run(FRAME, 10));
        BpfProgram jump = BpfProgram.of(s(LD_IMM, 1), j(JEQ_K, 1, 2, 0), s(RET_K, 1), s(RET_K, 2), s(RET_K, 3));
        assertEquals(3, jump.run(FRAME, 10));
    }

    @Test
    void matchesFrameSeesItsWireLength() {
        BpfProgram p = BpfProgram.compile("greater 1000");
        Frame cut = new Frame() {
            public long timestampNanos() {
                return 0;
            }

            public int wireLength() {
                return 1514;
            }

            public ByteBuffer data() {
                return ByteBuffer.wrap(FRAME).asReadOnlyBuffer();
            }
        };
        assertTrue(p.matches(cut));
        assertFalse(BpfProgram.compile("ether[10] = 0").matches(cut), "byte 10 is past the 10 captured");
        assertTrue(BpfProgram.compile("ether[9] = 0x0a").matches(cut));
    }

    @Test
    void matchesByteBufferFromItsPosition() {
        BpfProgram p = BpfProgram.of(s(LD_B_ABS, 0), j(JEQ_K, 0x33, 0, 1), s(RET_K, 1), s(RET_K, 0));
        ByteBuffer heap = ByteBuffer.wrap(FRAME).position(2);
        assertTrue(p.matches(heap));
        assertEquals(2, heap.position());
        ByteBuffer direct = ByteBuffer.allocateDirect(FRAME.length).put(FRAME).position(2);
        assertTrue(p.matches(direct));
        assertFalse(p.matches(ByteBuffer.wrap(FRAME)));
        assertFalse(p.matches(ByteBuffer.wrap(FRAME, 2, 0).slice()));
        assertThrows(IndexOutOfBoundsException.class, () -> p.run(FRAME, 5, 6, 6));
    }

    // ---------------------------------------------------------------- verifier

    static void rejected(String why, BpfInstruction... prog) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.of(prog), why);
        assertTrue(e.getMessage().contains(why), () -> "message \"" + e.getMessage() + "\" should say " + why);
    }

    @Test
    void verifierRejectsWhatTheKernelRejects() {
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.of(List.of()));
        rejected("unknown opcode 0xe", s(0x0e, 0)); // ret x does not exist
        rejected("unknown opcode 0x8", s(0x08, 0), s(RET_K, 0)); // ld with size H and mode IMM
        rejected("unknown opcode 0x8c", s(0x8c, 0), s(RET_K, 0)); // neg x
        rejected("unknown opcode 0xffff", s(0xffff, 0), s(RET_K, 0));
        rejected("jump past the end", j(JEQ_K, 0, 1, 0), s(RET_K, 0));
        rejected("jump past the end", j(JEQ_K, 0, 0, 1), s(RET_K, 0));
        rejected("jump past the end", s(JA, 1), s(RET_K, 0));
        rejected("jump past the end", s(JA, -1), s(RET_K, 0)); // backwards is a huge unsigned offset
        rejected("last instruction must be a return", s(LD_IMM, 0));
        rejected("last instruction must be a return", s(RET_K, 0), s(LD_IMM, 0));
        rejected("scratch memory index 16", s(LD_IMM, 0), s(ST, 16), s(RET_K, 0));
        rejected("scratch memory index 16", s(STX, 16), s(RET_K, 0));
        rejected("scratch memory index 4294967295", s(ST, 0), s(LD_MEM, -1), s(RET_K, 0));
        rejected("scratch memory index 16", s(LDX_MEM, 16), s(RET_K, 0));
        rejected("division by constant zero", s(0x34, 0), s(RET_K, 0));
        rejected("division by constant zero", s(0x94, 0), s(RET_K, 0));
        rejected("shift by 32", s(0x64, 32), s(RET_K, 0));
        rejected("shift by 4294967295", s(0x74, -1), s(RET_K, 0));
        rejected("M[2] before any store", s(LD_MEM, 2), s(RET_K, 0));
        // Stored on one path only.
        rejected("M[1] before any store", s(LD_IMM, 0), j(JEQ_K, 0, 0, 1), s(ST, 1), s(LDX_MEM, 1), s(RET_K, 0));
        List<BpfInstruction> tooLong = new ArrayList<>(Collections.nCopies(4096, s(LD_IMM, 0)));
        tooLong.add(s(RET_K, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.of(tooLong));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
    }

    @Test
    void verifierAcceptsTheLimits() {
        List<BpfInstruction> max = new ArrayList<>(Collections.nCopies(4095, s(LD_IMM, 0)));
        max.add(s(RET_K, 0));
        assertEquals(4096, BpfProgram.of(max).size());
        BpfProgram.of(j(JEQ_K, 0, 1, 1), s(RET_K, 0), s(RET_A, 0));
        BpfProgram.of(s(JA, 0), s(RET_K, 0));
        BpfProgram.of(s(ST, 15), s(LD_IMM, 0), j(JEQ_K, 0, 0, 1), s(ST, 1), s(LD_MEM, 15), s(RET_A, 0));
        BpfProgram.of(s(0x64, 31), s(0x34, 1), s(RET_K, 0));
        BpfProgram.of(s(RET_K, 0), s(LD_MEM, 3), s(RET_K, 0)); // unreachable reads are the kernel's no concern
    }

    @Test
    void instructionFieldsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new BpfInstruction(0x10000, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BpfInstruction(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BpfInstruction(0, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BpfInstruction(0, 0, -1, 0));
        assertEquals("{ 0x28, 0, 0, 0x0000000c },", s(LD_H_ABS, 12).toString());
        assertEquals("{ 0x6, 0, 0, 0xffffffff },", s(RET_K, -1).toString());
        assertEquals(0xffffffffL, s(RET_K, -1).unsignedK());
    }

    // ---------------------------------------------------------------- encoding, parse, listing

    @Test
    void encodesStructSockFilterInNativeOrder() {
        BpfProgram p = BpfProgram.compile("udp");
        byte[] bytes = p.toBytes();
        assertEquals(8 * p.size(), bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        for (BpfInstruction in : p.instructions()) {
            assertEquals(in.code(), b.getShort() & 0xffff);
            assertEquals(in.jt(), b.get() & 0xff);
            assertEquals(in.jf(), b.get() & 0xff);
            assertEquals(in.k(), b.getInt());
        }
        ByteBuffer big = ByteBuffer.allocate(bytes.length + 3).order(ByteOrder.BIG_ENDIAN).position(3);
        p.encode(big);
        assertEquals(ByteOrder.BIG_ENDIAN, big.order());
        assertEquals(bytes.length + 3, big.position());
        assertArrayEquals(bytes, java.util.Arrays.copyOfRange(big.array(), 3, bytes.length + 3));
        assertThrows(java.nio.BufferOverflowException.class, () -> p.encode(ByteBuffer.allocate(bytes.length - 1)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(bytes.length, 4);
            p.encode(seg);
            assertArrayEquals(bytes, seg.toArray(ValueLayout.JAVA_BYTE));
            assertThrows(IndexOutOfBoundsException.class, () -> p.encode(seg.asSlice(1)));
        }
        // The first instruction of every tcpdump Ethernet program: ldh [12].
        byte[] first = java.util.Arrays.copyOf(bytes, 8);
        byte[] want = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                ? new byte[] {0x28, 0, 0, 0, 12, 0, 0, 0} : new byte[] {0, 0x28, 0, 0, 0, 0, 0, 12};
        assertArrayEquals(want, first);
    }

    @Test
    void acceptAllIsWhatTheEmptyFilterCompilesTo() {
        BpfProgram all = BpfProgram.acceptAll();
        assertEquals(List.of(s(RET_K, 262144)), all.instructions());
        assertEquals(all, BpfProgram.compile(""));
        assertEquals(all, BpfProgram.compile("  \t\n"));
        assertTrue(all.matches(new byte[0]));
        assertSame(all, BpfProgram.acceptAll());
        assertEquals("(000) ret      #262144\n", all.toString());
    }

    @Test
    void parseReadsTcpdumpOutputAndRoundTrips() {
        String dd = """
                reading from file x.pcap, link-type EN10MB (Ethernet), snapshot length 262144
                { 0x28, 0, 0, 0x0000000c },
                { 0x15, 0, 1, 0x00000806 },
                { 0x6, 0, 0, 0x00040000 },
                { 0x6, 0, 0, 0x00000000 },
                """;
        BpfProgram p = BpfProgram.parse(dd);
        assertEquals(BpfProgram.compile("arp"), p);
        assertEquals(List.of(s(LD_H_ABS, 12), j(JEQ_K, 0x806, 0, 1), s(RET_K, 262144), s(RET_K, 0)), p.instructions());
        assertEquals(p, BpfProgram.parse(p.toDdString()));
        assertEquals(p, BpfProgram.parse("{ 40, 0, 0, 12 }, { 0x15, 0, 1, 2054 }\n{ 6,0,0,262144 }\n{ 6, 0, 0, 0 }"
                .replace("}, {", "},\n{")));
        for (String f : BpfDifferentialTest.corpusHere()) {
            BpfProgram c = BpfProgram.compile(f);
            assertEquals(c, BpfProgram.parse(c.toDdString()), f);
            assertEquals(c.size(), c.toString().lines().count(), f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfProgram.parse("{ 0x28, 0, 0, 12 },\n{ 0x15, 0, one, 2 },\n"));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.parse("{ 0x10000, 0, 0, 0 },"));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.parse("{ 0x6, 256, 0, 0 },"));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.parse("{ 0x6, 0, 0, 0x100000000 },"));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.parse("{ 0x6, 0, 0, 99999999999999999999999 },"));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.parse(""), "no instructions");
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.parse("{ 0x15, 0, 5, 0 },\n{ 0x6, 0, 0, 0 },"),
                "the verifier runs");
    }

    @Test
    void listingLooksLikeTcpdumpD() {
        String want = """
                (000) ldh      [12]
                (001) jeq      #0x806           jt 2\tjf 3
                (002) ret      #262144
                (003) ret      #0
                """;
        assertEquals(want, BpfProgram.compile("arp").toString());
        BpfProgram misc = BpfProgram.of(s(LDX_MSH, 14), s(LD_B_IND, 3), s(TAX, 0), s(TXA, 0), s(ST, 1), s(STX, 2),
                s(LD_MEM, 1), s(LDX_MEM, 2), s(LD_IMM, 255), s(LDX_IMM, 1), s(0x0c, 0), s(0x54, 0xf), s(NEG, 0),
                s(JA, 0), j(JSET_X, 0, 0, 0), s(LD_LEN, 0), s(RET_A, 0));
        List<String> lines = misc.toString().lines().map(String::stripTrailing).toList();
        assertEquals(List.of("(000) ldxb     4*([14]&0xf)", "(001) ldb      [x + 3]", "(002) tax", "(003) txa",
                "(004) st       M[1]", "(005) stx      M[2]", "(006) ld       M[1]", "(007) ldx      M[2]",
                "(008) ld       #0xff", "(009) ldx      #0x1", "(010) add      x", "(011) and      #0xf", "(012) neg",
                "(013) ja       14", "(014) jset     x                jt 15\tjf 15", "(015) ld       #pktlen",
                "(016) ret"), lines);
    }

    // ---------------------------------------------------------------- compiler behaviour

    @Test
    void longProgramsJumpThroughJa() {
        StringBuilder f = new StringBuilder("host 10.0.0.1");
        for (int i = 2; i < 120; i++) {
            f.append(" or 10.0.").append(i / 256).append('.').append(i % 256);
        }
        f.append(" or port 80");
        BpfProgram p = BpfProgram.compile(f.toString());
        assertTrue(p.size() > 256, "size " + p.size());
        assertTrue(p.instructions().stream().anyMatch(in -> in.code() == JA), "uses ja for far targets");
        byte[] frame = new byte[200];
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[23] = 17;
        frame[26] = 10;
        frame[29] = 1;
        assertTrue(p.matches(frame), "first host");
        frame[29] = 119;
        assertTrue(p.matches(frame), "last host");
        frame[29] = 120;
        assertFalse(p.matches(frame));
        frame[14 + 20 + 3] = 80;
        assertTrue(p.matches(frame), "the port after all the hosts");
        StringBuilder huge = new StringBuilder("port 1");
        for (int i = 2; i < 300; i++) {
            huge.append(" or ").append(i);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile(huge.toString()));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "tcp port|8|expected a port number, found end of filter",
        "tcp port nosuchservice|9|unknown port 'nosuchservice': expected a port number",
        "host 10.0.0.1 and|17|expected",
        "(tcp or udp|11|expected \")\", found end of filter",
        "tcp or udp)|10|expected \"and\", \"or\" or the end of the filter, found \")\"",
        "port 70000|5|up to 65535",
        "vlan 4096|5|greater than maximum 4095",
        "ether proto \\nosuch|12|unknown ether proto 'nosuch'",
        "net 10.1.2.3/8|4|non-network bits",
        "ether host nosuchhost|11|unknown ether host 'nosuchhost'",
        "tcp[1:3] = 1|6|data size must be 1, 2, or 4",
        "len / 0 = 1|4|division by zero",
        "len << 32 = 1|4|shift by more than 31 bits",
        "tcp and 80|10|expected a comparison operator",
        "ip host ::1|8|IPv6 address",
        "ether host 10.0.0.1|11|modifier applied to host",
        "host 1:2:3:4:5:6|5|ethernet address used in non-ether expression",
        "len >|5|expected a number",
        "len|3|expected a comparison operator",
        "tcp $ udp|4|unexpected character '$'",
        "not|3|expected a primitive",
        "ip port 80|8|illegal qualifier of 'port'",
        "host 10.0.0.0/8|14|mask syntax for networks only",
        "portrange 10-x|13|expected a port number",
        "10.0.0.1|0|expected a primitive",
        "ip broadcast|3|netmask",
        "src|3|expected",
        "port 08|5|expected a port number",
        "net 10.0.0.0 mask 255|18|expected a dotted netmask",
        "ether|5|\"host\", \"src\", \"dst\""})
    void badFiltersSayWhereAndWhat(String filter, int pos, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile(filter));
        String m = e.getMessage();
        assertTrue(m.contains("at position " + pos + ":"), () -> "position " + pos + " in: " + m);
        assertTrue(m.contains(expected), () -> "\"" + expected + "\" in: " + m);
        assertTrue(m.contains("\"" + filter + "\""), () -> "the filter in: " + m);
    }

    @Test
    void absurdFiltersAreRefusedNotCrashed() {
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("(".repeat(20_000) + "tcp" + ")".repeat(20_000)));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("not ".repeat(20_000) + "tcp"));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("tcp" + " or udp".repeat(10_000)));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("-".repeat(20_000) + "len = 1"));
        assertEquals(BpfProgram.compile("tcp"), BpfProgram.compile("(".repeat(50) + "tcp" + ")".repeat(50)));
    }

    /** A loop back (protochain) is the compiler's only, for user space; the interpreter cuts a loop off and rejects. */
    @Test
    void backwardJumpsAreBounded() {
        List<BpfInstruction> loop = List.of(s(LD_IMM, 0), s(JA, -1), s(RET_K, 1));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.of(loop));
        BpfProgram forever = new BpfProgram(loop, true);
        assertTrue(forever.jumpsBackward());
        assertEquals(0, forever.run(FRAME, FRAME.length));
        assertFalse(BpfProgram.compile("tcp").jumpsBackward());
    }

    @Test
    void nullFilterIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile(null));
    }

    @Test
    void qualifiersCarryOverToBareValues() {
        assertEquals(BpfProgram.compile("port 80 or port 443"), BpfProgram.compile("port 80 or 443"));
        assertEquals(BpfProgram.compile("tcp dst port 80 and not tcp dst port 22"),
                BpfProgram.compile("tcp dst port 80 and not 22"));
        assertEquals(BpfProgram.compile("host 10.0.0.1 and (host 10.0.0.2 or host 10.0.0.3)"),
                BpfProgram.compile("host 10.0.0.1 and (10.0.0.2 or 10.0.0.3)"));
        assertEquals(BpfProgram.compile("ip proto 6 or ip proto 17"), BpfProgram.compile("ip proto 6 or 17"));
        assertEquals(BpfProgram.compile("ether src 00:11:22:33:44:55 or ether src 00:11:22:33:44:66"),
                BpfProgram.compile("ether src 00:11:22:33:44:55 or 00:11:22:33:44:66"));
    }

    /**
     * How libpcap's grammar tells a bare value from a comparison: a number followed by an arithmetic
     * or relational operator starts a comparison; a parenthesized expression passes on the
     * qualifiers in force before it, so none at the start of the filter.
     */
    @Test
    void bareValuesAreToldFromComparisonsAsLibpcapDoes() {
        String[][] same = {
            {"port 80 or (264 <= 45171)", "port 80 || 264 <= 45171"},
            {"port 80 or (264 + 1 > 4)", "port 80 or 264 + 1 > 4"},
            {"port 80 or not (264 & 3 != 0)", "port 80 or not 264 & 3 != 0"},
            {"(port 80 or port 264) and (5 = 5)", "port 80 or 264 and 5 = 5"},
            {"port 80 or (264 <= 5)", "port 80 or (264) <= 5"},
            {"(port 3 or port 4) and port 80", "port 3 or (port 4) && 80"},
            {"(port 3 or tcp) and port 80", "port 3 or (tcp) && (80)"}};
        for (String[] pair : same) {
            assertEquals(BpfProgram.compile(pair[0]), BpfProgram.compile(pair[1]), pair[1]);
        }
        for (String refused : List.of("host 10.0.0.1 or 10.0.0.2 = 3", "(port 1) or 2", "(tcp) and (80)", "port 3 or tcp and 80")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile(refused));
            assertTrue(e.getMessage().contains("at position "), e.getMessage());
        }
    }

    @Test
    void andAndOrShareOnePrecedenceLeftToRight() {
        assertEquals(BpfProgram.compile("(tcp or udp) and port 53"), BpfProgram.compile("tcp or udp and port 53"));
        assertEquals(BpfProgram.compile("(not tcp) and udp"), BpfProgram.compile("not tcp and udp"));
        assertEquals(BpfProgram.compile("tcp and udp"), BpfProgram.compile("tcp && udp"));
        assertEquals(BpfProgram.compile("not ip"), BpfProgram.compile("! ip"));
    }
}
