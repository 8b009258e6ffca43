package dev.rawsock;

import dev.rawsock.packet.Packets;
import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.PcapWriter;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The README's packets example, with a UDP receiver to show the kernel accepted the packet. */
class PacketsReadmeExampleTest {
    @Test
    void readmeExample() throws Exception {
        try {
            RawSocket.open(Domain.INET, SocketType.RAW, Protocol.RAW).close();
        } catch (dev.rawsock.ErrnoException e) {
            assumeTrue(false, "raw sockets need CAP_NET_RAW: " + e.getMessage());
        }
        Path dir = Files.createTempDirectory("rs-readme");
        Path file = dir.resolve("udp.pcap");
        try (RawSocket rx = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            rx.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            rx.timeout(Duration.ofSeconds(5));
            int port = rx.localAddress().port();

            Inet4Address lo = (Inet4Address) InetAddress.getLoopbackAddress();
            byte[] packet = Packets.udp(lo, 40000, lo, port, "hi".getBytes());
            assertEquals("IP 127.0.0.1.40000 > 127.0.0.1." + port + ": UDP, length 2",
                    Packets.describe(packet, Packets.LINKTYPE_RAW));
            try (RawSocket raw = RawSocket.open(Domain.INET, SocketType.RAW, Protocol.RAW)) {
                raw.sendTo(packet, SockAddr.inet(lo, 0));
            }
            try (PcapWriter w = PcapWriter.create(file, PcapWriter.LINKTYPE_RAW)) {
                w.write(System.currentTimeMillis() * 1_000_000L, packet);
            }
            List<Integer> lengths = new ArrayList<>();
            try (PcapReader r = PcapReader.open(file)) {
                for (PcapRecord rec; (rec = r.next()) != null; ) lengths.add(rec.wireLength());
            }
            assertEquals(List.of(packet.length), lengths);
            byte[] in = new byte[16];
            assertEquals(2, rx.recv(in), "the kernel delivered our crafted datagram");
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
