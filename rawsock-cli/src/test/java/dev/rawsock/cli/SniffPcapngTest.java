package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.LinkType;
import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.PcapStatistics;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code sniff -w x.pcapng}: the interface's name, the packets and the capture counts, as tshark and PcapReader read them. */
class SniffPcapngTest {
    static final int N = 4;

    @Test
    void writesPcapngByItsNameWithTheInterfaceAndTheCounts() throws Exception {
        assumeTrue(Cli.capNetRaw(), "capture needs CAP_NET_RAW");
        Path dir = Files.createTempDirectory("rs-sniff-ng");
        Path ng = dir.resolve("lo.pcapng");
        int port = ThreadLocalRandom.current().nextInt(30000, 40000);
        try (Sniffer sniffer = new Sniffer("-i", "lo", "-c", Integer.toString(N), "--timeout", "60", "-w", ng.toString(),
                "udp", "and", "dst", "port", Integer.toString(port))) {
            sniffer.awaitListening("lo");
            try (RawSocket tx = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
                for (int i = 0; i < N; i++)
                    tx.sendTo(("pcapng " + i).getBytes(StandardCharsets.UTF_8), SockAddr.inet(InetAddress.getLoopbackAddress(), port));
            }
            assertEquals(0, sniffer.exitStatus(), () -> sniffer.out + "\n" + sniffer.err);

            try (PcapReader r = PcapReader.open(ng)) {
                assertTrue(r.isPcapNg());
                for (int i = 0; i < N; i++) {
                    PcapRecord rec = r.next();
                    assertEquals(List.of("lo", LinkType.ETHERNET), List.of(rec.interfaceName(), rec.linkType()));
                    String payload = "pcapng " + i;
                    byte[] d = rec.bytes();
                    assertEquals(payload, new String(d, d.length - payload.length(), payload.length(), StandardCharsets.UTF_8));
                }
                assertNull(r.next());
                PcapStatistics st = r.statistics().getFirst();
                assertEquals(N, st.delivered());
                assertTrue(st.received() >= N && st.dropped() >= 0, st::toString);
            }
            if (Cli.have("tshark")) {
                Cli.Result t = Cli.sh("tshark", "-r", ng.toString(), "-T", "fields", "-e", "frame.interface_name", "-e", "udp.dstport");
                assertEquals(0, t.rc(), t::toString);
                assertEquals(java.util.Collections.nCopies(N, "lo\t" + port), t.outLines(), t::toString);
            }
            Cli.Result r = Cli.run("sniff", "-r", ng.toString());
            assertEquals(0, r.rc(), r::toString);
            assertEquals(N, r.outLines().size(), r::toString);
            assertTrue(r.outLines().getFirst().endsWith("127.0.0.1." + port + ": UDP, length 8"), r::toString);

            // --pcapng whatever the name; a -r of pcapng converts to it as well.
            Path named = dir.resolve("copy.cap");
            Cli.Result copy = Cli.run("sniff", "-r", ng.toString(), "--pcapng", "-w", named.toString());
            assertEquals(0, copy.rc(), copy::toString);
            try (PcapReader c = PcapReader.open(named)) {
                assertTrue(c.isPcapNg());
                int n = 0;
                while (c.next() != null) n++;
                assertEquals(N, n);
            }
            Files.delete(named);
        } finally {
            Files.deleteIfExists(ng);
            Files.deleteIfExists(dir);
        }
    }
}
