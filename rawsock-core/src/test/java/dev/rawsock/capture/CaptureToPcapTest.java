package dev.rawsock.capture;

import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.rawsock.TestSupport.which;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The README's example: a filtered capture on lo written with PcapWriter; tshark and PcapReader read it back. */
class CaptureToPcapTest {
    @TempDir Path dir;

    @Test
    void aCaptureWrittenToPcapOpensInTshark() throws Exception {
        assumeTrue(CaptureSupport.canCapture(), CaptureSupport.NEEDS_CAP);
        Path file = dir.resolve("capture.pcap");
        int port;
        long t0 = System.currentTimeMillis() * 1_000_000L;
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            port = CaptureSupport.port(sink);
            // --- the README example: lo instead of eth0, our port instead of 53, 10 packets, assertions
            Capture.Options options = Capture.Options.defaults()
                    .filter("udp port " + port + " or tcp port 443")
                    .snaplen(256);
            try (Capture capture = Capture.open("lo", options);
                 PcapWriter pcap = PcapWriter.create(file)) {
                for (int i = 0; i < 10; i++) CaptureSupport.sendUdp(src, port, ("datagram " + i).getBytes(StandardCharsets.US_ASCII));
                int n = capture.forEach(10, Duration.ofSeconds(10), pcap::write);
                System.out.println(n + " packets; " + capture.stats());
                assertEquals(10, n);
            }
        }

        try (PcapReader r = PcapReader.open(file)) {
            for (int i = 0; i < 10; i++) {
                PcapRecord rec = r.next();
                byte[] d = new byte[rec.data().remaining()];
                rec.data().get(d);
                assertEquals(14 + 20 + 8 + 10, rec.wireLength());
                assertTrue(CaptureSupport.contains(d, ("datagram " + i).getBytes(StandardCharsets.US_ASCII)));
                assertTrue(Math.abs(rec.timestampNanos() - t0) < 60_000_000_000L);
            }
            assertNull(r.next());
        }

        String tshark = which("tshark");
        assumeTrue(tshark != null, "tshark is not installed (Debian package tshark; .ci/run installs it)");
        Process p = new ProcessBuilder(tshark, "-n", "-r", file.toString(), "-T", "fields", "-E", "separator=,",
                "-e", "ip.dst", "-e", "udp.dstport", "-e", "udp.length", "-e", "frame.len")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tshark finished");
        assertEquals(0, p.exitValue(), "tshark exit status");
        List<String> lines = new ArrayList<>(out.lines().filter(l -> !l.isBlank()).toList());
        assertEquals(10, lines.size(), out);
        for (String l : lines) assertEquals("127.0.0.1," + port + ",18,52", l);
    }
}
