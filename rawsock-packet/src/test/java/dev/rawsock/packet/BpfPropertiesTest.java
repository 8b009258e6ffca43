package dev.rawsock.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Robustness: the verifier is the only thing that may refuse a program, and a verified program never throws. */
class BpfPropertiesTest {

    /** Every opcode the kernel accepts, plus room for invalid ones. */
    static final int[] VALID = {0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x94, 0x9c, 0x54, 0x5c, 0x44, 0x4c,
        0xa4, 0xac, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x20, 0x28, 0x30, 0x80, 0x40, 0x48, 0x50, 0x00, 0x60, 0x81, 0xb1,
        0x01, 0x61, 0x02, 0x03, 0x07, 0x87, 0x06, 0x16, 0x05, 0x15, 0x25, 0x35, 0x45, 0x1d, 0x2d, 0x3d, 0x4d};

    @Provide
    Arbitrary<BpfInstruction> instruction() {
        Arbitrary<Integer> code = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, Arbitraries.of(java.util.Arrays.stream(VALID).boxed().toList())),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0xffff)));
        Arbitrary<Integer> jump = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 4)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<Integer> k = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 40)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(-8, 16)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers()));
        return Combinators.combine(code, jump, jump, k).as(BpfInstruction::new);
    }

    @Provide
    Arbitrary<List<BpfInstruction>> program() {
        // Mostly programs that end in a return, so that many get past the verifier and run.
        return instruction().list().ofMinSize(0).ofMaxSize(40).flatMap(body -> Arbitraries.of(true, true, true, false)
                .map(ret -> {
                    List<BpfInstruction> p = new ArrayList<>(body);
                    if (ret) {
                        p.add(BpfInstruction.stmt(0x16, 0));
                    }
                    return p;
                }));
    }

    @Property(tries = 1000)
    void randomProgramsAreRefusedOnlyByTheVerifierAndNeverThrowWhenRun(
            @ForAll("program") List<BpfInstruction> prog, @ForAll @Size(max = 80) byte[] frame) {
        BpfProgram p;
        try {
            p = BpfProgram.of(prog);
        } catch (IllegalArgumentException refused) {
            net.jqwik.api.statistics.Statistics.collect("refused by the verifier");
            assertTrue(refused.getMessage().contains("BPF program"), refused.getMessage());
            return;
        }
        net.jqwik.api.statistics.Statistics.collect("verified and run");
        int verdict = p.run(frame, frame.length);
        assertEquals(verdict != 0, p.matches(frame));
        assertEquals(p, BpfProgram.parse(p.toDdString()));
    }

    @Provide
    Arbitrary<BpfProgram> compiled() {
        return Arbitraries.of(BpfDifferentialTest.corpusHere()).map(BpfProgram::compile);
    }

    @Property(tries = 1000)
    void randomFramesNeverCrashMatches(@ForAll("compiled") BpfProgram p, @ForAll @Size(max = 200) byte[] frame) {
        int v = p.run(frame, frame.length);
        assertTrue(v == 0 || v == BpfProgram.ACCEPT_SNAPLEN, "verdict " + v);
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        Arbitrary<String> token = Arbitraries.of("host", "net", "port", "portrange", "src", "dst", "and", "or", "not",
                "(", ")", "[", "]", ":", "tcp", "udp", "ip", "ip6", "ether", "arp", "vlan", "proto", "len", "less",
                "greater", "10.0.0.1", "10.1", "::1", "fe80::/10", "/", "8", "mask", "255.0.0.0", "80", "1-100",
                "00:11:22:33:44:55", "=", "!=", ">", "<=", "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "!",
                "&&", "||", "0x800", "tcpflags", "tcp-syn", "icmp", "icmp6", "broadcast", "multicast", "0", "4096",
                "65536", "foo", "$", "1:2");
        return token.list().ofMaxSize(12).map(l -> String.join(" ", l));
    }

    @Property(tries = 1000)
    void anyTextCompilesOrIsRefusedWithAPosition(@ForAll("tokenSoup") String filter) {
        BpfProgram p;
        try {
            p = BpfProgram.compile(filter);
        } catch (IllegalArgumentException e) {
            net.jqwik.api.statistics.Statistics.collect("refused");
            assertTrue(e.getMessage().contains("bad pcap filter"), e.getMessage());
            return;
        }
        net.jqwik.api.statistics.Statistics.collect("compiled");
        assertTrue(p.size() >= 1);
        p.matches(new byte[64]);
    }
}
