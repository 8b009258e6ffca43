package dev.rawsock.packet;

import dev.rawsock.packet.testing.TestFrames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rawsock.packet.testing.ExternalTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link BpfProgram#compile(String, int, BpfProgram.Options)} against libpcap's compiler on every
 * link type it supports: for each expression, tcpdump compiles for the link type of an empty pcap
 * file of that type; where it compiles, both programs give the same verdict on frames of that link
 * type (generated Ethernet frames re-framed: the same network layer under that link type's header);
 * where libpcap's optimizer proves the expression matches nothing, ours rejects every frame; where
 * tcpdump refuses for another reason, we refuse too.
 */
class BpfLinkTypeDifferentialTest {

    static final int[] LINK_TYPES = {LinkType.RAW, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL,
        LinkType.LINUX_SLL2, LinkType.NULL, LinkType.LOOP, LinkType.PPP, LinkType.PPP_HDLC, LinkType.C_HDLC,
        LinkType.ETHERNET};

    /** Link types checked on {@value #GRAMMAR_EXPRESSIONS} expressions drawn from the grammar each. */
    static final int[] GRAMMAR_LINK_TYPES = {LinkType.PPP, LinkType.PPP_HDLC, LinkType.C_HDLC};
    static final int GRAMMAR_EXPRESSIONS = 520;

    /** What differs between PPP and Cisco HDLC: OSI and other protocol numbers, MPLS, PPPoE, the refusals. */
    static final List<String> SERIAL_EXTRA = List.of("iso", "clnp", "isis", "l1", "iso proto 3", "stp", "ipx", "atalk",
            "decnet host 1.2", "mpls", "mpls 5 and ip", "pppoes and ip", "pppoes 7 and tcp port 80", "llc", "vlan",
            "ether host 1:2:3:4:5:6", "ether broadcast", "multicast", "ether[2:2] = 0x21");

    /** Frames per link type: fewer than the Ethernet test's, as every expression runs on seven more link types. */
    static final int FRAMES = 3000;

    /** Beside the Ethernet corpus: what differs per link type. */
    static final List<String> EXTRA = List.of("ether proto 0x800", "ether proto 0x806", "ether proto 0x86dd",
            "ether[0] = 0x45", "ether[0] & 0xf0 = 0x60", "link[14:2] = 0x800", "ip and udp port 53", "arp or rarp",
            "not ip and not ip6", "ip6 and tcp[13] & 2 != 0", "ether src 1:2:3:4:5:6", "vlan 10 and ip", "len < 100");

    private static Path tmp;
    private static String tcpdump;
    private static final java.util.Map<Integer, List<byte[]>> FRAMES_BY_TYPE = new java.util.HashMap<>();

    @BeforeAll
    static void setUp() throws IOException {
        tcpdump = ExternalTools.which("tcpdump");
        tmp = Files.createTempDirectory("rs-bpf-lt-");
        for (int lt : LINK_TYPES) {
            ByteBuffer hdr = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            hdr.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(lt);
            Files.write(tmp.resolve(lt + ".pcap"), hdr.array());
            TestFrames gen = new TestFrames(20261207L + lt);
            Random r = new Random(lt);
            List<byte[]> frames = new ArrayList<>(FRAMES);
            for (int i = 0; i < FRAMES; i++) {
                frames.add(reframe(gen.next(), lt, r));
            }
            FRAMES_BY_TYPE.put(lt, frames);
        }
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (tmp != null) {
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(tmp);
        }
    }

    /**
     * An Ethernet frame's network layer under another link type's header: the EtherType becomes the
     * SLL protocol or a loopback address family (now and then a wrong one, so tests can fail both ways).
     */
    static byte[] reframe(byte[] eth, int linkType, Random r) {
        int off = 12;
        int type = ((eth[off] & 0xff) << 8) | (eth[off + 1] & 0xff);
        while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && off + 6 <= eth.length) {
            off += 4;
            type = ((eth[off] & 0xff) << 8) | (eth[off + 1] & 0xff);
        }
        byte[] payload = Arrays.copyOfRange(eth, off + 2, eth.length);
        ByteBuffer b;
        switch (linkType) {
            case LinkType.ETHERNET -> {
                return eth;
            }
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> {
                return payload;
            }
            case LinkType.LINUX_SLL -> {
                b = ByteBuffer.allocate(16 + payload.length);
                b.putShort((short) r.nextInt(5)).putShort((short) 1).putShort((short) 6).put(eth, 6, 6).putShort((short) 0);
                b.putShort((short) type);
            }
            case LinkType.LINUX_SLL2 -> {
                b = ByteBuffer.allocate(20 + payload.length);
                b.putShort((short) type).putShort((short) 0).putInt(1 + r.nextInt(4)).putShort((short) 1)
                        .put((byte) r.nextInt(5)).put((byte) 6).put(eth, 6, 6).putShort((short) 0);
            }
            case LinkType.PPP, LinkType.PPP_HDLC -> {
                // Address 0xff, control 0x03, the PPP protocol (now and then one that is not the payload's).
                int proto = type == 0x0800 ? 0x21 : type == 0x86dd ? 0x57 : type;
                b = ByteBuffer.allocate(4 + payload.length).put((byte) 0xff).put((byte) 3)
                        .putShort((short) (r.nextInt(10) == 0 ? r.nextInt(0x60) : proto));
            }
            case LinkType.C_HDLC -> b = ByteBuffer.allocate(4 + payload.length).put((byte) (r.nextBoolean() ? 0x0f : 0x8f))
                    .put((byte) 0).putShort((short) (r.nextInt(10) == 0 ? 0xfefe : type));
            default -> { // NULL (little-endian, as written on Linux) and LOOP (big-endian)
                int family = type == 0x0800 ? 2 : type == 0x86dd ? new int[] {10, 24, 28, 30}[r.nextInt(4)] : r.nextInt(32);
                b = ByteBuffer.allocate(4 + payload.length)
                        .order(linkType == LinkType.NULL ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                b.putInt(family);
            }
        }
        b.put(payload);
        return b.array();
    }

    /** tcpdump's {@code -dd} program for the link type, or its error message (prefixed "ERROR "). */
    static String tcpdump(int linkType, String expr) throws IOException, InterruptedException {
        Assumptions.assumeTrue(tcpdump != null,
                "tcpdump is not installed (CI installs Debian's): cannot compare with libpcap's compiler");
        Process p = new ProcessBuilder(tcpdump, "-r", tmp.resolve(linkType + ".pcap").toString(), "-dd", "--", expr)
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tcpdump did not finish for " + expr);
        }
        if (p.exitValue() != 0) {
            return "ERROR " + new String(err, StandardCharsets.UTF_8).strip();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    @TestFactory
    Stream<DynamicContainer> sameVerdictAsTcpdumpPerLinkType() {
        // Every third expression of the Ethernet corpus (it runs there in full), so seven link types stay quick.
        List<String> all = BpfDifferentialTest.corpusHere();
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 3) {
            corpus.add(all.get(i));
        }
        corpus.addAll(EXTRA);
        return Arrays.stream(LINK_TYPES).filter(lt -> lt != LinkType.ETHERNET).mapToObj(lt -> DynamicContainer.dynamicContainer(
                LinkType.name(lt), corpus.stream().map(expr -> DynamicTest.dynamicTest("\"" + expr + "\"",
                        () -> compare(lt, expr)))));
    }

    /**
     * PPP, PPP in HDLC framing and Cisco HDLC on {@value #GRAMMAR_EXPRESSIONS} random expressions of
     * the whole grammar each ({@link dev.rawsock.packet.testing.FilterGrammar}): where tcpdump compiles
     * one, the same verdicts; where it refuses (Ethernet addresses, {@code vlan}, ...), we refuse.
     */
    @TestFactory
    Stream<DynamicContainer> grammarOnSerialLinks() {
        List<String> corpus = new ArrayList<>(SERIAL_EXTRA);
        for (String e : dev.rawsock.packet.testing.FilterGrammar.generate(20261212L, 2 * GRAMMAR_EXPRESSIONS)) {
            if (corpus.size() == SERIAL_EXTRA.size() + GRAMMAR_EXPRESSIONS) {
                break;
            }
            try {
                // What the grammar draws and this parser refuses on any link type is the filter language's business.
                BpfProgram.compile(e);
            } catch (IllegalArgumentException refused) {
                continue;
            }
            if (!dev.rawsock.packet.testing.FilterGrammar.libpcapDropsProtocolTest(e)) {
                corpus.add(e);
            }
        }
        assertEquals(SERIAL_EXTRA.size() + GRAMMAR_EXPRESSIONS, corpus.size());
        return Arrays.stream(GRAMMAR_LINK_TYPES).mapToObj(lt -> DynamicContainer.dynamicContainer(LinkType.name(lt),
                corpus.stream().map(expr -> DynamicTest.dynamicTest("\"" + expr + "\"", () -> compare(lt, expr)))));
    }

    /** The extra expressions on Ethernet too, so the re-framing and the refusals are checked where nothing changes. */
    @TestFactory
    Stream<DynamicTest> extrasOnEthernet() {
        return EXTRA.stream().map(expr -> DynamicTest.dynamicTest("\"" + expr + "\"", () -> compare(LinkType.ETHERNET, expr)));
    }

    private static void compare(int lt, String expr) throws Exception {
        String theirs = tcpdump(lt, expr);
        BpfProgram.Options opts = BpfProgram.Options.defaults();
        List<byte[]> frames = FRAMES_BY_TYPE.get(lt);
        if (theirs.startsWith("ERROR ")) {
            if (theirs.contains("expression rejects all packets")) {
                BpfProgram ours = BpfProgram.compile(expr, lt, opts);
                for (byte[] f : frames) {
                    assertEquals(0, ours.run(f, f.length), () -> "libpcap proves \"" + expr + "\" matches nothing on "
                            + LinkType.name(lt) + ", ours accepted " + java.util.HexFormat.of().formatHex(f) + "\n" + ours);
                }
            } else {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> BpfProgram.compile(expr, lt, opts), () -> "tcpdump: " + theirs);
                String why = theirs.substring(theirs.lastIndexOf("tcpdump: ") + "tcpdump: ".length());
                assertTrue(e.getMessage().contains(why), () -> "\"" + why + "\" in " + e.getMessage());
                assertTrue(e.getMessage().contains("at position "), e.getMessage());
            }
            return;
        }
        BpfProgram want = BpfProgram.parse(theirs);
        BpfProgram ours = BpfProgram.compile(expr, lt, opts);
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            if (want.run(f, f.length) != ours.run(f, f.length)) {
                fail("\"" + expr + "\" on " + LinkType.name(lt) + " frame " + i + ": tcpdump's program returns "
                        + want.run(f, f.length) + ", ours " + ours.run(f, f.length) + "\nframe: "
                        + java.util.HexFormat.of().formatHex(f) + "\ntcpdump's:\n" + want + "ours:\n" + ours);
            }
        }
    }

    @Test
    void snaplenIsWhatAnAcceptingProgramReturns() {
        BpfProgram p = BpfProgram.compile("ip", LinkType.RAW, BpfProgram.Options.defaults().withSnaplen(96));
        byte[] v4 = new byte[40];
        v4[0] = 0x45;
        assertEquals(96, p.run(v4, v4.length));
        v4[0] = 0x60;
        assertEquals(0, p.run(v4, v4.length));
        assertEquals(96, BpfProgram.compile("", LinkType.ETHERNET, BpfProgram.Options.defaults().withSnaplen(96)).run(v4, 40));
    }

    @Test
    void oldFormsAreEthernetWithDefaults() {
        for (String e : List.of("tcp port 80", "vlan 10 and udp", "ip6 net fe80::/10")) {
            assertEquals(BpfProgram.compile(e), BpfProgram.compile(e, LinkType.ETHERNET, BpfProgram.Options.defaults()));
            assertEquals(BpfProgram.compile(e, BpfProgram.Target.LINUX_SOCKET), BpfProgram.compile(e, LinkType.ETHERNET,
                    BpfProgram.Options.defaults().withTarget(BpfProgram.Target.LINUX_SOCKET)));
        }
    }

    @Test
    void badArgumentsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpfProgram.compile("ip", 239, BpfProgram.Options.defaults()));
        assertTrue(e.getMessage().contains("C_HDLC"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.compile("ip", 1, null));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.Options.defaults().withSnaplen(0));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.Options.defaults().withTarget(null));
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
                () -> BpfProgram.compile("ip and vlan", LinkType.LINUX_SLL2, BpfProgram.Options.defaults()));
        assertTrue(v.getMessage().contains("at position 7") && v.getMessage().contains("Linux cooked v2"), v.getMessage());
    }
}
