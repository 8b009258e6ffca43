package dev.rawsock.examples;

import dev.rawsock.Domain;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.Packets;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Ping: ICMP echo requests to a host (default 127.0.0.1) over a raw socket, one reply awaited per
 * request. Needs CAP_NET_RAW (root).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... dev.rawsock.examples.Ping [HOST [COUNT]]</pre>
 */
public final class Ping {
    public static void main(String[] args) throws Exception {
        InetAddress host = InetAddress.getByName(args.length > 0 ? args[0] : "127.0.0.1");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int id = (int) (ProcessHandle.current().pid() & 0xFFFF);
        int received = 0;
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.RAW, Protocol.ICMP)) {
            s.timeout(Duration.ofSeconds(2));
            byte[] reply = new byte[1500];
            for (int seq = 1; seq <= count; seq++) {
                byte[] request = Packets.icmpEchoRequest(id, seq, "rawsock".getBytes(StandardCharsets.US_ASCII));
                long sent = System.nanoTime();
                s.sendTo(request, SockAddr.inet(host, 0));
                // A raw ICMP socket sees every ICMP packet, our own request on loopback included:
                // wait for the echo reply (type 0) with our id and sequence number.
                while (true) {
                    int n = s.recv(reply);
                    int ihl = (reply[0] & 0x0F) * 4;
                    if (n < ihl + 8 || reply[ihl] != 0) continue;
                    int rid = ((reply[ihl + 4] & 0xFF) << 8) | (reply[ihl + 5] & 0xFF);
                    int rseq = ((reply[ihl + 6] & 0xFF) << 8) | (reply[ihl + 7] & 0xFF);
                    if (rid != id || rseq != seq) continue;
                    System.out.printf("%d bytes from %s: icmp_seq=%d time=%.3f ms%n", n - ihl,
                            host.getHostAddress(), seq, (System.nanoTime() - sent) / 1e6);
                    received++;
                    break;
                }
            }
        }
        System.out.printf("%d packets transmitted, %d received%n", count, received);
        System.exit(received == count ? 0 : 1);
    }

    private Ping() {}
}
