package dev.rawsock;

import dev.rawsock.packet.LinkType;
import dev.rawsock.packet.Packets;
import dev.rawsock.packet.PcapInterface;
import dev.rawsock.packet.PcapWriter;
import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.testing.Tshark;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rawsock.TestSupport.which;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Capture files the real tools write from real traffic, read back as tshark reads them: {@code tcpdump -w}
 * (classic pcap, Ethernet), {@code tcpdump -i any -w} (LINUX_SLL2) and {@code dumpcap} on two interfaces
 * (pcapng). The traffic: UDP datagrams both ways over a veth pair between two namespaces this test makes,
 * and on the first namespace's loopback.
 */
class PcapFromToolsTest {
    @TempDir Path dir;
    static String ns1, ns2;

    @BeforeAll
    static void namespaces() throws Exception {
        Assumptions.assumeTrue(which("tshark") != null, "tshark is not installed (Debian package tshark; .ci/run installs it)");
        ns1 = TestSupport.addNetns("pcapf");
        ns2 = TestSupport.addNetns("pcapf");
        TestSupport.ip("-n", ns1, "link", "add", "name", "pa", "type", "veth", "peer", "name", "pb", "netns", ns2);
        TestSupport.ip("-n", ns1, "addr", "add", "10.77.0.1/24", "dev", "pa");
        TestSupport.ip("-n", ns2, "addr", "add", "10.77.0.2/24", "dev", "pb");
        for (String[] up : new String[][] {{ns1, "pa"}, {ns1, "lo"}, {ns2, "pb"}, {ns2, "lo"}})
            TestSupport.ip("-n", up[0], "link", "set", up[1], "up");
    }

    @AfterAll
    static void removeNamespaces() throws Exception {
        TestSupport.deleteNetns(ns1);
        TestSupport.deleteNetns(ns2);
    }

    /** 3 datagrams from ns1 to ns2 and 2 back over the veth pair; with {@code lo}, 2 more on ns1's loopback. */
    private static void traffic(boolean lo) throws Exception {
        send(ns1, "10.77.0.2", 3);
        send(ns2, "10.77.0.1", 2);
        if (lo) send(ns1, "127.0.0.1", 2);
    }

    private static void send(String ns, String to, int n) throws Exception {
        TestSupport.check(30, List.of("ip", "netns", "exec", ns, "bash", "-c",
                "for i in $(seq " + n + "); do echo datagram $i > /dev/udp/" + to + "/9; done"));
    }

    /** Starts a capture tool in ns1 and waits (at most 60 s) until its stderr says it is capturing. */
    private static Process start(String ready, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns1));
        c.addAll(List.of(cmd));
        Process p = new ProcessBuilder(c).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String seen = CompletableFuture.supplyAsync(() -> {
            StringBuilder s = new StringBuilder();
            try {
                for (String line; (line = err.readLine()) != null; ) {
                    s.append(line).append('\n');
                    if (line.contains(ready)) return s.toString();
                }
            } catch (IOException e) {
                // the tool went away: say what it printed
            }
            return "exited: " + s;
        }).get(60, TimeUnit.SECONDS);
        if (!seen.contains(ready)) p.destroyForcibly();
        Assumptions.assumeTrue(seen.contains(ready), cmd[0] + " could not capture here: " + seen);
        CompletableFuture.runAsync(() -> {
            try {
                err.transferTo(java.io.Writer.nullWriter()); // keep draining so the tool never blocks on stderr
            } catch (IOException ignored) {
                // gone
            }
        });
        return p;
    }

    private static void finish(Process p) throws InterruptedException {
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the tool stops after its packet count");
            assertEquals(0, p.exitValue());
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    /**
     * Our reading of {@code f} against tshark's: interfaces (id and name; a classic file has none in
     * tshark's eyes), times, lengths, comments and every byte.
     */
    private static void sameAsTshark(Path f, int packets, boolean classic) throws Exception {
        String tshark = which("tshark");
        List<String> theirs = Tshark.fields(tshark, f), ours = Tshark.ours(f);
        assertEquals(packets, theirs.size(), theirs.toString());
        assertEquals(packets, ours.size(), ours.toString());
        for (int i = 0; i < packets; i++) {
            String t = theirs.get(i), o = ours.get(i);
            if (classic) {
                assertTrue(t.startsWith("\t\t"), "tshark names no interface in a classic file: " + t);
                t = t.substring(2);
                o = o.substring(o.indexOf('\t', o.indexOf('\t') + 1) + 1);
            }
            assertEquals(t, o, "packet " + i);
        }
        String json = String.join("\n", Tshark.run(List.of(tshark, "-n", "-r", f.toString(), "-T", "json", "-x")));
        Matcher m = Pattern.compile("\"frame_raw\": \\[\\s*\"([0-9a-f]*)\"").matcher(json);
        try (PcapReader r = PcapReader.open(f)) {
            for (int i = 0; i < packets; i++) {
                assertTrue(m.find(), "tshark's bytes of packet " + i);
                PcapRecord rec = r.next();
                assertEquals(m.group(1), HexFormat.of().formatHex(rec.bytes()), "packet " + i);
                assertNotNull(Packets.describe(rec, rec.linkType()));
            }
        }
    }

    @Test
    void tcpdumpPcapOnAVeth() throws Exception {
        Assumptions.assumeTrue(which("tcpdump") != null, "tcpdump is not installed (Debian package tcpdump)");
        Path f = dir.resolve("veth.pcap");
        Process p = start("listening on", "tcpdump", "-i", "pa", "-n", "-U", "-Z", "root", "-c", "5", "-w", f.toString(), "udp");
        traffic(false);
        finish(p);
        sameAsTshark(f, 5, true);
        try (PcapReader r = PcapReader.open(f)) {
            assertFalse(r.isPcapNg());
            assertEquals(LinkType.ETHERNET, r.linktype());
            assertEquals(PcapWriter.DEFAULT_SNAPLEN, r.snaplen());
        }
    }

    @Test
    void tcpdumpOnAnyWritesLinuxSll2() throws Exception {
        Assumptions.assumeTrue(which("tcpdump") != null, "tcpdump is not installed (Debian package tcpdump)");
        Path f = dir.resolve("any.pcap");
        Process p = start("listening on", "tcpdump", "-i", "any", "-n", "-U", "-Z", "root", "-c", "7", "-w", f.toString(), "udp");
        traffic(true);
        finish(p);
        sameAsTshark(f, 7, true);
        try (PcapReader r = PcapReader.open(f)) {
            assertEquals(LinkType.LINUX_SLL2, r.linktype());
            PcapRecord rec = r.next();
            assertEquals(LinkType.LINUX_SLL2, rec.linkType());
            assertEquals(0x0800, rec.data().getShort(0) & 0xFFFF, "SLL2 starts with the protocol: IPv4");
        }
    }

    @Test
    void dumpcapPcapngOnTwoInterfaces() throws Exception {
        Assumptions.assumeTrue(which("dumpcap") != null, "dumpcap is not installed (Debian package wireshark-common)");
        Path f = dir.resolve("two.pcapng");
        Process p = start("Capturing on", "dumpcap", "-f", "udp", "-i", "pa", "-i", "lo", "-c", "7", "-w", f.toString());
        traffic(true);
        finish(p);
        sameAsTshark(f, 7, false);
        try (PcapReader r = PcapReader.open(f)) {
            assertTrue(r.isPcapNg());
            int onLo = 0;
            for (PcapRecord rec; (rec = r.next()) != null; ) {
                assertEquals(rec.interfaceId() == 0 ? "pa" : "lo", rec.interfaceName());
                if (rec.interfaceId() == 1) onLo++;
            }
            assertEquals(2, onLo, "2 datagrams on lo (libpcap keeps only the incoming copy of a loopback packet)");
            assertEquals(List.of("pa", "lo"), r.interfaces().stream().map(PcapInterface::name).toList());
            assertEquals(List.of(LinkType.ETHERNET, LinkType.ETHERNET), r.interfaces().stream().map(PcapInterface::linkType).toList());
            assertFalse(r.statistics().isEmpty(), "dumpcap writes interface statistics at the end");
        }
    }
}
