package dev.rawsock.capture;

import dev.rawsock.packet.LinkType;
import dev.rawsock.packet.Packets;
import dev.rawsock.packet.PcapNgWriter;
import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.PcapStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The README's pcapng example: a filtered capture on lo written with PcapNgWriter, its counts in the file, read back. */
class CaptureToPcapngTest {
    @TempDir Path dir;

    @Test
    void aCaptureWrittenToPcapngKeepsTheInterfaceAndTheCounts() throws Exception {
        assumeTrue(CaptureSupport.canCapture(), CaptureSupport.NEEDS_CAP);
        Path file = dir.resolve("out.pcapng");
        int port;
        List<String> lines = new ArrayList<>();
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            port = CaptureSupport.port(sink);
            Capture.Options options = Capture.Options.defaults().filter("udp port " + port).snaplen(256);
            // --- the README example: lo instead of eth0, 5 packets, our datagrams
            try (Capture capture = Capture.open("lo", options);
                 PcapNgWriter ng = PcapNgWriter.create(file)) {
                int eth0 = ng.addInterface("lo", LinkType.ETHERNET, 256);
                for (int i = 0; i < 5; i++) CaptureSupport.sendUdp(src, port, ("datagram " + i).getBytes(StandardCharsets.US_ASCII));
                assertEquals(5, capture.forEach(5, Duration.ofSeconds(10), p -> ng.write(eth0, p)));
                CaptureStats st = capture.stats();
                ng.statistics(eth0, st.received(), st.dropped());
            }
            try (PcapReader r = PcapReader.open(file)) {
                for (PcapRecord rec; (rec = r.next()) != null; )
                    lines.add(rec.interfaceName() + " " + Packets.describe(rec, rec.linkType()));
                PcapStatistics st = r.statistics().getFirst();
                assertEquals(5, st.delivered());
                assertTrue(st.received() >= 5 && st.dropped() == 0, st::toString);
            }
        }
        assertEquals(5, lines.size(), lines::toString);
        for (String l : lines) assertTrue(l.matches("lo IP 127\\.0\\.0\\.1\\.\\d+ > 127\\.0\\.0\\.1\\." + port + ": UDP, length 10"), l);
    }
}
