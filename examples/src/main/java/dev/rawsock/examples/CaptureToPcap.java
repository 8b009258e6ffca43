package dev.rawsock.examples;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.capture.Capture;
import dev.rawsock.packet.PcapWriter;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Captures UDP packets on the loopback interface into a pcap file (readable by tcpdump -r): it
 * sends the packets itself, to a port of its own, and stops after that many or after 10 seconds.
 * Needs CAP_NET_RAW (root).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... dev.rawsock.examples.CaptureToPcap OUT.pcap [COUNT]</pre>
 */
public final class CaptureToPcap {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "capture.pcap");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        int n;
        try (RawSocket rx = RawSocket.open(Domain.INET, SocketType.DGRAM);
             RawSocket tx = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            rx.bind(SockAddr.inet(lo, 0));
            int port = rx.localAddress().port();
            // Only this program's packets: the kernel runs the filter, so nothing else is copied.
            Capture.Options options = Capture.Options.defaults().filter("udp and dst port " + port).immediate(true);
            try (Capture capture = Capture.open("lo", options);
                 PcapWriter pcap = PcapWriter.create(out, capture.linkType())) {
                for (int i = 1; i <= count; i++) {
                    tx.sendTo(("packet " + i).getBytes(StandardCharsets.US_ASCII), SockAddr.inet(lo, port));
                }
                n = capture.forEach(count, Duration.ofSeconds(10), pcap::write);
            }
        }
        // After the writer's close: the file is complete.
        System.out.printf("%d of %d packets written to %s%n", n, count, out);
        System.exit(n == count ? 0 : 1);
    }

    private CaptureToPcap() {}
}
