package dev.rawsock.packet;

import dev.rawsock.packet.testing.BpfReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rawsock.packet.testing.ExternalTools;
import dev.rawsock.packet.testing.FilterGrammar;
import dev.rawsock.packet.testing.TestFrames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The optimizer: it keeps every verdict (each program before and after gives the same result, in an
 * independent interpreter and in ours, on every generated frame and on the frame cut one byte short of
 * each load either program makes); folding as libpcap does ({@code shortPacketVerdicts} false), it
 * keeps the verdict on every frame long enough for the loads of the program before; its programs are
 * as short as libpcap's optimized ones ({@code tcpdump -dd -y EN10MB}; the distribution of both modes
 * is printed). The kernel's side is {@code dev.rawsock.BpfOptimizerKernelTest}.
 */
class BpfOptimizerTest {

    static final int FRAMES = 1500;
    /** Expressions drawn from the grammar: with the differential corpus, over 1,000 that tcpdump compiles too. */
    static final int GENERATED = 1300;

    private static List<byte[]> frames;
    private static List<String> corpus;

    @BeforeAll
    static void setUp() {
        TestFrames gen = new TestFrames(20261207L);
        frames = new ArrayList<>(FRAMES);
        for (int i = 0; i < FRAMES; i++) {
            frames.add(gen.next());
        }
        corpus = corpus();
    }

    /** The differential corpus and {@value #GENERATED} expressions drawn from the grammar, all that compile here. */
    static List<String> corpus() {
        List<String> out = new ArrayList<>(BpfDifferentialTest.corpusHere());
        for (String e : FilterGrammar.generate(20261207L, GENERATED)) {
            try {
                raw(e, false);
                out.add(e);
            } catch (IllegalArgumentException refused) {
                // The grammar draws a few out-of-range shifts and the like, refused as libpcap does.
            }
        }
        return out;
    }

    @Test
    void corpusIsLarge() {
        assertTrue(corpus.size() >= 1200, "corpus of " + corpus.size());
    }

    @TestFactory
    Stream<DynamicTest> keepsEveryVerdict() {
        return corpus.stream().map(expr -> DynamicTest.dynamicTest("\"" + expr + "\"", () -> {
            List<BpfInstruction> raw = raw(expr, false);
            List<BpfInstruction> opt = BpfOptimizer.optimize(raw);
            assertTrue(opt.size() <= raw.size(), "longer: " + opt.size() + " > " + raw.size());
            sameVerdicts(expr, raw, opt, null);
            List<BpfInstruction> folded = BpfOptimizer.optimize(raw, false);
            assertTrue(folded.size() <= raw.size(), "longer: " + folded.size() + " > " + raw.size());
            sameVerdictsWhereLongEnough(expr, raw, folded, null);
            if (expr.contains("vlan")) {
                List<BpfInstruction> live = raw(expr, true);
                List<BpfInstruction> liveOpt = BpfOptimizer.optimize(live);
                List<BpfInstruction> liveFolded = BpfOptimizer.optimize(live, false);
                for (BpfReference.Meta meta : List.of(BpfReference.Meta.NONE, new BpfReference.Meta(100, 0x8100),
                        new BpfReference.Meta(0x2000 | 200, 0x88a8))) {
                    sameVerdicts(expr, live, liveOpt, meta);
                    sameVerdictsWhereLongEnough(expr, live, liveFolded, meta);
                }
            }
        }));
    }

    /** Hand-written programs: folding, threading and dead code each have something to do. */
    @TestFactory
    Stream<DynamicTest> handWrittenProgramsKeepTheirVerdicts() {
        return Stream.of(
                // ld #5; add #3; jeq #8 -> always; then a dead load and store before the return.
                "{0x00,0,0,5},{0x04,0,0,3},{0x15,0,3,8},{0x28,0,0,12},{0x02,0,0,3},{0x06,0,0,262144},{0x06,0,0,0}",
                // the same test twice: the second is decided by the first
                "{0x28,0,0,12},{0x15,0,3,0x800},{0x28,0,0,12},{0x15,0,1,0x800},{0x06,0,0,1},{0x06,0,0,0}",
                // a division by X that may be zero must stay, even when its result is dead
                "{0x30,0,0,14},{0x07,0,0,0},{0x00,0,0,7},{0x3c,0,0,0},{0x06,0,0,1}",
                // a load past every frame's end that nothing reads: it still rejects
                "{0x30,0,0,5000},{0x06,0,0,1}",
                // st/ldx through scratch memory, and ret A
                "{0x30,0,0,14},{0x02,0,0,0},{0x61,0,0,0},{0x87,0,0,0},{0x04,0,0,1},{0x16,0,0,0}",
                // and #m; jeq #0 -> jset; ld [x+k] with a constant X
                "{0x01,0,0,10},{0x50,0,0,4},{0x54,0,0,0x0f},{0x15,1,0,0},{0x06,0,0,0},{0x06,0,0,9}")
                .map(src -> DynamicTest.dynamicTest(src, () -> {
                    List<BpfInstruction> raw = BpfProgram.parse(src.replace("},", "}\n")).instructions();
                    List<BpfInstruction> opt = BpfOptimizer.optimize(raw);
                    new BpfProgram(opt);
                    assertTrue(opt.size() <= raw.size());
                    sameVerdicts(src, raw, opt, null);
                }));
    }

    @Test
    void foldsConstantsAndThreadsJumps() {
        // A constant comparison folds to a return, as libpcap's does.
        assertEquals(1, BpfProgram.compile("1 = 1").size());
        assertEquals(BpfProgram.acceptAll(), BpfProgram.compile("2 > 1 or tcp"));
        // "ip and tcp dst port 80": the second EtherType test is decided by the first.
        assertEquals(11, BpfProgram.compile("ip and tcp dst port 80").size());
        // The unoptimized program stays reachable for comparison.
        assertEquals(19, raw("ip and tcp dst port 80", false).size());
    }

    /**
     * Folding as libpcap does: the verdict before and after is the same on every frame long enough
     * for each load the program before makes on it (in the independent interpreter and in ours).
     */
    static void sameVerdictsWhereLongEnough(String expr, List<BpfInstruction> raw, List<BpfInstruction> folded,
            BpfReference.Meta meta) {
        BpfProgram fast = new BpfProgram(folded);
        BpfProgram.PacketMeta pm = packetMeta(meta);
        TreeSet<Integer> loads = new TreeSet<>();
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            loads.clear();
            long want = BpfReference.run(raw, f, f.length, f.length, meta, loads);
            if (!loads.isEmpty() && loads.last() > f.length) {
                continue;
            }
            long got = BpfReference.run(folded, f, f.length, f.length, meta, null);
            long ours = Integer.toUnsignedLong(fast.run(f, 0, f.length, f.length, pm));
            if (want != got || got != ours) {
                fail("\"" + expr + "\"" + (meta == null ? "" : " " + meta) + " frame " + i + " of " + f.length
                        + " bytes, long enough for every load: before " + want + ", folded as libpcap does " + got
                        + " (ours " + ours + ")\nframe: " + java.util.HexFormat.of().formatHex(f) + "\nbefore:\n"
                        + new BpfProgram(raw) + "after:\n" + fast);
            }
        }
    }

    @Test
    void foldsAsLibpcapOnlyWhenAsked() {
        BpfProgram.Options asLibpcap = BpfProgram.Options.defaults().withShortPacketVerdicts(false);
        // libpcap's program for "tcp or 1 = 1" is a bare accept; ours by default keeps the EtherType
        // load, which rejects a frame of 13 bytes as the program before optimizing does.
        assertEquals(BpfProgram.acceptAll(), BpfProgram.compile("tcp or 1 = 1", LinkType.ETHERNET, asLibpcap));
        BpfProgram keeping = BpfProgram.compile("tcp or 1 = 1");
        assertTrue(keeping.size() > 1, keeping.toString());
        assertEquals(0, keeping.run(new byte[13], 13));
        assertTrue(BpfProgram.compile("tcp or 1 = 1", LinkType.ETHERNET, asLibpcap).run(new byte[13], 13) != 0);
        // The record's constructor without the choice keeps verdicts, as the defaults do.
        assertTrue(BpfProgram.Options.defaults().shortPacketVerdicts());
        assertTrue(new BpfProgram.Options(BpfProgram.Target.OFFLINE, 100, BpfProgram.Options.NETMASK_UNKNOWN, true, null)
                .shortPacketVerdicts());
        assertEquals(asLibpcap, asLibpcap.withSnaplen(100).withSnaplen(BpfProgram.ACCEPT_SNAPLEN));
        // Tests of one port moved next to each other, as libpcap's or_pullup does: 27 instructions as
        // libpcap's (32 without, keeping verdicts: a moved load would run before one that may fail).
        assertTrue(BpfProgram.compile("port 80 or 443", LinkType.ETHERNET, asLibpcap).size() <= 27);
        // Without the optimizer the choice changes nothing.
        assertEquals(BpfProgram.compile("tcp or 1 = 1", LinkType.ETHERNET, asLibpcap.withOptimize(false)),
                BpfProgram.compile("tcp or 1 = 1", LinkType.ETHERNET, BpfProgram.Options.defaults().withOptimize(false)));
    }

    /** Our interpreter's metadata for the reference's, null for none (offline). */
    static BpfProgram.PacketMeta packetMeta(BpfReference.Meta meta) {
        return meta == null ? null : meta.tci() < 0 ? BpfProgram.PacketMeta.untagged()
                : BpfProgram.PacketMeta.tagged(meta.tci(), meta.tpid());
    }

    /** The program before the optimizer, for Ethernet, offline or for a live socket. */
    static List<BpfInstruction> raw(String expr, boolean live) {
        BpfProgram.Options o = BpfProgram.Options.defaults().withOptimize(false);
        return BpfCompiler.compile(expr, LinkType.ETHERNET, live ? o.withTarget(BpfProgram.Target.LINUX_SOCKET) : o);
    }

    /** The frames whole and cut one byte short of every load either program makes; metadata for the live target. */
    static void sameVerdicts(String expr, List<BpfInstruction> raw, List<BpfInstruction> opt, BpfReference.Meta meta) {
        BpfProgram fast = new BpfProgram(opt);
        BpfProgram.PacketMeta pm = packetMeta(meta);
        TreeSet<Integer> loads = new TreeSet<>();
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            loads.clear();
            loads.add(f.length + 1);
            BpfReference.run(raw, f, f.length, f.length, meta, loads);
            BpfReference.run(opt, f, f.length, f.length, meta, loads);
            for (int end : loads) {
                int cut = Math.min(end - 1, f.length);
                long want = BpfReference.run(raw, f, cut, f.length, meta, null);
                long got = BpfReference.run(opt, f, cut, f.length, meta, null);
                long ours = Integer.toUnsignedLong(fast.run(f, 0, cut, f.length, pm));
                if (want != got || got != ours) {
                    fail("\"" + expr + "\"" + (meta == null ? "" : " " + meta) + " frame " + i + " cut to " + cut + " of "
                            + f.length + " bytes: before " + want + ", after " + got + " (ours " + ours + ")\nframe: "
                            + java.util.HexFormat.of().formatHex(f, 0, cut) + "\nbefore:\n" + new BpfProgram(raw)
                            + "after:\n" + fast);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Length against libpcap

    /** tcpdump's optimized program for an Ethernet link, or null where it refuses the expression. */
    static BpfProgram tcpdump(String tcpdump, String expr) throws IOException, InterruptedException {
        String dd = tcpdumpDd(tcpdump, expr);
        return dd == null ? null : BpfProgram.parse(dd);
    }

    /** tcpdump's {@code -dd} text for an Ethernet link, or null where it refuses the expression. */
    static String tcpdumpDd(String tcpdump, String expr) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tcpdump, "-dd", "-y", "EN10MB", "--", expr)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tcpdump did not finish for " + expr);
        }
        return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    }

    /**
     * protochain's loop jumps backward, which the optimizer leaves alone, as libpcap's does (its
     * gencode.c turns its optimizer off for such a program): ours are no longer than libpcap's.
     */
    @Test
    void protochainNoLongerThanLibpcap() throws Exception {
        String tcpdump = ExternalTools.which("tcpdump");
        Assumptions.assumeTrue(tcpdump != null,
                "tcpdump is not installed (CI installs Debian's): no libpcap program to measure against");
        for (String expr : List.of("ip protochain 6", "ip6 protochain 17", "protochain 6",
                "ip protochain 6 and (tcp port 80 or ip) and 1 = 1", "tcp port 80 and ip6 protochain 44",
                "ip protochain 6 or ip protochain 17", "host 10.0.0.1 and protochain 58", "not ip6 protochain 6 and udp",
                "1 = 2 or ip6 protochain 6")) {
            String dd = tcpdumpDd(tcpdump, expr);
            assertTrue(dd != null, "tcpdump refused " + expr);
            long theirs = dd.lines().filter(l -> l.contains("{")).count();
            for (boolean keep : new boolean[] {true, false}) {
                BpfProgram ours = BpfProgram.compile(expr, LinkType.ETHERNET,
                        BpfProgram.Options.defaults().withShortPacketVerdicts(keep));
                assertTrue(ours.size() <= theirs, ours.size() + " vs " + theirs + " for " + expr + "\n" + ours);
            }
        }
    }

    /**
     * Whether libpcap's program reads less of a packet than ours where that decides a short packet's
     * verdict: it gives another verdict than the unoptimized program on some test frame cut short, or
     * it lacks a packet load that ours keeps. There a program as short as libpcap's would change
     * verdicts, which this optimizer does not do.
     */
    static boolean libpcapReadsLess(List<BpfInstruction> raw, BpfProgram theirs, BpfProgram ours) {
        Set<Long> theirLoads = loadSet(theirs.instructions());
        for (long l : loadSet(ours.instructions())) {
            if (!theirLoads.contains(l)) {
                return true;
            }
        }
        TreeSet<Integer> loads = new TreeSet<>();
        for (byte[] f : frames) {
            loads.clear();
            BpfReference.run(raw, f, f.length, f.length, null, loads);
            BpfReference.run(theirs.instructions(), f, f.length, f.length, null, loads);
            for (int end : loads) {
                int cut = Math.min(end - 1, f.length);
                if (BpfReference.run(raw, f, cut, f.length, null, null)
                        != BpfReference.run(theirs.instructions(), f, cut, f.length, null, null)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<Long> loadSet(List<BpfInstruction> prog) {
        Set<Long> s = new HashSet<>();
        for (BpfInstruction in : prog) {
            int cls = in.code() & 0x07;
            int mode = in.code() & 0xe0;
            if ((cls == 0x00 && (mode == 0x20 || mode == 0x40)) || in.code() == 0xb1) {
                s.add(((long) in.code() << 32) | in.unsignedK());
            }
        }
        return s;
    }

    record Length(String expr, int ours, int theirs, boolean readsLess) {
        double ratio() {
            return (double) ours / theirs;
        }
    }

    /**
     * The length bar: at most libpcap's length for 95% of the expressions, never more than 1.25
     * times it. Over the expressions where a program as short as libpcap's keeps every verdict when
     * keeping short packets' verdicts; over all of them when folding as libpcap does.
     */
    @Test
    void asShortAsLibpcap() throws Exception {
        String tcpdump = ExternalTools.which("tcpdump");
        Assumptions.assumeTrue(tcpdump != null,
                "tcpdump is not installed (CI installs Debian's): no libpcap program to measure against");
        // tcpdump spends most of its 70 ms starting up: a few at a time.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<BpfProgram>> theirs = new ArrayList<>();
        try {
            for (String expr : corpus) {
                theirs.add(pool.submit(() -> tcpdump(tcpdump, expr)));
            }
            List<Length> all = new ArrayList<>();
            List<Length> folded = new ArrayList<>();
            for (int i = 0; i < corpus.size(); i++) {
                String expr = corpus.get(i);
                BpfProgram libpcap = theirs.get(i).get(60, TimeUnit.SECONDS);
                if (libpcap == null) {
                    continue; // e.g. "expression rejects all packets": libpcap refuses what it folds to ret #0
                }
                BpfProgram ours = BpfProgram.compile(expr);
                all.add(new Length(expr, ours.size(), libpcap.size(), libpcapReadsLess(raw(expr, false), libpcap, ours)));
                BpfProgram asLibpcap = BpfProgram.compile(expr, LinkType.ETHERNET,
                        BpfProgram.Options.defaults().withShortPacketVerdicts(false));
                folded.add(new Length(expr, asLibpcap.size(), libpcap.size(), false));
            }
            List<Length> same = all.stream().filter(l -> !l.readsLess()).toList();
            System.out.println("Program length, ours / libpcap's optimized (tcpdump -dd -y EN10MB), " + corpus.size()
                    + " expressions, " + (corpus.size() - all.size()) + " refused by tcpdump:");
            System.out.println("Keeping short packets' verdicts (the default):");
            System.out.println(distribution("all", all));
            System.out.println(distribution("same verdicts on short packets", same));
            System.out.println(distribution("libpcap reads less", all.stream().filter(Length::readsLess).toList()));
            worst(all);
            System.out.println("Folding as libpcap does (withShortPacketVerdicts(false)):");
            System.out.println(distribution("all", folded));
            worst(folded);
            assertTrue(all.size() >= 1000, "only " + all.size() + " expressions compared");
            assertBar(same);
            assertBar(folded);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void worst(List<Length> ls) {
        ls.stream().sorted((a, b) -> Double.compare(b.ratio(), a.ratio())).limit(8).forEach(l -> System.out.printf(
                "  %5.2f  %3d vs %3d%s  %s%n", l.ratio(), l.ours(), l.theirs(), l.readsLess() ? " (reads less)" : "", l.expr()));
    }

    /** At most libpcap's length for 95%, never over 1.25 times it. */
    static void assertBar(List<Length> ls) {
        long atMost = ls.stream().filter(l -> l.ours() <= l.theirs()).count();
        assertTrue(atMost >= 0.95 * ls.size(), "at most as long as libpcap's for " + atMost + " of " + ls.size());
        for (Length l : ls) {
            assertTrue(l.ratio() <= 1.25, String.format("%.2fx libpcap's (%d vs %d): %s", l.ratio(), l.ours(), l.theirs(),
                    l.expr()));
        }
    }

    static String distribution(String what, List<Length> ls) {
        if (ls.isEmpty()) {
            return "  " + what + ": none";
        }
        double[] r = ls.stream().mapToDouble(Length::ratio).sorted().toArray();
        int n = r.length;
        long shorter = ls.stream().filter(l -> l.ours() < l.theirs()).count();
        long equal = ls.stream().filter(l -> l.ours() == l.theirs()).count();
        int[] buckets = new int[6];
        double[] edges = {1.0, 1.1, 1.25, 1.5, 2.0};
        for (double x : r) {
            int b = 0;
            while (b < edges.length && x > edges[b]) {
                b++;
            }
            buckets[b]++;
        }
        return String.format("  %s: %d; shorter %d (%.1f%%), equal %d (%.1f%%), longer %d (%.1f%%); median %.2f, p90 %.2f,"
                        + " p99 %.2f, max %.2f; <=1.0: %d, <=1.1: %d, <=1.25: %d, <=1.5: %d, <=2: %d, >2: %d",
                what, n, shorter, 100.0 * shorter / n, equal, 100.0 * equal / n, n - shorter - equal,
                100.0 * (n - shorter - equal) / n, r[n / 2], r[(int) (n * 0.9)], r[Math.min(n - 1, (int) (n * 0.99))],
                r[n - 1], buckets[0], buckets[1], buckets[2], buckets[3], buckets[4], buckets[5]);
    }
}
