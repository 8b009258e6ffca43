package dev.rawsock;

import dev.rawsock.packet.Checksums;
import dev.rawsock.packet.IcmpHeader;
import dev.rawsock.packet.Ipv4Header;
import dev.rawsock.packet.Ipv6Header;
import dev.rawsock.packet.Packets;
import dev.rawsock.packet.TcpHeader;
import dev.rawsock.packet.UdpHeader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The kernel is the judge: it drops UDP datagrams with a bad checksum and answers only ICMP echo
 * requests whose checksum is right. Loopback only; needs CAP_NET_RAW (probed).
 */
class KernelAgreementTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    static void assumeRaw() {
        try {
            Rawsock.sockClose(Rawsock.socket(Domain.INET, SocketType.RAW, Protocol.ICMP));
        } catch (ErrnoException e) {
            Assumptions.abort("no CAP_NET_RAW here (" + e.getMessage() + ")");
        }
    }

    /** Sends {@code packet} (IPv4 header included) on an IPPROTO_RAW socket (IP_HDRINCL implied) and waits for it on the UDP socket. */
    private static byte[] sendRawAndReceive(int raw, int udp, byte[] packet, int waitMillis) throws ErrnoException {
        Rawsock.sendto(raw, packet, SockAddr.inet(LO, 0));
        if (Rawsock.poll(udp, EnumSet.of(PollEvent.IN), waitMillis).isEmpty()) return null;
        byte[] buf = new byte[2048];
        int n = Rawsock.recv(udp, buf);
        return Arrays.copyOf(buf, n);
    }

    @Test
    void udpBuiltWithOurChecksumsIsDeliveredAndABadOneIsDropped() throws Exception {
        assumeRaw();
        int udp = Rawsock.socket(Domain.INET, SocketType.DGRAM);
        int raw = Rawsock.socket(Domain.INET, SocketType.RAW, Protocol.RAW);
        try {
            Rawsock.bind(udp, SockAddr.inet(LO, 0));
            int port = Rawsock.getsockname(udp).port();
            int sport = 20000 + ThreadLocalRandom.current().nextInt(20000);

            // 1. Packets builder (Checksums.fillUdp and fillIpv4Header).
            byte[] payload = "built by rawsock".getBytes(StandardCharsets.US_ASCII);
            byte[] good = Packets.udp(LO, sport, LO, port, payload);
            assertArrayEquals(payload, sendRawAndReceive(raw, udp, good, 5000));

            // 2. A wrong checksum: the kernel drops it (so case 1 proves the checksum right).
            byte[] bad = good.clone();
            UdpHeader.of(bad, 20).setChecksum(UdpHeader.of(good, 20).checksum() ^ 0x0101);
            assertNull(sendRawAndReceive(raw, udp, bad, 300), "the kernel drops a bad UDP checksum");

            // 3. CLISP's functions on an Ethernet frame: ipcsum then udpcsum, odd length.
            byte[] odd = "seed udpcsum!".getBytes(StandardCharsets.US_ASCII);
            byte[] frame = Packets.ethernet(new byte[6], new byte[6], 0x0800, Packets.udp(LO, sport, LO, port, odd));
            Arrays.fill(frame, 24, 26, (byte) 0x33);                 // IP checksum garbage
            Arrays.fill(frame, 14 + 20 + 6, 14 + 20 + 8, (byte) 0x44); // UDP checksum garbage
            Rawsock.ipcsum(frame);
            int c = Rawsock.udpcsum(frame);
            assertEquals(c, UdpHeader.of(frame, 34).checksum(), "udpcsum returns the big-endian value it stored");
            assertArrayEquals(odd, sendRawAndReceive(raw, udp, Arrays.copyOfRange(frame, 14, frame.length), 5000));

            // 4. An IPv4 header with options (IHL 6) filled by Checksums.fillAll.
            byte[] plain = Packets.udp(LO, sport, LO, port, payload);
            byte[] opts = new byte[plain.length + 4];
            System.arraycopy(plain, 0, opts, 0, 20);
            opts[20] = 1; opts[21] = 1; opts[22] = 1; opts[23] = 0; // NOP NOP NOP EOL
            System.arraycopy(plain, 20, opts, 24, plain.length - 20);
            Ipv4Header.of(opts, 0).setIhl(6);
            Ipv4Header.of(opts, 0).setTotalLength(opts.length);
            Checksums.fillAll(opts, 0, false);
            assertArrayEquals(payload, sendRawAndReceive(raw, udp, opts, 5000));
        } finally {
            Rawsock.sockClose(raw);
            Rawsock.sockClose(udp);
        }
    }

    /** The data of the echo reply with this id and sequence, or null when none comes in time. */
    private static byte[] awaitReply(int icmp, int id, int seq, int millis) throws ErrnoException {
        byte[] buf = new byte[2048];
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (int i = 0; i < 50 && System.nanoTime() < deadline; i++) {
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (Rawsock.poll(icmp, EnumSet.of(PollEvent.IN), left).isEmpty()) break;
            int n = Rawsock.recv(icmp, buf);
            Ipv4Header ip = Ipv4Header.of(Arrays.copyOf(buf, n), 0);
            IcmpHeader reply = IcmpHeader.of(ip.payload(), 0);
            if (reply.type() == IcmpHeader.ECHO_REPLY && reply.identifier() == id && reply.sequence() == seq) {
                assertEquals(0, Checksums.internet(ip.payload()), "the kernel's reply checksum verifies");
                return Arrays.copyOfRange(buf, ip.headerLength() + 8, n);
            }
        }
        return null;
    }

    @Test
    void icmpEchoChecksummedByIcmpcsumGetsTheKernelsReply() throws Exception {
        assumeRaw();
        Assumptions.assumeFalse(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/icmp_echo_ignore_all"))
                .trim().equals("1"), "net.ipv4.icmp_echo_ignore_all is set: the kernel answers no echo here");
        int icmp = Rawsock.socket(Domain.INET, SocketType.RAW, Protocol.ICMP);
        try {
            int id = ThreadLocalRandom.current().nextInt(1, 0xFFFF);
            byte[] data = "rawsock ping data".getBytes(StandardCharsets.US_ASCII);
            byte[] frame = Packets.ethernet(new byte[6], new byte[6], 0x0800,
                    Packets.icmpEcho((Inet4Address) LO, (Inet4Address) LO, id, 1, data));
            Arrays.fill(frame, 34 + 2, 34 + 4, (byte) 0x5A); // spoil it: icmpcsum must make it right
            int v = Rawsock.icmpcsum(frame);
            assertEquals(v, (frame[36] & 0xFF) | (frame[37] & 0xFF) << 8, "icmpcsum returns the stored bytes read little-endian");
            // The raw ICMP socket adds the IP header itself: send the ICMP message.
            Rawsock.sendto(icmp, frame, 34, frame.length, SockAddr.inet(LO, 0));
            assertArrayEquals(data, awaitReply(icmp, id, 1, 5000), "an echo reply with id " + id + " within 5 s");

            // Control: with a wrong checksum the kernel does not answer.
            byte[] bad = Packets.icmpEchoRequest(id, 2, data);
            bad[2] ^= 0x10;
            Rawsock.sendto(icmp, bad, SockAddr.inet(LO, 0));
            assertNull(awaitReply(icmp, id, 2, 300), "the kernel ignores an echo request with a bad checksum");
        } finally {
            Rawsock.sockClose(icmp);
        }
    }

    /**
     * IPv6: a UDP datagram behind a hop-by-hop and a destination-options header, checksummed by
     * {@link Checksums#fillUdp} (pseudo-header after the extension chain), sent whole on an
     * AF_INET6 IPPROTO_RAW socket (header included, Linux 4.5+) to ::1.
     */
    @Test
    void udpOverIpv6WithExtensionHeadersIsDelivered() throws Exception {
        assumeRaw();
        InetAddress lo6 = InetAddress.getByName("::1");
        int udp = Rawsock.socket(Domain.INET6, SocketType.DGRAM);
        int raw;
        try {
            raw = Rawsock.socket(Domain.INET6, SocketType.RAW, Protocol.RAW);
        } catch (ErrnoException e) {
            Rawsock.sockClose(udp);
            Assumptions.abort("no AF_INET6 IPPROTO_RAW sockets here: " + e.getMessage());
            return;
        }
        try {
            Rawsock.bind(udp, SockAddr.inet6(lo6, 0));
            int port = Rawsock.getsockname(udp).port();
            byte[] payload = "over IPv6, odd".getBytes(StandardCharsets.US_ASCII);
            byte[] plain = Packets.udp(lo6, 30000 + ThreadLocalRandom.current().nextInt(10000), lo6, port, payload);
            byte[] p = new byte[plain.length + 16];
            System.arraycopy(plain, 0, p, 0, 40);
            System.arraycopy(plain, 40, p, 56, plain.length - 40);
            Ipv6Header.of(p, 0).setNextHeader(Ipv6Header.HOP_BY_HOP).setPayloadLength(plain.length - 40 + 16);
            p[40] = Ipv6Header.DESTINATION_OPTIONS; p[42] = 1; p[43] = 4; // PadN
            p[48] = 17; p[50] = 1; p[51] = 4;                              // PadN
            Checksums.fillUdp(p, 0);
            Rawsock.sendto(raw, p, SockAddr.inet6(lo6, 0));
            assertFalse(Rawsock.poll(udp, EnumSet.of(PollEvent.IN), 5000).isEmpty(), "delivered to the UDP socket on ::1");
            byte[] buf = new byte[2048];
            int n = Rawsock.recv(udp, buf);
            assertArrayEquals(payload, Arrays.copyOf(buf, n));

            byte[] bad = p.clone();
            bad[56 + 6] ^= 0x01;
            Rawsock.sendto(raw, bad, SockAddr.inet6(lo6, 0));
            assertTrue(Rawsock.poll(udp, EnumSet.of(PollEvent.IN), 300).isEmpty(), "the kernel drops a bad UDP checksum");
        } finally {
            Rawsock.sockClose(raw);
            Rawsock.sockClose(udp);
        }
    }

    /** A TCP SYN checksummed by CLISP's tcpcsum (on an Ethernet frame) gets the listener's SYN-ACK. */
    @Test
    void tcpSynChecksummedByTcpcsumGetsASynAck() throws Exception {
        assumeRaw();
        int listener = Rawsock.socket(Domain.INET, SocketType.STREAM);
        int raw = Rawsock.socket(Domain.INET, SocketType.RAW, Protocol.RAW);
        int sniff = Rawsock.socket(Domain.INET, SocketType.RAW, Protocol.TCP);
        try {
            Rawsock.bind(listener, SockAddr.inet(LO, 0));
            Rawsock.sockListen(listener);
            int port = Rawsock.getsockname(listener).port();
            int sport = 40000 + ThreadLocalRandom.current().nextInt(20000);
            long seq = ThreadLocalRandom.current().nextLong(1L << 32);
            byte[] frame = Packets.ethernet(new byte[6], new byte[6], 0x0800, Packets.tcpSyn(LO, sport, LO, port, seq));
            Arrays.fill(frame, 14 + 20 + 16, 14 + 20 + 18, (byte) 0x21); // spoil the TCP checksum
            int c = Rawsock.tcpcsum(frame);
            assertEquals(c, TcpHeader.of(frame, 34).checksum());
            Rawsock.sendto(raw, frame, 14, frame.length, SockAddr.inet(LO, 0));
            byte[] buf = new byte[2048];
            long deadline = System.nanoTime() + 5_000_000_000L;
            for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
                int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (Rawsock.poll(sniff, EnumSet.of(PollEvent.IN), left).isEmpty()) break;
                int n = Rawsock.recv(sniff, buf);
                byte[] pkt = Arrays.copyOf(buf, n);
                TcpHeader t = TcpHeader.of(pkt, Ipv4Header.of(pkt, 0).headerLength());
                if (t.sourcePort() == port && t.destinationPort() == sport) {
                    assertEquals(TcpHeader.SYN | TcpHeader.ACK, t.flags() & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST));
                    assertEquals((seq + 1) & 0xFFFF_FFFFL, t.acknowledgment());
                    return;
                }
            }
            fail("no SYN-ACK from port " + port + " within 5 s");
        } finally {
            Rawsock.sockClose(sniff);
            Rawsock.sockClose(raw);
            Rawsock.sockClose(listener);
        }
    }
}
