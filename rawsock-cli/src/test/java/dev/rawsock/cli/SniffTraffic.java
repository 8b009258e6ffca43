package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.Checksums;
import dev.rawsock.packet.Ipv4Header;
import dev.rawsock.packet.Packets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The traffic of the differential sniff test, run as a child JVM inside the test's namespaces:
 * {@code server} (in the far namespace: a TCP server that answers a request with 20 KB, a DNS
 * responder for a fixed zone) and {@code client} (in the near one: ping, traceroute, a TCP transfer,
 * DNS queries, and frames made by hand for what normal traffic never shows).
 */
final class SniffTraffic {
    private SniffTraffic() {}

    static final int TCP_PORT = 8080, DNS_PORT = 53;
    /** The payload of the last frame: the captures are complete once they hold it. */
    static final String END = "sniff-end-of-traffic";

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "server" -> server(args[1], args[2]);
            case "client" -> client(args[1], args[2], args[3], args[4], args[5]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    // ---------------------------------------------------------------- server

    static void server(String v4, String v6) throws Exception {
        List<Thread> ts = new ArrayList<>();
        for (String a : List.of(v4, v6)) {
            ServerSocket ss = new ServerSocket();
            ss.bind(new InetSocketAddress(InetAddress.getByName(a), TCP_PORT));
            ts.add(Thread.ofPlatform().daemon().start(() -> tcpServer(ss)));
            DatagramSocket ds = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(a), DNS_PORT));
            ts.add(Thread.ofPlatform().daemon().start(() -> dnsServer(ds)));
        }
        System.out.println("ready");
        System.out.flush();
        // The test kills this process when the client is done; never run longer than two minutes.
        Thread.sleep(120_000);
    }

    private static void tcpServer(ServerSocket ss) {
        while (true) {
            try (Socket s = ss.accept()) {
                InputStream in = s.getInputStream();
                byte[] req = new byte[256];
                int n = in.read(req);
                OutputStream out = s.getOutputStream();
                String head = "HTTP/1.0 200 OK\r\nContent-Length: 20000\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                byte[] body = new byte[20000];
                for (int i = 0; i < body.length; i++) body[i] = (byte) ('a' + i % 26);
                out.write(body);
                out.flush();
                if (n < 0) return;
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void dnsServer(DatagramSocket ds) {
        byte[] buf = new byte[512];
        while (true) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                ds.receive(p);
                byte[] r = Dns.answer(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                ds.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- client

    static void client(String ifname, String far4, String far6, String near4, String near6) throws Exception {
        InetAddress f4 = InetAddress.getByName(far4), f6 = InetAddress.getByName(far6);
        run("ping", "-c", "2", "-i", "0.2", far4);
        run("ping", "-c", "1", "-s", "3000", far4);
        run("ping", "-6", "-c", "2", "-i", "0.2", far6);
        run("ping", "-6", "-c", "1", "-s", "3000", far6);
        run("traceroute", "-q", "1", "-w", "2", "-m", "3", far4);
        run("traceroute", "-6", "-q", "1", "-w", "2", "-m", "3", far6);
        for (InetAddress a : List.of(f4, f6)) tcp(a);
        String[][] queries = {
                {"a.test", "1"}, {"v6.test", "28"}, {"alias.test", "1"}, {"2.1.9.10.in-addr.arpa", "12"},
                {"test", "15"}, {"txt.test", "16"}, {"test", "2"}, {"test", "6"}, {"nx.test", "1"}};
        try (DatagramSocket ds = new DatagramSocket()) {
            ds.setSoTimeout(2000);
            int id = 0x1234;
            for (InetAddress a : List.of(f4, f6)) {
                for (String[] q : queries) {
                    byte[] m = Dns.query(id++, q[0], Integer.parseInt(q[1]));
                    ds.send(new DatagramPacket(m, m.length, a, DNS_PORT));
                    try {
                        ds.receive(new DatagramPacket(new byte[512], 512));
                    } catch (SocketTimeoutException e) {
                        System.err.println("no DNS answer for " + q[0]);
                    }
                }
            }
        }
        handMade(ifname, (Inet4Address) InetAddress.getByName(near4), (Inet4Address) f4,
                (Inet6Address) InetAddress.getByName(near6), (Inet6Address) f6);
    }

    private static void run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        System.err.println(String.join(" ", args) + " -> " + rc + "\n" + out + err);
    }

    private static void tcp(InetAddress a) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a, TCP_PORT), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.0\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            if (got.size() < 20000) throw new IOException("short response: " + got.size());
        }
    }

    /** Frames no normal exchange here makes, sent out of {@code ifname} through an AF_PACKET socket. */
    private static void handMade(String ifname, Inet4Address s4, Inet4Address d4, Inet6Address s6, Inet6Address d6) throws Exception {
        int ifindex = NetworkInterface.getByName(ifname).getIndex();
        byte[] src = NetworkInterface.getByName(ifname).getHardwareAddress();
        byte[] bcast = {-1, -1, -1, -1, -1, -1};
        List<byte[]> frames = new ArrayList<>();
        byte[] udp = Packets.udp(s4, 40000, d4, 9999, "vlan payload".getBytes(StandardCharsets.US_ASCII));
        frames.add(vlan(bcast, src, 100, 3, 0x0800, udp));
        frames.add(vlan(bcast, src, 4094, 0, 0x86DD, Packets.udp(s6, 40001, d6, 9998, new byte[8])));
        // Stacked (QinQ-style) tags: 0x88a8 outer, 0x8100 inner.
        byte[] inner = vlan(bcast, src, 7, 0, 0x0800, udp);
        byte[] outer = new byte[inner.length + 4];
        System.arraycopy(inner, 0, outer, 0, 12);
        outer[12] = (byte) 0x88; outer[13] = (byte) 0xa8; outer[14] = 0; outer[15] = 20;
        System.arraycopy(inner, 12, outer, 16, inner.length - 12);
        frames.add(outer);
        // First words of the protocols tcpdump names without decoding further here.
        byte[] gre = {0, 0, 0x08, 0, 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 47, gre)));
        byte[] sctp = new byte[12 + 20];
        sctp[0] = (byte) 0x9c; sctp[1] = 0x40; sctp[2] = 0x0b; sctp[3] = 0x59;  // 40000 > 2905
        sctp[12] = 1; sctp[15] = 20;  // INIT chunk, length 20
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 132, sctp)));
        byte[] igmp = {0x16, 0, 0, 0, (byte) 239, 1, 2, 3};  // v2 report
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, (Inet4Address) InetAddress.getByName("239.1.2.3"), 2, igmp)));
        byte[] pim = {0x20, 0, 0, 0, 0, 1, 0, 2, 0, 105};  // v2 hello, holdtime 105
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, (Inet4Address) InetAddress.getByName("224.0.0.13"), 103, pim)));
        byte[] ospf = new byte[24 + 20];
        ospf[0] = 2; ospf[1] = 1; ospf[3] = (byte) ospf.length; ospf[4] = 10; ospf[5] = 9; ospf[7] = 1;
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, (Inet4Address) InetAddress.getByName("224.0.0.5"), 89, ospf)));
        byte[] vrrp = {0x21, 1, 100, 1, 0, 1, 0, 0, 10, 9, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0};
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, (Inet4Address) InetAddress.getByName("224.0.0.18"), 112, vrrp)));
        byte[] esp = {0, 0, 0x10, 0x01, 0, 0, 0, 5, 1, 2, 3, 4, 5, 6, 7, 8};
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 50, esp)));
        byte[] ah = {17, 4, 0, 0, 0, 0, 0x20, 0x02, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0};
        byte[] ahudp = Packets.udp(s4, 1, d4, 2, new byte[4]);
        byte[] ahPayload = new byte[24 + ahudp.length - 20];
        System.arraycopy(ah, 0, ahPayload, 0, 24);
        System.arraycopy(ahudp, 20, ahPayload, 24, ahudp.length - 20);
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 51, ahPayload)));
        frames.add(eth(bcast, src, 0x86DD, Packets.ipv6(s6, d6, 50, esp)));
        // Truncated: the IP header claims 200 bytes more than the frame holds; bad length: total below the header.
        byte[] trunc = Packets.udp(s4, 40002, d4, 9997, new byte[10]);
        Ipv4Header.of(trunc, 0).setTotalLength(trunc.length + 200).fillChecksum();
        frames.add(eth(bcast, src, 0x0800, trunc));
        byte[] bad = Packets.udp(s4, 40003, d4, 9996, new byte[10]);
        Ipv4Header.of(bad, 0).setTotalLength(12).fillChecksum();
        frames.add(eth(bcast, src, 0x0800, bad));
        byte[] unknown = Packets.ipv4(s4, d4, 253, new byte[7]);
        frames.add(eth(bcast, src, 0x0800, unknown));
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 1, new byte[] {13, 0, 0, 0, 0, 1, 0, 1})));
        // ICMP port unreachable quoting a UDP datagram, and time exceeded in reassembly.
        byte[] quoted = Packets.udp(d4, 5353, s4, 33434, new byte[12]);
        byte[] unreach = new byte[8 + 28];
        unreach[0] = 3; unreach[1] = 3;
        System.arraycopy(quoted, 0, unreach, 8, 28);
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 1, unreach)));
        byte[] hostUnreach = unreach.clone();
        hostUnreach[1] = 1;
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 1, hostUnreach)));
        byte[] reasm = unreach.clone();
        reasm[0] = 11; reasm[1] = 1;
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 1, reasm)));
        // ICMPv6: router solicitation and advertisement, a solicitation for an address with no option.
        Inet6Address allRouters = (Inet6Address) InetAddress.getByName("ff02::2"), allNodes = (Inet6Address) InetAddress.getByName("ff02::1");
        Inet6Address ll = (Inet6Address) InetAddress.getByName("fe80::1");
        byte[] rs = {(byte) 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, src[0], src[1], src[2], src[3], src[4], src[5]};
        frames.add(eth(bcast, src, 0x86DD, icmp6(ll, allRouters, rs)));
        byte[] ra = new byte[16 + 32];
        ra[0] = (byte) 134; ra[4] = 64; ra[6] = 0x07; ra[7] = 0x08;
        ra[16] = 3; ra[17] = 4; ra[18] = 64; ra[19] = (byte) 0xc0;
        byte[] pfx = InetAddress.getByName("fd09:2::").getAddress();
        ra[20] = 0; ra[21] = 0; ra[22] = 0x0e; ra[23] = 0x10;
        System.arraycopy(pfx, 0, ra, 32, 16);
        frames.add(eth(bcast, src, 0x86DD, icmp6(ll, allNodes, ra)));
        byte[] ns = new byte[24];
        ns[0] = (byte) 135;
        System.arraycopy(d6.getAddress(), 0, ns, 8, 16);
        frames.add(eth(bcast, src, 0x86DD, icmp6(s6, d6, ns)));
        // IGMPv3 queries (max response code in tenths, then in its floating-point form, with a group and
        // sources), an mtrace query, an MLDv2 query, and IPv6 routing headers (type 0 with two
        // addresses, type 2, and a type no one defines).
        Inet4Address allSystems = (Inet4Address) InetAddress.getByName("224.0.0.1");
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, allSystems, 2, new byte[] {0x11, 25, 0, 0, 0, 0, 0, 0, 0, 125, 0, 0})));
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, allSystems, 2,
                new byte[] {0x11, (byte) 0xfe, 0, 0, (byte) 239, 1, 2, 3, 2, 125, 0, 2, 10, 9, 0, 1, 10, 9, 0, 2})));
        byte[] mtrace = new byte[8 + 16];
        mtrace[0] = 0x1f;
        System.arraycopy(s4.getAddress(), 0, mtrace, 8, 4);
        System.arraycopy(d4.getAddress(), 0, mtrace, 12, 4);
        System.arraycopy(InetAddress.getByName("224.0.1.32").getAddress(), 0, mtrace, 16, 4);
        mtrace[20] = 32; mtrace[23] = 7;
        frames.add(eth(bcast, src, 0x0800, Packets.ipv4(s4, d4, 2, mtrace)));
        byte[] mld2 = new byte[28];
        mld2[0] = (byte) 130; mld2[4] = 0x27; mld2[5] = 0x10; mld2[24] = 0x0a; mld2[25] = 125;
        frames.add(eth(bcast, src, 0x86DD, icmp6(ll, allNodes, mld2)));
        byte[] echo6 = {(byte) 128, 0, 0, 0, 0, 9, 0, 1};
        for (int type : new int[] {0, 2, 9}) {
            byte[] rh = new byte[8 + 32 + echo6.length];
            rh[0] = 58; rh[1] = 4; rh[2] = (byte) type; rh[3] = 1;
            System.arraycopy(d6.getAddress(), 0, rh, 8, 16);
            System.arraycopy(s6.getAddress(), 0, rh, 24, 16);
            System.arraycopy(echo6, 0, rh, 40, echo6.length);
            frames.add(eth(bcast, src, 0x86DD, Packets.ipv6(s6, d6, 43, rh)));
        }
        // ARP for an unknown hardware type, and a gratuitous reply.
        byte[] arp = new byte[28];
        arp[1] = 6; arp[2] = 8; arp[4] = 6; arp[5] = 4; arp[7] = 1;
        frames.add(eth(bcast, src, 0x0806, arp));
        byte[] garp = {0, 1, 8, 0, 6, 4, 0, 2, src[0], src[1], src[2], src[3], src[4], src[5], 10, 9, 0, 1,
                -1, -1, -1, -1, -1, -1, 10, 9, 0, 1};
        frames.add(eth(bcast, src, 0x0806, garp));
        // A frame of an ethertype nobody here decodes, and an 802.3 length field.
        byte[] end = java.util.Arrays.copyOf(END.getBytes(StandardCharsets.US_ASCII), 46);
        frames.add(eth(bcast, src, 0x88b5, end));
        try (RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
            for (byte[] f : frames) {
                s.sendTo(f, SockAddr.packet(ifindex, 0));
                Thread.sleep(2);  // a burst overruns the 'any' capture's socket buffer
            }
        }
    }

    private static byte[] icmp6(Inet6Address s, Inet6Address d, byte[] m) {
        byte[] p = Packets.ipv6(s, d, 58, m);
        p[7] = (byte) 255;
        Checksums.fillIcmpv6(p, 0);
        return p;
    }

    private static byte[] eth(byte[] dst, byte[] src, int type, byte[] payload) {
        return Packets.ethernet(dst, src, type, payload);
    }

    private static byte[] vlan(byte[] dst, byte[] src, int vid, int pcp, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(18 + payload.length);
        b.put(dst).put(src).putShort((short) 0x8100).putShort((short) (pcp << 13 | vid)).putShort((short) type).put(payload);
        return b.array();
    }

    // ---------------------------------------------------------------- DNS

    /** A DNS encoder just big enough for the test zone. */
    static final class Dns {
        private Dns() {}

        static byte[] query(int id, String name, int type) {
            ByteBuffer b = ByteBuffer.allocate(512);
            b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putInt(0);
            name(b, name);
            b.putShort((short) type).putShort((short) 1);
            return java.util.Arrays.copyOf(b.array(), b.position());
        }

        static byte[] answer(byte[] q) {
            ByteBuffer in = ByteBuffer.wrap(q);
            int id = in.getShort() & 0xFFFF;
            in.position(12);
            StringBuilder name = new StringBuilder();
            for (int l; (l = in.get() & 0xFF) != 0; ) {
                if (!name.isEmpty()) name.append('.');
                name.append(new String(q, in.position(), l, StandardCharsets.US_ASCII));
                in.position(in.position() + l);
            }
            int qtype = in.getShort() & 0xFFFF;
            in.getShort();
            int qend = in.position();
            ByteBuffer b = ByteBuffer.allocate(512);
            b.put(q, 0, qend);
            List<byte[]> an = new ArrayList<>(), ns = new ArrayList<>(), ar = new ArrayList<>();
            String n = name.toString();
            int rcode = 0;
            try {
                switch (n + "/" + qtype) {
                    case "a.test/1" -> an.add(rr(n, 1, InetAddress.getByName("10.9.1.2").getAddress()));
                    case "v6.test/28" -> an.add(rr(n, 28, InetAddress.getByName("fd09:1::2").getAddress()));
                    case "alias.test/1" -> {
                        an.add(rr(n, 5, nameBytes("a.test")));
                        an.add(rr("a.test", 1, InetAddress.getByName("10.9.1.2").getAddress()));
                    }
                    case "2.1.9.10.in-addr.arpa/12" -> an.add(rr(n, 12, nameBytes("a.test")));
                    case "test/15" -> {
                        an.add(rr(n, 15, concat(new byte[] {0, 10}, nameBytes("mx.test"))));
                        ar.add(rr("mx.test", 1, InetAddress.getByName("10.9.1.3").getAddress()));
                    }
                    case "txt.test/16" -> an.add(rr(n, 16, concat(new byte[] {5}, "hello".getBytes(StandardCharsets.US_ASCII),
                            new byte[] {5}, "world".getBytes(StandardCharsets.US_ASCII))));
                    case "test/2" -> {
                        an.add(rr(n, 2, nameBytes("ns1.test")));
                        an.add(rr(n, 2, nameBytes("ns2.test")));
                    }
                    case "test/6" -> an.add(rr(n, 6, soa()));
                    default -> {
                        rcode = 3;
                        ns.add(rr("test", 6, soa()));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            b.putShort(2, (short) (0x8400 | 0x0100 | 0x80 | rcode));
            b.putShort(6, (short) an.size()).putShort(8, (short) ns.size()).putShort(10, (short) ar.size());
            for (List<byte[]> l : List.of(an, ns, ar)) for (byte[] r : l) b.put(r);
            return java.util.Arrays.copyOf(b.array(), b.position());
        }

        private static byte[] soa() {
            return concat(nameBytes("ns1.test"), nameBytes("admin.test"), new byte[] {0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0, 0x03,
                    (byte) 0x84, 0, 0x09, 0x3a, (byte) 0x80, 0, 0, 0x01, 0x2c});
        }

        private static byte[] rr(String name, int type, byte[] rdata) {
            ByteBuffer b = ByteBuffer.allocate(300);
            b.put(nameBytes(name)).putShort((short) type).putShort((short) 1).putInt(300).putShort((short) rdata.length).put(rdata);
            return java.util.Arrays.copyOf(b.array(), b.position());
        }

        static byte[] nameBytes(String name) {
            ByteBuffer b = ByteBuffer.allocate(256);
            name(b, name);
            return java.util.Arrays.copyOf(b.array(), b.position());
        }

        private static void name(ByteBuffer b, String name) {
            for (String l : name.split("\\.")) {
                byte[] x = l.getBytes(StandardCharsets.US_ASCII);
                b.put((byte) x.length).put(x);
            }
            b.put((byte) 0);
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (byte[] p : parts) o.writeBytes(p);
            return o.toByteArray();
        }
    }
}
