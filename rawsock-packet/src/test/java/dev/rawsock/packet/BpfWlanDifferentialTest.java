package dev.rawsock.packet;

import dev.rawsock.packet.testing.BpfReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rawsock.packet.testing.ExternalTools;
import dev.rawsock.packet.testing.FilterGrammar;
import dev.rawsock.packet.testing.TestFrames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * IEEE802_11 and IEEE802_11_RADIO (radiotap) against {@code tcpdump -dd -y}: {@value #EXPRESSIONS}
 * expressions per link type drawn from the 802.11 part of the language ({@code type}/{@code subtype}/
 * {@code dir}, {@code wlan} addresses under every qualifier, broadcast, multicast, lengths and
 * {@code link[]} loads, joined by and/or/not); where tcpdump compiles one, ours gives the verdict of
 * libpcap's program, in an independent interpreter and in ours, on generated frames of that link
 * type (every frame type, direction bits, address pool, radiotap headers of several lengths, frames
 * cut short); where tcpdump refuses, we refuse. Our program before and after the optimizer agree on every frame
 * cut short at each load. Lengths against libpcap's are printed.
 */
class BpfWlanDifferentialTest {

    static final int EXPRESSIONS = 560;
    static final int FRAMES = 1200;

    static final String[] MACS = {"00:11:22:33:44:55", "02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:fb"};

    private static String tcpdump;

    @BeforeAll
    static void setUp() {
        tcpdump = ExternalTools.which("tcpdump");
    }

    // ---- frames

    /** An 802.11 frame: any type and subtype, any direction bits, addresses from {@link #MACS} or random, some cut short. */
    static byte[] frame80211(Random r) {
        int len = r.nextInt(8) == 0 ? r.nextInt(30) : 24 + r.nextInt(40);
        byte[] f = new byte[len];
        r.nextBytes(f);
        if (len > 0) {
            f[0] = (byte) ((r.nextInt(16) << 4) | (r.nextInt(4) << 2) | (r.nextInt(10) == 0 ? r.nextInt(4) : 0));
        }
        if (len > 1 && r.nextBoolean()) {
            f[1] = (byte) ((f[1] & ~3) | r.nextInt(4));
        }
        for (int off = 4; off + 6 <= len; off += 6) {
            if (off == 22) {
                off = 24; // the sequence control field between addr3 and addr4
                if (off + 6 > len) {
                    break;
                }
            }
            if (r.nextInt(3) != 0) {
                System.arraycopy(HexFormat.ofDelimiter(":").parseHex(MACS[r.nextInt(MACS.length)]), 0, f, off, 6);
            }
        }
        return f;
    }

    /** A radiotap header of a length from 8 to 40 (little-endian at byte 2), then an 802.11 frame. */
    static byte[] radiotap(Random r) {
        int hl = new int[] {8, 12, 18, 24, 26, 32, 36, 40}[r.nextInt(8)];
        byte[] w = frame80211(r);
        byte[] f = new byte[hl + w.length];
        r.nextBytes(f);
        f[0] = 0;
        f[1] = 0;
        f[2] = (byte) hl;
        f[3] = 0;
        System.arraycopy(w, 0, f, hl, w.length);
        if (r.nextInt(20) == 0) {
            return java.util.Arrays.copyOf(f, r.nextInt(Math.min(f.length, hl + 2)));
        }
        return f;
    }

    // ---- expressions

    static String expression(Random r, int depth) {
        if (depth > 0 && r.nextInt(3) != 0) {
            return switch (r.nextInt(4)) {
                case 0 -> "not " + paren(expression(r, depth - 1), r);
                case 1, 2 -> paren(expression(r, depth - 1), r) + (r.nextBoolean() ? " and " : " or ")
                        + paren(expression(r, depth - 1), r);
                default -> "(" + expression(r, depth - 1) + ")";
            };
        }
        return primitive(r);
    }

    private static String paren(String e, Random r) {
        return r.nextBoolean() ? "(" + e + ")" : e;
    }

    /** Type names and numbers, and subtype names of that type. */
    static final String[][] TYPES = {
        {"mgt", "assocreq", "assoc-resp", "probe-req", "proberesp", "beacon", "atim", "disassoc", "auth", "deauthentication"},
        {"management", "reassocreq", "reassoc-resp", "probereq", "probe-resp", "disassociation", "authentication", "deauth"},
        {"ctl", "ps-poll", "rts", "cts", "ack", "cf-end", "cf-end-ack"},
        {"control", "rts", "ack"},
        {"data", "data", "data-cf-ack", "data-cf-poll", "data-cf-ack-poll", "null", "cf-ack", "cf-poll", "cf-ack-poll",
            "qos-data", "qos-data-cf-ack", "qos-data-cf-poll", "qos-data-cf-ack-poll", "qos", "qos-cf-poll", "qos-cf-ack-poll"},
        {"0"}, {"4"}, {"8"}, {"0xc"}};
    static final String[] SUBTYPE_NUMBERS = {"0", "0x10", "0x40", "0x80", "0xc0", "0xd0", "0xf0"};
    /** What libpcap refuses, now and then: a type number outside its field, unknown names, a subtype of another type. */
    static final String[] BAD = {"type 1", "type bogus", "type mgt subtype cts", "type ctl subtype 0x05", "subtype nosuch",
        "dir north", "type 0xc subtype beacon"};
    static final String[] QUALS = {"", "src ", "dst ", "src or dst ", "src and dst ", "addr1 ", "address2 ", "addr3 ",
        "addr4 ", "ra ", "ta "};

    static String primitive(Random r) {
        return switch (r.nextInt(14)) {
            case 0 -> r.nextInt(8) == 0 ? BAD[r.nextInt(BAD.length)] : "type " + TYPES[r.nextInt(TYPES.length)][0];
            case 1, 2, 3 -> {
                String[] t = TYPES[r.nextInt(TYPES.length)];
                yield "type " + t[0] + " subtype " + (t.length == 1 || r.nextInt(4) == 0
                        ? SUBTYPE_NUMBERS[r.nextInt(SUBTYPE_NUMBERS.length)] : t[1 + r.nextInt(t.length - 1)]);
            }
            case 4 -> {
                String[] t = TYPES[r.nextInt(5)];
                yield "subtype " + t[1 + r.nextInt(t.length - 1)];
            }
            case 5 -> "dir " + new String[] {"nods", "tods", "fromds", "dstods", "0", "3", "7"}[r.nextInt(7)];
            case 6, 7, 8 -> new String[] {"wlan ", "ether ", "link "}[r.nextInt(3)] + QUALS[r.nextInt(QUALS.length)]
                    + (r.nextBoolean() ? "host " : "") + MACS[r.nextInt(MACS.length)];
            case 9 -> new String[] {"wlan ", "ether ", ""}[r.nextInt(3)] + (r.nextBoolean() ? "broadcast" : "multicast");
            case 10 -> new String[] {"len >= ", "len < ", "less ", "greater "}[r.nextInt(4)] + r.nextInt(80);
            case 11 -> new String[] {"wlan", "link", "ether"}[r.nextInt(3)] + "[" + r.nextInt(32) + "] & 0x"
                    + Integer.toHexString(1 + r.nextInt(255)) + " = " + r.nextInt(4);
            case 12 -> "link[" + r.nextInt(30) + ":" + (r.nextBoolean() ? 2 : 4) + "] != " + r.nextInt(3);
            default -> "wlan[wlan[1] & 3] & 0x0c = " + 4 * r.nextInt(4);
        };
    }

    static List<String> corpus(long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(List.of("type mgt subtype beacon", "type data", "subtype qos-data",
                "dir tods", "wlan host 00:11:22:33:44:55", "wlan addr4 00:11:22:33:44:55", "wlan ra 02:00:00:00:00:01",
                "wlan ta 02:00:00:00:00:01", "wlan broadcast", "ether multicast", "ether[0] = 0x80",
                "wlan type mgt", "type ctl subtype 0x0f", "type data subtype beacon", "type 1", "subtype 0x80"));
        while (out.size() < EXPRESSIONS) {
            out.add(expression(r, 3));
        }
        return out;
    }

    // ---- tcpdump

    /** tcpdump's program, or its error message prefixed "ERROR ". */
    static String tcpdump(int linkType, String expr, boolean optimize) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tcpdump, "-dd", "-y", LinkType.name(linkType)));
        if (!optimize) {
            cmd.add("-O");
        }
        cmd.add("--");
        cmd.add(expr);
        ExternalTools.Output o = ExternalTools.run(cmd);
        return o.exit() == 0 ? o.out() : "ERROR " + o.err().strip();
    }

    record Length(String expr, int ours, int theirs) {
    }

    /** What one corpus on one link type gave. */
    static final class Stats {
        final List<Length> lengths = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.Set<String> selfDisagree = java.util.concurrent.ConcurrentHashMap.newKeySet();
        int compared;
        int skipped;
    }

    @TestFactory
    Stream<DynamicContainer> sameVerdictsAsTcpdump() {
        Assumptions.assumeTrue(tcpdump != null,
                "tcpdump is not installed (CI installs Debian's): no libpcap program to compare with");
        return Stream.of(LinkType.IEEE802_11, LinkType.IEEE802_11_RADIOTAP).map(lt -> {
            Random r = new Random(lt);
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < FRAMES; i++) {
                frames.add(lt == LinkType.IEEE802_11 ? frame80211(r) : radiotap(r));
            }
            return container(LinkType.name(lt), lt, corpus(20261207L + lt), frames, 500);
        });
    }

    /**
     * The network layer on IEEE802_11: the Ethernet differential corpus on 802.11 frames (mostly data
     * frames, QoS or not, any direction) that carry the generated Ethernet frames' payloads under
     * LLC/SNAP.
     */
    @TestFactory
    DynamicContainer networkLayerOnIeee80211() {
        Assumptions.assumeTrue(tcpdump != null,
                "tcpdump is not installed (CI installs Debian's): no libpcap program to compare with");
        List<byte[]> frames = frames(20261207L, FRAMES, BpfWlanDifferentialTest::dataFrame);
        List<String> corpus = BpfDifferentialTest.corpusHere();
        return container("IEEE802_11 network layer", LinkType.IEEE802_11, corpus, frames, corpus.size() * 9 / 10);
    }

    /** An Ethernet frame's payload in an 802.11 frame (24-byte header, 26 in a QoS data frame), under LLC/SNAP. */
    static byte[] dataFrame(byte[] eth, Random r) {
        return overWlan(eth, r, new byte[0], false);
    }

    /** {@code n} frames made by {@code make} from generated Ethernet frames. */
    private static List<byte[]> frames(long seed, int n, java.util.function.BiFunction<byte[], Random, byte[]> make) {
        Random r = new Random(seed);
        TestFrames gen = new TestFrames(seed);
        List<byte[]> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            frames.add(make.apply(gen.next(), r));
        }
        return frames;
    }

    /**
     * The network layer on IEEE802_11_RADIO: {@value #NETWORK_EXPRESSIONS} random expressions of the
     * whole grammar ({@link FilterGrammar}), some joined with 802.11 primitives, on radiotap frames
     * whose 802.11 payload starts where libpcap looks for it: after a radiotap header with or without
     * TSFT and flags fields (and now and then a second presence word, where libpcap stops looking),
     * the data-pad flag set or not, a QoS data frame's 26-byte header or another frame's 24 bytes,
     * every frame type and direction; some frames padded against their flags, some cut short.
     */
    @TestFactory
    DynamicContainer networkLayerOnRadiotap() {
        Assumptions.assumeTrue(tcpdump != null,
                "tcpdump is not installed (CI installs Debian's): no libpcap program to compare with");
        List<byte[]> frames = frames(20261211L, NETWORK_FRAMES, BpfWlanDifferentialTest::radiotapData);
        List<String> corpus = networkCorpus(20261211L);
        return container("IEEE802_11_RADIO network layer", LinkType.IEEE802_11_RADIOTAP, corpus, frames, 500);
    }

    static final int NETWORK_EXPRESSIONS = 600;
    static final int NETWORK_FRAMES = 800;

    /** Random expressions of the whole grammar, a quarter of them joined with an 802.11 primitive. */
    static List<String> networkCorpus(long seed) {
        return networkCorpus(seed, NETWORK_EXPRESSIONS);
    }

    static List<String> networkCorpus(long seed, int size) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(List.of("ip", "ip6", "tcp port 80", "host 10.0.0.1", "vlan", "vlan 100 and ip",
                "udp and type data subtype qos-data", "arp or wlan src 00:11:22:33:44:55", "iso", "stp", "ipx",
                "netbeui", "atalk", "aarp", "decnet", "ether proto 0x88cc", "ether proto 0x42", "ip[0] & 0xf = 5",
                "tcp[13] = 2 and dir fromds", "link[0] & 0x0c = 8 and ip6", "byte 1 = 2", "byte 0 > 100 or ip",
                "byte 5 < 4 and tcp"));
        for (String e : FilterGrammar.generate(seed, 2 * size)) {
            if (out.size() == size) {
                break;
            }
            try {
                // What the Ethernet grammar draws and this parser refuses (a shift past 31 bits, ...)
                // is the filter language's business, tested there.
                BpfProgram.compile(e);
            } catch (IllegalArgumentException refused) {
                continue;
            }
            if (!FilterGrammar.libpcapDropsProtocolTest(e)) {
                out.add(r.nextInt(4) == 0 ? "(" + e + ")" + (r.nextBoolean() ? " and " : " or ") + paren(expression(r, 1), r) : e);
            }
        }
        return out;
    }

    /**
     * An Ethernet frame's payload in an 802.11 frame after a radiotap header, placed where libpcap's
     * gen_load_802_11_header_len says the payload starts (the offset from the radiotap header on,
     * rounded up to 4 when the flags field has the data-pad bit), now and then where it does not.
     */
    static byte[] radiotapData(byte[] eth, Random r) {
        boolean ext = r.nextInt(8) == 0;
        boolean tsft = r.nextBoolean();
        boolean flags = r.nextInt(4) != 0;
        boolean datapad = flags && r.nextBoolean();
        int off = ext ? 12 : 8;
        int tsftAt = -1;
        int flagsAt = -1;
        if (tsft) {
            off = (off + 7) & ~7;
            tsftAt = off;
            off += 8;
        }
        if (flags) {
            flagsAt = off++;
        }
        byte[] radio = new byte[off + r.nextInt(4) * r.nextInt(4)]; // fields past the flags (rate, channel, ...)
        r.nextBytes(radio);
        radio[0] = 0;
        radio[1] = 0;
        radio[2] = (byte) radio.length;
        radio[3] = (byte) (radio.length >>> 8);
        int presence = (tsft ? 1 : 0) | (flags ? 2 : 0) | (ext ? 0x80000000 : 0) | (r.nextInt(0x40) << 2);
        for (int i = 0; i < 4; i++) {
            radio[4 + i] = (byte) (presence >>> (8 * i));
        }
        if (ext) {
            radio[11] &= 0x7f;
        }
        if (flagsAt >= 0) {
            radio[flagsAt] = (byte) ((radio[flagsAt] & ~0x20) | (datapad ? 0x20 : 0));
        }
        return overWlan(eth, r, radio, datapad && !ext);
    }

    /**
     * A PPI header (version 0, flags, its length little-endian at byte 2, the DLT of what follows at
     * byte 4: 802.11, now and then another), its fields, then an 802.11 frame as in {@link #overWlan}.
     */
    static byte[] ppiData(byte[] eth, Random r) {
        byte[] ppi = new byte[8 + 4 * r.nextInt(8)];
        r.nextBytes(ppi);
        ppi[0] = 0;
        ppi[2] = (byte) ppi.length;
        ppi[3] = 0;
        int dlt = r.nextInt(10) == 0 ? LinkType.ETHERNET : LinkType.IEEE802_11;
        ppi[4] = (byte) dlt;
        ppi[5] = 0;
        ppi[6] = 0;
        ppi[7] = 0;
        return overWlan(eth, r, ppi, false);
    }

    /**
     * An Ethernet frame's payload in an 802.11 frame after a radio header, placed where libpcap's
     * gen_load_802_11_header_len says the payload starts (24 bytes past the 802.11 header, 26 in a
     * QoS data frame, from the radio header on rounded up to 4 when {@code pad} says the radiotap
     * data-pad bit applies), now and then where it does not; every frame type and direction, some
     * with a SAP protocol's LLC header instead of SNAP, some cut short.
     */
    static byte[] overWlan(byte[] eth, Random r, byte[] radio, boolean pad) {
        int rtlen = radio.length;
        int type = new int[] {2, 2, 2, 2, 2, 2, 0, 1, 3}[r.nextInt(9)];
        int subtype = r.nextInt(16);
        boolean data = type == 2;
        int start = rtlen + (data && (subtype & 8) != 0 ? 26 : 24);
        boolean padded = data && pad;
        if (r.nextInt(10) == 0) {
            padded = !padded; // the payload where libpcap does not look for it
        }
        if (padded) {
            start = (start + 3) & ~3;
        }
        byte[] f = new byte[start + 8 + eth.length - 14];
        r.nextBytes(f);
        System.arraycopy(radio, 0, f, 0, rtlen);
        f[rtlen] = (byte) ((subtype << 4) | (type << 2));
        f[rtlen + 1] = (byte) ((f[rtlen + 1] & ~3) | r.nextInt(4));
        System.arraycopy(eth, 0, f, rtlen + 4, 6);
        System.arraycopy(eth, 6, f, rtlen + 10, 6);
        byte[] snap = {(byte) 0xaa, (byte) 0xaa, 3, 0, 0, 0, eth[12], eth[13]};
        if (r.nextInt(12) == 0) {
            // An LLC header of a SAP protocol instead (IP, ISO, NetBEUI, IPX, spanning tree).
            int sap = new int[] {0x06, 0xfe, 0xf0, 0xe0, 0x42}[r.nextInt(5)];
            snap[0] = (byte) sap;
            snap[1] = (byte) sap;
        }
        System.arraycopy(snap, 0, f, start, 8);
        System.arraycopy(eth, 14, f, start + 8, eth.length - 14);
        return r.nextInt(20) == 0 ? java.util.Arrays.copyOf(f, r.nextInt(f.length)) : f;
    }

    /**
     * PPI (over 802.11) against {@code tcpdump -dd -y PPI}: the network-layer corpus and the 802.11
     * one (whose {@code type}/{@code subtype}/{@code dir} libpcap 1.10 refuses on PPI, as we do), on
     * PPI frames of several header lengths, some of whose DLT field is not 802.11.
     */
    @TestFactory
    DynamicContainer ppi() {
        Assumptions.assumeTrue(tcpdump != null,
                "tcpdump is not installed (CI installs Debian's): no libpcap program to compare with");
        List<byte[]> frames = frames(20261213L, NETWORK_FRAMES, BpfWlanDifferentialTest::ppiData);
        // libpcap refuses type/subtype/dir and vlan on PPI: more expressions, so that 500 compile.
        List<String> corpus = new ArrayList<>(networkCorpus(20261213L, 720));
        corpus.addAll(corpus(20261213L).subList(0, 80));
        return container("PPI", LinkType.PPI, corpus, frames, 500);
    }

    private static DynamicContainer container(String name, int lt, List<String> corpus, List<byte[]> frames, int least) {
        Stats st = new Stats();
        List<DynamicTest> tests = new ArrayList<>();
        for (String expr : corpus) {
            tests.add(DynamicTest.dynamicTest("\"" + expr + "\"", () -> compare(lt, expr, frames, st)));
        }
        tests.add(DynamicTest.dynamicTest("length distribution", () -> {
            System.out.println(BpfOptimizerTest.distribution(name + ", ours / tcpdump -dd, " + st.lengths.size() + " of "
                    + corpus.size() + " expressions compiled by both",
                    st.lengths.stream().map(l -> new BpfOptimizerTest.Length(l.expr(), l.ours(), l.theirs(), false)).toList()));
            System.out.println("  " + name + ": " + st.skipped + " not compared (libpcap's program overwrites the header"
                    + " length it keeps in scratch memory); libpcap's optimized program disagrees with its unoptimized one"
                    + " on a whole frame for " + st.selfDisagree.size() + " (ours agrees with the unoptimized), e.g. "
                    + st.selfDisagree.stream().limit(2).toList());
            assertTrue(st.compared >= least, "only " + st.compared + " expressions compared");
        }));
        return DynamicContainer.dynamicContainer(name, tests);
    }

    /**
     * Whether libpcap 1.10's program overwrites the scratch word that holds the link-layer header's
     * length (radiotap's, or 802.11's with its QoS field): it allocates that word while parsing, after
     * a comparison before it in the filter took and freed the same word for a temporary, yet its
     * prologue computing the length runs first. Its loads then land at the wrong offset; ours do not,
     * so there is nothing to compare. The prologue's own updates load the word two or three
     * instructions before storing it back.
     */
    static boolean clobbersHeaderLength(List<BpfInstruction> unoptimized) {
        // The words libpcap's prologue keeps offsets in, known by its shape: radiotap's length
        // (ldb [3]; lsh #8; tax; ldb [2]; or x; st M[a]), then for the network layer the payload
        // offset (tax or ldx #0; txa; add #24; st M[b]).
        java.util.Map<Integer, Integer> firstStore = new java.util.HashMap<>();
        int at = 0;
        for (int i = 0; i < 4 && i < unoptimized.size(); i++) {
            if (unoptimized.get(i).code() == 0x30 && unoptimized.get(i).k() == 3) {
                at = i; // after PPI's DLT check (ld [4]; jeq, and a far ja)
                break;
            }
        }
        if (unoptimized.size() > at + 6 && unoptimized.get(at).code() == 0x30 && unoptimized.get(at).k() == 3
                && unoptimized.get(at + 5).code() == 0x02) {
            firstStore.put(unoptimized.get(at + 5).k(), at + 5);
            at += 6;
        }
        if (unoptimized.size() > at + 4 && (unoptimized.get(at).code() == 0x07 || unoptimized.get(at).code() == 0x01)
                && unoptimized.get(at + 1).code() == 0x87 && unoptimized.get(at + 3).code() == 0x02) {
            firstStore.put(unoptimized.get(at + 3).k(), at + 3);
        }
        for (int i = 0; i < unoptimized.size(); i++) {
            BpfInstruction in = unoptimized.get(i);
            if (in.code() == 0x02 && firstStore.getOrDefault(in.k(), i) < i) {
                boolean update = false;
                for (int back = 2; back <= 3 && i - back >= 0; back++) {
                    BpfInstruction ld = unoptimized.get(i - back);
                    update |= ld.code() == 0x60 && ld.k() == in.k();
                }
                if (!update) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Where both compile the expression: ours gives the verdict of libpcap's unoptimized program
     * ({@code tcpdump -O}) on every frame both of libpcap's programs read within, and one of their two
     * verdicts on a frame too short for some load (libpcap's optimizer drops loads whose value does
     * not matter, which changes the verdict there). The unoptimized program is the reference because
     * 1.10's optimizer gets some {@code link[link[1] & 3]} loads wrong even on whole frames (counted
     * and printed).
     */
    private static void compare(int lt, String expr, List<byte[]> frames, Stats st) throws Exception {
        String theirs = tcpdump(lt, expr, true);
        BpfProgram.Options opts = BpfProgram.Options.defaults();
        if (theirs.startsWith("ERROR ")) {
            if (theirs.contains("expression rejects all packets")) {
                BpfProgram ours = BpfProgram.compile(expr, lt, opts);
                for (byte[] f : frames) {
                    assertEquals(0, ours.run(f, f.length), () -> "libpcap proves \"" + expr + "\" matches nothing; ours"
                            + " accepted " + HexFormat.of().formatHex(f) + "\n" + ours);
                }
                return;
            }
            assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile(expr, lt, opts), () -> theirs);
            return;
        }
        List<BpfInstruction> want = BpfProgram.parse(theirs).instructions();
        List<BpfInstruction> wantRaw = BpfProgram.parse(tcpdump(lt, expr, false)).instructions();
        BpfProgram ours = BpfProgram.compile(expr, lt, opts);
        List<BpfInstruction> raw = BpfCompiler.compile(expr, lt, opts.withOptimize(false));
        st.lengths.add(new Length(expr, ours.size(), want.size()));
        boolean libpcapBug = clobbersHeaderLength(wantRaw);
        synchronized (st) {
            if (libpcapBug) {
                st.skipped++;
            } else {
                st.compared++;
            }
        }
        TreeSet<Integer> loads = new TreeSet<>();
        boolean selfDisagree = false;
        boolean deadLoad = want.stream().anyMatch(in -> in.code() == 0x54 && in.k() == 0); // and #0
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            loads.clear();
            long wr = BpfReference.run(wantRaw, f, f.length, f.length, null, loads) == 0 ? 0 : 1;
            long w = BpfReference.run(want, f, f.length, f.length, null, loads) == 0 ? 0 : 1;
            boolean within = loads.isEmpty() || loads.last() <= f.length;
            if (w != wr && within) {
                selfDisagree = true; // libpcap's optimizer changed a verdict on a frame it reads within
            }
            long o = BpfReference.run(ours.instructions(), f, f.length, f.length, null, null) == 0 ? 0 : 1;
            long fast = ours.run(f, f.length) == 0 ? 0 : 1;
            // On a frame too short for some load, libpcap's two programs may differ: ours gives one of their verdicts.
            // Where libpcap keeps a load it masks with 0 (an address under a /0 mask), ours has none, as on
            // Ethernet where libpcap's optimizer drops it: a frame too short for it is not compared.
            boolean agrees = wr == o || (!within && (w == o || deadLoad));
            if (!libpcapBug && (!agrees || o != fast)) {
                fail("\"" + expr + "\" on " + LinkType.name(lt) + " frame " + i + ": tcpdump's unoptimized program " + wr
                        + ", ours " + o
                        + " (our interpreter " + fast + ")\nframe: " + HexFormat.of().formatHex(f) + "\ntcpdump's:\n"
                        + new BpfProgram(want) + "tcpdump's unoptimized:\n" + new BpfProgram(wantRaw) + "ours:\n" + ours);
            }
            loads.clear();
            loads.add(f.length + 1);
            BpfReference.run(raw, f, f.length, f.length, null, loads);
            BpfReference.run(ours.instructions(), f, f.length, f.length, null, loads);
            for (int end : loads) {
                int cut = Math.min(end - 1, f.length);
                long before = BpfReference.run(raw, f, cut, f.length, null, null);
                long after = BpfReference.run(ours.instructions(), f, cut, f.length, null, null);
                if (before != after) {
                    fail("\"" + expr + "\" on " + LinkType.name(lt) + " frame " + i + " cut to " + cut + ": before the"
                            + " optimizer " + before + ", after " + after + "\nbefore:\n" + new BpfProgram(raw) + "after:\n" + ours);
                }
            }
        }
        if (selfDisagree) {
            st.selfDisagree.add(expr);
        }
    }

    @Test
    void refusedWhereLibpcapRefuses() {
        BpfProgram.Options o = BpfProgram.Options.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfProgram.compile("type mgt", LinkType.ETHERNET, o));
        assertTrue(e.getMessage().contains("802.11 link-layer types supported only on 802.11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("dir tods", LinkType.RAW, o));
        assertTrue(e.getMessage().contains("frame direction supported only with 802.11 headers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BpfProgram.compile("wlan addr1 00:11:22:33:44:55", LinkType.ETHERNET, o));
        assertTrue(e.getMessage().contains("'addr1' and 'address1' only supported on 802.11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("type data subtype beacon",
                LinkType.IEEE802_11, o));
        assertTrue(e.getMessage().contains("unknown 802.11 subtype name \"beacon\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("type 1", LinkType.IEEE802_11, o));
        assertTrue(e.getMessage().contains("invalid 802.11 type value 0x01"), e.getMessage());
        // On Ethernet the wlan keyword is ether's: the same program.
        assertEquals(BpfProgram.compile("ether host 00:11:22:33:44:55"), BpfProgram.compile("wlan host 00:11:22:33:44:55"));
    }

    @Test
    void refusedOnRadiotapAsLibpcapRefuses() {
        for (String expr : List.of("ip protochain 6", "mpls", "llc")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BpfProgram.compile(expr, LinkType.IEEE802_11_RADIOTAP, BpfProgram.Options.defaults()), expr);
            assertTrue(e.getMessage().contains("at position"), e.getMessage());
        }
    }

    @Test
    void radiotapOffsetsComeFromItsHeader() {
        BpfProgram p = BpfProgram.compile("type mgt subtype beacon", LinkType.IEEE802_11_RADIOTAP, BpfProgram.Options.defaults());
        byte[] f = new byte[300 + 24];
        f[2] = 0x2c; // 300, little-endian
        f[3] = 0x01;
        f[300] = (byte) 0x80;
        assertTrue(p.matches(f));
        f[300] = (byte) 0x40;
        assertTrue(!p.matches(f));
        f[300] = (byte) 0x80;
        f[3] = 0; // 44: another byte is the frame control there
        assertTrue(!p.matches(f));
    }
}
