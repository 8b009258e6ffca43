package dev.rawsock.packet;

import dev.rawsock.packet.testing.ExternalTools;
import dev.rawsock.packet.testing.TestFrames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Our compiler against libpcap's: for every expression of the corpus, the program {@code tcpdump -dd}
 * prints (read back with {@link BpfProgram#parse}) and {@link BpfProgram#compile} give the same
 * verdict, in our interpreter, on the same 10,000 generated frames. tcpdump runs once per expression,
 * offline: it compiles for the link type of an empty pcap file we write (LINKTYPE_ETHERNET), so it
 * needs no interface and no privilege.
 */
class BpfDifferentialTest {

    static final int FRAMES = 10_000;

    static final List<String> CORPUS = List.of(
            "",
            "ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "sctp", "igmp",
            "host 10.0.0.1", "src host 10.0.0.1", "dst host 192.168.1.1", "host 10.0.0.1 and host 10.0.0.2",
            "src and dst host 10.0.0.1", "src or dst host 8.8.8.8", "ip host 8.8.8.8", "arp host 192.168.1.77",
            "rarp src host 10.0.0.2", "host 10.0", "host 80",
            "host 2001:db8::1", "ip6 src host ::1", "dst host fe80::1", "ip6 host ff02::fb",
            "net 10.0.0.0/8", "net 192.168.0.0 mask 255.255.0.0", "src net 172.16", "net 10", "dst net 192.168.1.64/26",
            "net 0.0.0.0/0", "net 2001:db8::/32", "ip6 net fe80::/10", "src net 2001:db8:ffff::/48", "net ::/0",
            "port 80", "tcp port 443", "udp port 53", "src port 22", "dst port 8080", "tcp src port 1024",
            "port 80 or 443", "tcp dst port 80 or 8080", "portrange 1000-6000", "udp portrange 50-60",
            "tcp dst portrange 445-440", "src and dst port 80", "sctp port 80", "port 010", "udp port 0x35",
            "ether host 00:11:22:33:44:55", "ether src 66:77:88:99:aa:bb", "ether dst ff:ff:ff:ff:ff:ff",
            "ether src or dst 01:00:5e:00:00:01", "ether src and dst 00:11:22:33:44:55", "ether broadcast",
            "ether multicast", "broadcast", "multicast", "ip multicast", "ip6 multicast",
            "ip proto 17", "ip6 proto 6", "proto 58", "ip proto 2 or ip proto 132", "ether proto 0x86dd",
            "ether proto 0x88cc", "ip proto 6 or 17",
            "len <= 200", "len >= 400", "greater 300", "less 250", "len > 180 and len < 500", "len = 160", "len != 160",
            "vlan", "vlan 100", "vlan and ip", "vlan 200 and tcp port 80", "vlan or udp", "vlan and vlan and host 10.0.0.1",
            "udp or vlan 100 and tcp", "vlan 4095 and vlan 100", "not vlan or ip", "vlan and ether proto 0x88cc",
            "not tcp", "!udp && !icmp", "tcp || udp", "not (port 80 or port 443)", "host 10.0.0.1 and not port 22",
            "(tcp or udp) and not src net 10.0.0.0/8", "icmp or icmp6 or arp", "tcp and (port 80 or port 443) and host 192.168.1.1",
            "host 10.0.0.1 and (10.0.0.2 or 8.8.8.8)", "port 80 and not 443", "tcp src port 22 or dst 80",
            "src 10.0.0.1 or dst 10.0.0.2", "udp or tcp and port 53", "not not ip6", "ether host 00:11:22:33:44:55 or arp and host 10.0.0.1",
            "tcp[tcpflags] & tcp-syn != 0", "tcp[13] & (tcp-syn|tcp-ack) = tcp-syn", "icmp[icmptype] = icmp-echo",
            "ip[0] & 0xf > 5", "ip[6:2] & 0x1fff != 0", "udp[2:2] = 53", "ip[ip[0]&0xf] = 1", "len - 14 > ip[2:2]",
            "ether[0] & 1 = 1", "icmp6[0] = 128", "ip6[6] = 44", "tcp[0:2] > 1000 and tcp[2:2] < 100",
            "ip[2:2] / 4 * 3 - 10 >= len % 7 + 1", "ip[1] << 2 = ip[1] * 4", "-ip[8] < 0x7fffffff",
            "ether[12:2] ^ 0x800 = 0 or ether[6:4] | 1 = 0x99aabb", "tcp[tcp[12] >> 4] = 0 or udp[udp[0] & 3] = 1",
            "arp[7] = 2", "rarp[6:2] = 3", "vlan and tcp[13] = 2", "igmp[0] = 0x11 or sctp[0:2] = 80",
            "ip[9] = 6 and ip[(ip[0] & 0xf) * 4 + 13] & 2 != 0 and ip[6:2] & 0x1fff = 0",
            "len >= 0x100 && (ip6 || arp) || vlan 200",
            "ip[8] % 7 * 2 > 5", "ip[8] * 3 % 7 > 200", "ip[8] ^ 0xf0 & 0x0f > 0x70", "len % 7 + 1 = 3",
            "-ip[8] % 3 < 5", "- len < 0xfffffe00",
            "src and dst net 2001:db8::/32", "ip6 src or dst host 2001:db8::2", "dst 2001:db8::1", "arp src 10.0.0.1",
            "(vlan 100) or ip", "vlan and ether src 66:77:88:99:aa:bb", "vlan and ether[12:2] = 0x8100",
            "icmp6 and ip6[40] = 135", "udp port 53 and ip6", "ether dst 1:0:5e:0:0:1 or ether src 0011.2233.4455",
            "tcp portrange 0-1024 or udp portrange 60-50", "ip and not ip[6:2] & 0x3fff = 0",
            "port ssh or domain", "src port http", "tcp port https", "udp dst port domain",
            "ip[0]&0xf!=5", "ether src 66:77:88:99:AA:BB", "ip6 host FE80::1", "tcp[13]==2",
            "net 10.0.0.0/8 or net 192.168.0.0/16 and port 0x50");

    /** Expressions naming services: they need /etc/services (Debian's netbase), as tcpdump does. */
    static final java.util.Set<String> NEEDS_SERVICES = java.util.Set.of("port ssh or domain", "src port http",
            "tcp port https", "udp dst port domain");

    /** The corpus minus what this machine cannot compile. */
    static List<String> corpusHere() {
        boolean services = Files.isReadable(Path.of("/etc/services"));
        return CORPUS.stream().filter(e -> services || !NEEDS_SERVICES.contains(e)).toList();
    }

    private static Path tmp;
    private static String tcpdump;
    private static List<byte[]> frames;
    /** Frames cut short (0..119 bytes), where a load past the end rejects the whole packet. */
    private static List<byte[]> truncated;

    /**
     * Where tcpdump's optimizer reuses one load for two tests, so that a frame cut between the source
     * and destination port is accepted by its program and rejected by ours (which loads both, in
     * the order written). Whole frames always agree.
     */
    static final java.util.Set<String> REORDERED_LOADS = java.util.Set.of("port 80 or 443");

    @BeforeAll
    static void setUp() throws IOException {
        tcpdump = ExternalTools.which("tcpdump");
        tmp = Files.createTempDirectory("rs-bpf-");
        // An empty pcap file of LINKTYPE_ETHERNET: tcpdump -r compiles for its link type offline.
        ByteBuffer hdr = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        hdr.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        Files.write(tmp.resolve("eth.pcap"), hdr.array());
        TestFrames gen = new TestFrames(20261126L);
        frames = new ArrayList<>(FRAMES);
        for (int i = 0; i < FRAMES; i++) {
            frames.add(gen.next());
        }
        java.util.Random cut = new java.util.Random(7);
        truncated = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            byte[] f = gen.next();
            truncated.add(java.util.Arrays.copyOf(f, cut.nextInt(120)));
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

    /** tcpdump's output for {@code -dd} or {@code -d}, or a failure with its stderr. */
    static String tcpdump(String flag, String expr) throws IOException, InterruptedException {
        Assumptions.assumeTrue(tcpdump != null,
                "tcpdump is not installed (CI installs Debian's): cannot compare with libpcap's compiler");
        Process p = new ProcessBuilder(tcpdump, "-r", tmp.resolve("eth.pcap").toString(), flag, "--", expr)
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tcpdump did not finish for " + expr);
        }
        if (p.exitValue() != 0) {
            fail("tcpdump refused \"" + expr + "\": " + new String(err, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void corpusIsLargeEnough() {
        assertTrue(CORPUS.size() >= 40, "corpus has " + CORPUS.size() + " expressions");
        assertTrue(CORPUS.stream().distinct().count() == CORPUS.size(), "corpus has duplicates");
    }

    @TestFactory
    Stream<DynamicTest> sameVerdictAsTcpdump() {
        return CORPUS.stream().map(expr -> DynamicTest.dynamicTest("\"" + expr + "\"", () -> {
            Assumptions.assumeTrue(corpusHere().contains(expr), "no /etc/services to look service names up in");
            BpfProgram theirs = BpfProgram.parse(tcpdump("-dd", expr));
            BpfProgram ours = BpfProgram.compile(expr);
            int accepted = 0;
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                int want = theirs.run(f, f.length);
                int got = ours.run(f, f.length);
                if (want != got) {
                    fail("\"" + expr + "\" frame " + i + " (" + f.length + " bytes): tcpdump's program returns " + want
                            + ", ours " + got + "\nframe: " + java.util.HexFormat.of().formatHex(f)
                            + "\ntcpdump's:\n" + theirs + "ours:\n" + ours);
                }
                if (got != 0) {
                    accepted++;
                    assertEquals(BpfProgram.ACCEPT_SNAPLEN, got);
                }
            }
            if (!REORDERED_LOADS.contains(expr)) {
                for (int i = 0; i < truncated.size(); i++) {
                    byte[] f = truncated.get(i);
                    if (theirs.run(f, f.length) != ours.run(f, f.length)) {
                        fail("\"" + expr + "\" truncated frame " + i + " (" + f.length + " bytes): tcpdump's program returns "
                                + theirs.run(f, f.length) + ", ours " + ours.run(f, f.length) + "\nframe: "
                                + java.util.HexFormat.of().formatHex(f) + "\ntcpdump's:\n" + theirs + "ours:\n" + ours);
                    }
                }
            }
            // A filter that never (or always) matches would compare nothing interesting.
            if (!expr.isEmpty() && !expr.equals("net 0.0.0.0/0") && !expr.equals("net ::/0")) {
                assertTrue(accepted > 0 && accepted < frames.size(),
                        "\"" + expr + "\" accepted " + accepted + " of " + frames.size() + " frames: make the frames hit it");
            }
        }));
    }

    /** Our {@code toString()} is {@code tcpdump -d}'s listing of the same program. */
    @TestFactory
    Stream<DynamicTest> toStringIsTcpdumpListing() {
        return Stream.of("tcp port 80", "ip[ip[0]&0xf] = 1", "len - 14 > ip[2:2]", "vlan 100 and udp", "ip6 net fe80::/10",
                "tcp[13] & 2 != 0 and len - 4 > 5", "ether multicast", "less 100").map(expr ->
                DynamicTest.dynamicTest("\"" + expr + "\"", () -> {
                    BpfProgram theirs = BpfProgram.parse(tcpdump("-dd", expr));
                    String listing = tcpdump("-d", expr);
                    assertEquals(listing.lines().map(String::stripTrailing).toList(),
                            theirs.toString().lines().map(String::stripTrailing).toList());
                    assertEquals(theirs, BpfProgram.parse(theirs.toDdString()));
                }));
    }
}
