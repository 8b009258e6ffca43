package dev.rawsock;

import dev.rawsock.packet.testing.SampleFrames;
import dev.rawsock.packet.testing.Tshark;
import dev.rawsock.packet.EthernetHeader;
import dev.rawsock.packet.IcmpHeader;
import dev.rawsock.packet.Ipv4Header;
import dev.rawsock.packet.Ipv6Header;
import dev.rawsock.packet.Packets;
import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.PcapWriter;
import dev.rawsock.packet.TcpHeader;
import dev.rawsock.packet.UdpHeader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.rawsock.TestSupport.which;
import static org.junit.jupiter.api.Assertions.*;

/** Our pcap files against the real tools: tshark reads what we write, we read what tcpdump writes. */
class ToolsTest {
    @TempDir Path dir;

    @Test
    void tsharkReadsWhatWeWriteWithTheSameFieldsAndGoodChecksums() throws Exception {
        String tshark = which("tshark");
        Assumptions.assumeTrue(tshark != null, "tshark is not installed (Debian package tshark; .ci/run installs it)");
        List<byte[]> frames = SampleFrames.frames();
        long t0 = 1_700_000_000_123_456_789L;
        for (boolean nanos : new boolean[] {false, true}) {
            Path f = dir.resolve("ours-" + nanos + ".pcap");
            try (PcapWriter w = PcapWriter.create(f, PcapWriter.LINKTYPE_ETHERNET, PcapWriter.DEFAULT_SNAPLEN, nanos)) {
                for (int i = 0; i < frames.size(); i++) w.write(t0 + i * 1_000_000_007L, frames.get(i).length, ByteBuffer.wrap(frames.get(i)));
            }
            List<String> lines = tshark(tshark, f, "frame.time_epoch", "frame.len", "ip.src", "ip.dst", "ip.checksum.status",
                    "udp.srcport", "udp.dstport", "udp.checksum.status", "tcp.srcport", "tcp.dstport", "tcp.seq_raw",
                    "tcp.checksum.status", "icmp.type", "icmp.ident", "icmp.seq", "icmp.checksum.status", "ipv6.src",
                    "ipv6.dst");
            assertEquals(frames.size(), lines.size(), lines.toString());
            for (int i = 0; i < frames.size(); i++) {
                String[] v = lines.get(i).split(",", -1);
                long t = t0 + i * 1_000_000_007L;
                if (!nanos) t = t / 1000 * 1000;
                assertEquals(String.format("%d.%09d", t / 1_000_000_000L, t % 1_000_000_000L), v[0].length() == 20 ? v[0] : v[0] + "000");
                assertEquals(String.valueOf(frames.get(i).length), v[1]);
                byte[] fr = frames.get(i);
                if (EthernetHeader.of(fr, 0).etherType() == EthernetHeader.TYPE_IPV4) {
                    Ipv4Header h = Ipv4Header.of(fr, 14);
                    assertEquals(h.source().getHostAddress(), v[2]);
                    assertEquals(h.destination().getHostAddress(), v[3]);
                    assertEquals("1", v[4], "tshark: IPv4 header checksum good");
                    switch (h.protocol()) {
                        case 17 -> {
                            UdpHeader u = UdpHeader.of(fr, 34);
                            assertEquals(u.sourcePort() + "," + u.destinationPort() + ",1", v[5] + "," + v[6] + "," + v[7]);
                        }
                        case 6 -> {
                            TcpHeader tc = TcpHeader.of(fr, 34);
                            assertEquals(tc.sourcePort() + "," + tc.destinationPort() + "," + tc.sequence() + ",1",
                                    v[8] + "," + v[9] + "," + v[10] + "," + v[11]);
                        }
                        case 1 -> {
                            IcmpHeader c = IcmpHeader.of(fr, 34);
                            assertEquals(c.type() + "," + c.identifier() + "," + c.sequence() + ",1",
                                    v[12] + "," + Integer.decode(v[13]) + "," + v[14] + "," + v[15]);
                        }
                        default -> fail("unexpected protocol");
                    }
                } else {
                    Ipv6Header h = Ipv6Header.of(fr, 14);
                    assertEquals(Rawsock.convertAddress(Domain.INET6, h.sourceBytes()), v[16]);
                    assertEquals(Rawsock.convertAddress(Domain.INET6, h.destinationBytes()), v[17]);
                    assertEquals("1,2,1", v[5] + "," + v[6] + "," + v[7], "UDP over IPv6, checksum good");
                }
            }
        }
        // LINKTYPE_RAW: bare IP packets.
        Path raw = dir.resolve("raw.pcap");
        byte[] p = Packets.udp(InetAddress.getByName("10.9.8.7"), 53, InetAddress.getByName("10.1.1.1"), 5353, new byte[12]);
        try (PcapWriter w = PcapWriter.create(raw, PcapWriter.LINKTYPE_RAW)) {
            w.write(0, p);
        }
        assertEquals(List.of("10.9.8.7,10.1.1.1,53,5353,1," + p.length),
                tshark(tshark, raw, "ip.src", "ip.dst", "udp.srcport", "udp.dstport", "udp.checksum.status", "frame.len"));
    }

    private static List<String> tshark(String tshark, Path file, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tshark, "-n", "-r", file.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-E", "separator=,"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        return Tshark.run(cmd);
    }

    @Test
    void weReadWhatTcpdumpWritesOnLoopback() throws Exception {
        String tcpdump = which("tcpdump");
        Assumptions.assumeTrue(tcpdump != null, "tcpdump is not installed (Debian package tcpdump; .ci/run installs it)");
        int receiver = Rawsock.socket(Domain.INET, SocketType.DGRAM);
        int sender = Rawsock.socket(Domain.INET, SocketType.DGRAM);
        Process p = null;
        try {
            InetAddress lo = InetAddress.getByName("127.0.0.1");
            Rawsock.bind(receiver, SockAddr.inet(lo, 0));
            int port = Rawsock.getsockname(receiver).port();
            Rawsock.bind(sender, SockAddr.inet(lo, 0));
            int sport = Rawsock.getsockname(sender).port();
            int n = 5;
            Path f = dir.resolve("tcpdump.pcap");
            p = new ProcessBuilder(tcpdump, "-i", "lo", "-n", "-U", "-Z", "root", "-c", String.valueOf(n), "-w", f.toString(),
                    "udp and src port " + sport + " and dst port " + port).start();
            Process proc = p;
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> {
                StringBuilder seen = new StringBuilder();
                try {
                    for (String line; (line = err.readLine()) != null; ) {
                        seen.append(line).append('\n');
                        if (line.contains("listening on")) return seen.toString();
                    }
                } catch (IOException e) {
                    // fall through
                }
                return "exited: " + seen;
            });
            String started = listening.get(60, TimeUnit.SECONDS);
            Assumptions.assumeTrue(started.contains("listening on"), "tcpdump could not capture on lo here: " + started);
            // Keep draining stderr so tcpdump never blocks on it.
            CompletableFuture.runAsync(() -> {
                try {
                    err.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // process gone
                }
            });
            byte[] buf = new byte[100];
            for (int i = 0; i < n; i++) {
                byte[] msg = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
                Rawsock.sendto(sender, msg, SockAddr.inet(lo, port));
                assertFalse(Rawsock.poll(receiver, EnumSet.of(PollEvent.IN), 5000).isEmpty(), "datagram delivered");
                Rawsock.recv(receiver, buf);
            }
            assertTrue(proc.waitFor(30, TimeUnit.SECONDS), "tcpdump exits after " + n + " packets");
            try (PcapReader r = PcapReader.open(f)) {
                assertEquals(PcapReader.LINKTYPE_ETHERNET, r.linktype());
                long previous = 0;
                for (int i = 0; i < n; i++) {
                    PcapRecord rec = r.next();
                    assertNotNull(rec, "record " + i);
                    String payload = "datagram " + i;
                    assertEquals("IP 127.0.0.1." + sport + " > 127.0.0.1." + port + ": UDP, length " + payload.length(),
                            Packets.describe(rec, r.linktype()));
                    byte[] d = rec.bytes();
                    assertEquals(rec.wireLength(), d.length);
                    assertEquals(payload, new String(d, 42, d.length - 42, StandardCharsets.US_ASCII));
                    assertTrue(rec.timestampNanos() >= previous, "time goes forward");
                    assertTrue(Math.abs(rec.timestampNanos() / 1_000_000L - System.currentTimeMillis()) < 600_000, "a recent timestamp");
                    previous = rec.timestampNanos();
                }
                assertNull(r.next());
            }
        } finally {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            }
            Rawsock.sockClose(receiver);
            Rawsock.sockClose(sender);
        }
    }
}
