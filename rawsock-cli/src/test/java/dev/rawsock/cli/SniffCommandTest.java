package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SniffCommandTest {
    static final int N = 5;

    /** Sniffs lo with -c N -w into a pcap while N datagrams go to 127.0.0.1; tshark reads the same frames. */
    @Test
    void writesAPcapThatTsharkReads() throws Exception {
        assumeTrue(Cli.capNetRaw(), "capture needs CAP_NET_RAW");
        Path dir = Files.createTempDirectory("rs-sniff");
        Path pcap = dir.resolve("lo.pcap");
        int port = ThreadLocalRandom.current().nextInt(20000, 30000);
        try (Sniffer sniffer = new Sniffer("-i", "lo", "-c", Integer.toString(N), "--timeout", "60", "-w", pcap.toString(),
                "udp", "and", "dst", "port", Integer.toString(port))) {
            StringWriter out = sniffer.out, err = sniffer.err;
            sniffer.awaitListening("lo");
            try (RawSocket tx = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
                for (int i = 0; i < N; i++) {
                    tx.sendTo(("datagram " + i).getBytes(StandardCharsets.UTF_8), SockAddr.inet(InetAddress.getLoopbackAddress(), port));
                }
            }
            assertEquals(0, sniffer.exitStatus(), () -> out + "\n" + err);
            assertTrue(err.toString().contains(N + " packets captured"), err::toString);
            assertTrue(err.toString().contains("Got " + N), err::toString);
            assertEquals("", out.toString());

            if (Cli.have("tshark")) {
                // -d: the random port may be one a tshark dissector claims (24576 is), which leaves data.data empty
                Cli.Result t = Cli.sh("tshark", "-r", pcap.toString(), "-d", "udp.port==" + port + ",data",
                        "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "udp.dstport", "-e", "data.data");
                assertEquals(0, t.rc(), t::toString);
                List<String> frames = t.outLines();
                assertEquals(N, frames.size(), t::toString);
                for (int i = 0; i < N; i++) {
                    String hex = java.util.HexFormat.of().formatHex(("datagram " + i).getBytes(StandardCharsets.UTF_8));
                    assertEquals("127.0.0.1\t127.0.0.1\t" + port + "\t" + hex, frames.get(i), t::toString);
                }
            }

            // -r reads it back, one tcpdump-like line per frame; a filter that matches none prints nothing
            Cli.Result r = Cli.run("sniff", "-r", pcap.toString());
            assertEquals(0, r.rc(), r::toString);
            assertEquals(N, r.outLines().size(), r::toString);
            for (String l : r.outLines()) {
                assertTrue(l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP 127\\.0\\.0\\.1\\.\\d+ > 127\\.0\\.0\\.1\\." + port + ": UDP, length 10"), l);
            }
            Cli.Result none = Cli.run("sniff", "-r", pcap.toString(), "tcp");
            assertEquals(0, none.rc(), none::toString);
            assertEquals("", none.out());
            Cli.Result two = Cli.run("sniff", "-r", pcap.toString(), "-c", "2");
            assertEquals(2, two.outLines().size(), two::toString);
        } finally {
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * {@code -i any --immediate} in a namespace of its own: the file is LINUX_SLL2, as tcpdump writes
     * "any", and each record starts with the SLL2 header. Datagrams go to lo (bash's /dev/udp) until
     * sniff has its two packets (bounded in count).
     */
    @Test
    void anyWritesLinuxSll2Frames() throws Exception {
        assumeTrue(Cli.canNetns() && Cli.have("bash"), "needs root, ip netns and bash");
        Path cp = Cli.readableClassPath();
        Path dir = Files.createTempDirectory("rs-sniff-any");
        Path pcap = dir.resolve("any.pcap");
        try (Cli.Netns ns = new Cli.Netns("any")) {
            String java = String.join(" ", Cli.java(), "--enable-native-access=ALL-UNNAMED", "-cp", Cli.classPathOf(cp),
                    "dev.rawsock.cli.Main", "sniff", "-i", "any", "--immediate", "-c", "2", "--timeout", "30", "-w", pcap.toString());
            String err = dir.resolve("err.txt").toString();
            Cli.Result r = ns.in(Duration.ofSeconds(90), "bash", "-c", java + " 2>" + err + " & pid=$!; i=0;"
                    + " while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do"
                    + "   grep -q listening " + err + " && echo x >/dev/udp/127.0.0.1/9; i=$((i+1)); sleep 0.1;"
                    + " done; wait $pid; rc=$?; cat " + err + "; rm -f " + err + "; exit $rc");
            assertEquals(0, r.rc(), r::toString);
            assertTrue(r.out().contains("listening on any, link-type LINUX_SLL2"), r::toString);
            try (dev.rawsock.packet.PcapReader in = dev.rawsock.packet.PcapReader.open(pcap)) {
                assertEquals(dev.rawsock.packet.LinkType.LINUX_SLL2, in.linktype());
                int n = 0;
                for (dev.rawsock.packet.PcapRecord rec; (rec = in.next()) != null; n++) {
                    byte[] b = rec.bytes();
                    assertEquals(0x0800, ((b[0] & 0xff) << 8) | (b[1] & 0xff), "sll2_protocol IPv4");
                    assertEquals(0x45, b[20] & 0xff, "the IP header after the 20-byte SLL2 header");
                }
                assertEquals(2, n);
            }
        } finally {
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(dir);
            Cli.deleteTree(cp);
        }
    }

    @Test
    void badFilterIsUsage() {
        Cli.Result r = Cli.run("sniff", "-r", "/nonexistent.pcap", "udp", "port", "notaport");
        assertEquals(2, r.rc(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("rawsock sniff: bad filter"), r::toString);
    }

    @Test
    void missingFileAndInterfaceAreOneLineFailures() {
        Cli.Result r = Cli.run("sniff", "-r", "/nonexistent/file.pcap");
        assertEquals(1, r.rc(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assumeTrue(Cli.capNetRaw(), "capture needs CAP_NET_RAW");
        Cli.Result i = Cli.run("sniff", "-i", "nosuchif0", "-c", "1");
        assertEquals(1, i.rc(), i::toString);
        assertEquals(List.of("rawsock sniff: nosuchif0: no such interface"), i.errLines());
    }

    /** Without CAP_NET_RAW (uid 65534 in a namespace) sniff says what it needs in one line. */
    @Test
    void unprivilegedSniffSaysWhy() throws Exception {
        assumeTrue(Cli.canNetns() && Cli.have("setpriv"), "needs root, ip and setpriv");
        Path cp = Cli.readableClassPath();
        try (Cli.Netns ns = new Cli.Netns("sniff")) {
            Cli.Result r = ns.in(Duration.ofSeconds(60), "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Cli.java(), "--enable-native-access=ALL-UNNAMED", "-cp", Cli.classPathOf(cp), "dev.rawsock.cli.Main",
                    "sniff", "-i", "lo", "-c", "1");
            assertEquals(1, r.rc(), r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
            assertTrue(r.err().contains("CAP_NET_RAW"), r::toString);
        } finally {
            Cli.deleteTree(cp);
        }
    }

    @Test
    void helpSaysPIsAcceptedAndSniffIsNeverPromiscuousWithoutPromisc() {
        Cli.Result r = Cli.run("sniff", "--help");
        assertEquals(0, r.rc(), r::toString);
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("never put in promiscuous mode unless --promisc is given: -p is accepted"), help);
        for (String opt : List.of("-e", "-x", "-X", "-A", "-q", "-t", "-#", "-S", "-v", "-D", "-B", "-s", "-p", "-c", "-r", "-w", "-n"))
            assertTrue(help.contains(opt + " ") || help.contains(opt + "="), opt + " in " + help);
    }

    /** -D in a namespace of our own: the interfaces and "any" in tcpdump -D's order and numbers, with its states. */
    @Test
    void listsInterfacesAsTcpdumpDoes() throws Exception {
        assumeTrue(Cli.canNetns() && Cli.have("tcpdump"), "needs root, ip and tcpdump");
        try (Cli.Netns ns = new Cli.Netns("list")) {
            ns.must("ip", "link", "add", "va", "type", "veth", "peer", "name", "vb");
            ns.must("ip", "link", "set", "va", "up");
            ns.must("ip", "link", "add", "vc", "type", "veth", "peer", "name", "vd");
            ns.must("ip", "link", "set", "vc", "up");
            ns.must("ip", "link", "set", "vd", "up");
            List<String> want = ns.must("tcpdump", "-D").outLines();
            List<String> got = ns.must(Cli.java(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "dev.rawsock.cli.Main", "sniff", "-D").outLines();
            // tcpdump also lists libpcap's non-network sources (nflog, dbus, ...) after the network ones
            List<String> names = List.of("any", "lo", "va", "vb", "vc", "vd");
            List<String> ours = want.stream().filter(l -> names.contains(l.replaceFirst("^\\d+\\.", "").split(" ")[0])).toList();
            assertEquals(6, got.size(), got::toString);
            assertEquals(ours.subList(0, 5), got.subList(0, 5), "tcpdump -D:\n" + String.join("\n", want));
        }
    }

    /** Live on lo, tcpdump and sniff capture the same datagrams and print the same lines (-t: no time stamps). */
    @Test
    void livePrintingMatchesTcpdumpOnTheSamePackets() throws Exception {
        assumeTrue(Cli.capNetRaw() && Cli.have("tcpdump"), "needs CAP_NET_RAW and tcpdump");
        int port = ThreadLocalRandom.current().nextInt(30000, 40000);
        Path dir = Files.createTempDirectory("rs-sniff-live");
        Path terr = dir.resolve("tcpdump.err"), tout = dir.resolve("tcpdump.out");
        Process tcpdump = new ProcessBuilder("tcpdump", "-n", "-t", "-i", "lo", "--immediate-mode", "-c", Integer.toString(N), "udp",
                "and", "dst", "port", Integer.toString(port)).redirectOutput(tout.toFile()).redirectError(terr.toFile()).start();
        try (Sniffer sniffer = new Sniffer("-n", "-t", "-i", "lo", "-c", Integer.toString(N), "--timeout", "60", "udp", "and", "dst",
                "port", Integer.toString(port))) {
            sniffer.awaitListening("lo");
            Cli.awaitContains(terr, "listening on");  // tcpdump has started
            try (RawSocket tx = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
                for (int i = 0; i < N; i++)
                    tx.sendTo(("live " + i).getBytes(StandardCharsets.UTF_8), SockAddr.inet(InetAddress.getLoopbackAddress(), port));
            }
            assertEquals(0, sniffer.exitStatus(), () -> sniffer.out + "\n" + sniffer.err);
            assertTrue(tcpdump.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "tcpdump ended");
            List<String> want = Files.readAllLines(tout), got = List.of(sniffer.out.toString().split("\n"));
            assertEquals(N, want.size(), want::toString);
            assertEquals(want, got);
        } finally {
            tcpdump.destroyForcibly();
            Cli.deleteTree(dir);
        }
    }
}
