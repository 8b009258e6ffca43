package dev.rawsock.packet;

import dev.rawsock.packet.internal.InetBytes;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Builders for the packets tools send (ICMP and ICMPv6 echo, UDP, TCP SYN, with every checksum
 * filled) and {@link #describe}: one tcpdump-like line per packet.
 */
public final class Packets {
    private Packets() {}

    /** Link types of pcap files and of {@link #describe(MemorySegment, int)}; {@link LinkType} names them all. */
    public static final int LINKTYPE_ETHERNET = LinkType.ETHERNET, LINKTYPE_RAW = LinkType.RAW,
            LINKTYPE_LINUX_SLL = LinkType.LINUX_SLL;

    /** Time to live / hop limit of built packets. */
    public static final int DEFAULT_TTL = 64;

    // ============================================================ builders

    /**
     * {@return an ICMP echo request message (header and payload, no IP header), checksum filled: what a raw ICMP socket sends}
     *
     * @param identifier the echo identifier, 0..0xFFFF
     * @param sequence the echo sequence number, 0..0xFFFF
     * @param payload the bytes after the header
     */
    public static byte[] icmpEchoRequest(int identifier, int sequence, byte[] payload) {
        byte[] m = new byte[IcmpHeader.LENGTH + payload.length];
        IcmpHeader h = IcmpHeader.of(m, 0).setType(IcmpHeader.ECHO_REQUEST).setIdentifier(identifier).setSequence(sequence);
        System.arraycopy(payload, 0, m, IcmpHeader.LENGTH, payload.length);
        h.fillChecksum(m.length);
        return m;
    }

    /**
     * {@return an IPv4 packet carrying an ICMP echo request, both checksums filled}
     *
     * @param source the source address
     * @param destination the destination address
     * @param identifier the echo identifier, 0..0xFFFF
     * @param sequence the echo sequence number, 0..0xFFFF
     * @param payload the bytes after the header
     */
    public static byte[] icmpEcho(Inet4Address source, Inet4Address destination, int identifier, int sequence, byte[] payload) {
        return ipv4(source, destination, Checksums.ICMP, icmpEchoRequest(identifier, sequence, payload));
    }

    /**
     * {@return an ICMPv6 echo request message (no IP header) with its checksum over the IPv6 pseudo-header
     * of {@code source} and {@code destination}}
     *
     * @param source the source address
     * @param destination the destination address
     * @param identifier the echo identifier, 0..0xFFFF
     * @param sequence the echo sequence number, 0..0xFFFF
     * @param payload the bytes after the header
     */
    public static byte[] icmpv6EchoRequest(Inet6Address source, Inet6Address destination, int identifier, int sequence,
            byte[] payload) {
        byte[] p = icmpv6Echo(source, destination, identifier, sequence, payload);
        byte[] m = new byte[p.length - Ipv6Header.LENGTH];
        System.arraycopy(p, Ipv6Header.LENGTH, m, 0, m.length);
        return m;
    }

    /**
     * {@return an IPv6 packet carrying an ICMPv6 echo request, checksum filled}
     *
     * @param source the source address
     * @param destination the destination address
     * @param identifier the echo identifier, 0..0xFFFF
     * @param sequence the echo sequence number, 0..0xFFFF
     * @param payload the bytes after the header
     */
    public static byte[] icmpv6Echo(Inet6Address source, Inet6Address destination, int identifier, int sequence, byte[] payload) {
        byte[] m = new byte[Icmpv6Header.LENGTH + payload.length];
        Icmpv6Header.of(m, 0).setType(Icmpv6Header.ECHO_REQUEST).setIdentifier(identifier).setSequence(sequence);
        System.arraycopy(payload, 0, m, Icmpv6Header.LENGTH, payload.length);
        byte[] p = ipv6(source, destination, Checksums.ICMPV6, m);
        Checksums.fillIcmpv6(p, 0);
        return p;
    }

    /**
     * {@return an IPv4 or IPv6 packet (by the addresses' family) carrying a UDP datagram, every checksum filled}
     *
     * @param source the source address
     * @param sourcePort the source port
     * @param destination the destination address
     * @param destinationPort the destination port
     * @param payload the bytes after the header
     */
    public static byte[] udp(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, byte[] payload) {
        sameFamily(source, destination);
        byte[] d = new byte[UdpHeader.LENGTH + payload.length];
        if (d.length > 0xFFFF) throw new IllegalArgumentException("UDP payload too long: " + payload.length);
        UdpHeader.of(d, 0).setSourcePort(sourcePort).setDestinationPort(destinationPort).setLength(d.length);
        System.arraycopy(payload, 0, d, UdpHeader.LENGTH, payload.length);
        byte[] p = ip(source, destination, Checksums.UDP, d);
        Checksums.fillUdp(p, 0);
        return p;
    }

    /**
     * {@return an IPv4 or IPv6 packet carrying a TCP SYN (window 64240, an MSS option of 1460 for IPv4 and
     * 1440 for IPv6), every checksum filled}
     *
     * @param source the source address
     * @param sourcePort the source port
     * @param destination the destination address
     * @param destinationPort the destination port
     * @param sequence the initial sequence number
     */
    public static byte[] tcpSyn(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, long sequence) {
        sameFamily(source, destination);
        byte[] t = new byte[24];
        TcpHeader h = TcpHeader.of(setDataOffset(t, 6), 0).setSourcePort(sourcePort).setDestinationPort(destinationPort)
                .setSequence(sequence).setFlags(TcpHeader.SYN).setWindow(64240);
        t[20] = TcpHeader.OPT_MSS;
        t[21] = 4;
        int mss = source instanceof Inet4Address ? 1460 : 1440;
        t[22] = (byte) (mss >>> 8);
        t[23] = (byte) mss;
        Objects.requireNonNull(h);
        byte[] p = ip(source, destination, Checksums.TCP, t);
        Checksums.fillTcp(p, 0);
        return p;
    }

    private static byte[] setDataOffset(byte[] t, int words) {
        t[12] = (byte) (words << 4);
        return t;
    }

    /**
     * {@return an IPv4 packet (IHL 5, DF, TTL 64) around {@code payload}, header checksum filled}
     *
     * @param source the source address
     * @param destination the destination address
     * @param protocol the IP protocol number of the payload
     * @param payload the bytes after the header
     */
    public static byte[] ipv4(Inet4Address source, Inet4Address destination, int protocol, byte[] payload) {
        int total = Ipv4Header.MIN_LENGTH + payload.length;
        if (total > 0xFFFF) throw new IllegalArgumentException("IPv4 payload too long: " + payload.length);
        byte[] p = new byte[total];
        p[0] = 0x45;
        Ipv4Header.of(p, 0).setTotalLength(total).setFlags(2).setTtl(DEFAULT_TTL).setProtocol(protocol)
                .setSource(source).setDestination(destination).fillChecksum();
        System.arraycopy(payload, 0, p, Ipv4Header.MIN_LENGTH, payload.length);
        return p;
    }

    /**
     * {@return an IPv6 packet (hop limit 64) around {@code payload}}
     *
     * @param source the source address
     * @param destination the destination address
     * @param nextHeader the next-header value of the payload
     * @param payload the bytes after the header
     */
    public static byte[] ipv6(Inet6Address source, Inet6Address destination, int nextHeader, byte[] payload) {
        if (payload.length > 0xFFFF) throw new IllegalArgumentException("IPv6 payload too long: " + payload.length);
        byte[] p = new byte[Ipv6Header.LENGTH + payload.length];
        Ipv6Header.of(p, 0).setVersionClassFlow(0, 0).setPayloadLength(payload.length).setNextHeader(nextHeader)
                .setHopLimit(DEFAULT_TTL).setSource(source).setDestination(destination);
        System.arraycopy(payload, 0, p, Ipv6Header.LENGTH, payload.length);
        return p;
    }

    /**
     * {@return an Ethernet frame around {@code payload}}
     *
     * @param destinationMac the destination MAC address, 6 bytes
     * @param sourceMac the source MAC address, 6 bytes
     * @param etherType the ethertype of the payload
     * @param payload the bytes after the header
     */
    public static byte[] ethernet(byte[] destinationMac, byte[] sourceMac, int etherType, byte[] payload) {
        byte[] f = new byte[EthernetHeader.LENGTH + payload.length];
        EthernetHeader.of(f, 0).setDestination(destinationMac).setSource(sourceMac).setEtherType(etherType);
        System.arraycopy(payload, 0, f, EthernetHeader.LENGTH, payload.length);
        return f;
    }

    private static byte[] ip(InetAddress source, InetAddress destination, int protocol, byte[] payload) {
        return source instanceof Inet4Address s4
                ? ipv4(s4, (Inet4Address) destination, protocol, payload)
                : ipv6((Inet6Address) source, (Inet6Address) destination, protocol, payload);
    }

    private static void sameFamily(InetAddress a, InetAddress b) {
        Objects.requireNonNull(a, "source");
        Objects.requireNonNull(b, "destination");
        if ((a instanceof Inet4Address) != (b instanceof Inet4Address))
            throw new IllegalArgumentException("source and destination are of different families: " + a + ", " + b);
    }

    // ============================================================ describe

    /**
     * {@return one tcpdump-like line for an Ethernet frame (position to limit)} Never throws on bad bytes.
     *
     * @param frame the Ethernet frame
     */
    public static String describe(ByteBuffer frame) {
        return describe(frame, LINKTYPE_ETHERNET);
    }

    /**
     * {@return one tcpdump-like line for a packet (position to limit) of the given link type}
     *
     * @param packet the packet, starting as {@code linktype} says
     * @param linktype how the packet starts: {@link #LINKTYPE_ETHERNET}, {@link #LINKTYPE_RAW} or {@link #LINKTYPE_LINUX_SLL}
     */
    public static String describe(ByteBuffer packet, int linktype) {
        return describe(MemorySegment.ofBuffer(packet), linktype);
    }

    /**
     * {@return one tcpdump-like line for an Ethernet frame}
     *
     * @param frame the Ethernet frame
     */
    public static String describe(byte[] frame) {
        return describe(MemorySegment.ofArray(frame), LINKTYPE_ETHERNET);
    }

    /**
     * {@return one tcpdump-like line for a packet of the given link type}
     *
     * @param packet the packet, starting as {@code linktype} says
     * @param linktype how the packet starts: {@link #LINKTYPE_ETHERNET}, {@link #LINKTYPE_RAW} or {@link #LINKTYPE_LINUX_SLL}
     */
    public static String describe(byte[] packet, int linktype) {
        return describe(MemorySegment.ofArray(packet), linktype);
    }

    /**
     * {@return one tcpdump-like line for a stored or captured Ethernet frame}
     *
     * @param frame the Ethernet frame
     */
    public static String describe(Frame frame) {
        return describe(frame.data(), LINKTYPE_ETHERNET);
    }

    /**
     * {@return one tcpdump-like line for a whole segment holding an Ethernet frame}
     *
     * @param frame the Ethernet frame
     */
    public static String describe(MemorySegment frame) {
        return describe(frame, LINKTYPE_ETHERNET);
    }

    /**
     * {@return one tcpdump-like line for a stored or captured frame of the given link type}
     *
     * @param frame the Ethernet frame
     * @param linktype how the packet starts: {@link #LINKTYPE_ETHERNET}, {@link #LINKTYPE_RAW} or {@link #LINKTYPE_LINUX_SLL}
     */
    public static String describe(Frame frame, int linktype) {
        return describe(frame.data(), linktype);
    }

    /**
     * {@return one tcpdump-like line (as {@code tcpdump -n} prints without {@code -e}), e.g.
     * {@code IP 127.0.0.1.5000 > 127.0.0.1.6000: UDP, length 10}} Truncated or bad headers show
     * as {@code [|ip]}-style markers, never as an exception.
     *
     * @param packet the packet, starting as {@code linktype} says
     * @param linktype {@link #LINKTYPE_ETHERNET}, {@link #LINKTYPE_RAW} or {@link #LINKTYPE_LINUX_SLL}
     */
    public static String describe(MemorySegment packet, int linktype) {
        StringBuilder b = new StringBuilder();
        try {
            switch (linktype) {
                case LINKTYPE_ETHERNET -> {
                    EthernetHeader e;
                    try {
                        e = EthernetHeader.of(packet, 0);
                    } catch (IllegalArgumentException x) {
                        return "[|ether]";
                    }
                    if (e.vlanTags() > 0) b.append("vlan ").append(e.vlanId()).append(", p ").append(e.vlanPriority()).append(", ");
                    network(b, packet, e.headerLength(), e.etherType());
                }
                case LINKTYPE_LINUX_SLL -> {
                    if (packet.byteSize() < 16) return "[|sll]";
                    network(b, packet, 16, packet.get(Checksums.BE16, 14) & 0xFFFF);
                }
                case LINKTYPE_RAW, 12, 14 -> {
                    int v = packet.byteSize() == 0 ? 0 : (packet.get(JAVA_BYTE, 0) & 0xFF) >>> 4;
                    network(b, packet, 0, v == 6 ? EthernetHeader.TYPE_IPV6 : EthernetHeader.TYPE_IPV4);
                }
                default -> b.append("linktype ").append(linktype).append(", length ").append(packet.byteSize());
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException x) {
            b.append(" [|bad: ").append(x.getMessage()).append(']');
        }
        return b.toString();
    }

    private static void network(StringBuilder b, MemorySegment p, long off, int type) {
        long len = p.byteSize() - off;
        switch (type) {
            case EthernetHeader.TYPE_IPV4 -> ipv4(b, p, off);
            case EthernetHeader.TYPE_IPV6 -> ipv6(b, p, off);
            case EthernetHeader.TYPE_ARP -> arp(b, p, off);
            default -> b.append(String.format("ethertype 0x%04x, length %d", type, len));
        }
    }

    private static void ipv4(StringBuilder b, MemorySegment p, long off) {
        b.append("IP ");
        Ipv4Header h;
        try {
            h = Ipv4Header.of(p, off);
        } catch (IllegalArgumentException x) {
            b.append("[|ip]");
            return;
        }
        String src = h.source().getHostAddress(), dst = h.destination().getHostAddress();
        int hl = h.headerLength();
        long avail = Math.min(p.byteSize() - off, Math.max(h.totalLength(), hl)) - hl;
        int l4len = h.totalLength() - hl;
        if (h.fragmentOffset() != 0) {
            b.append(src).append(" > ").append(dst).append(": ip-proto-").append(h.protocol()).append(", fragment offset ")
                    .append(h.fragmentOffset() * 8).append(", length ").append(Math.max(l4len, 0));
            return;
        }
        transport(b, p, off + hl, avail, l4len, h.protocol(), src, dst, false);
    }

    private static void ipv6(StringBuilder b, MemorySegment p, long off) {
        b.append("IP6 ");
        Ipv6Header h;
        int proto;
        long l4;
        try {
            h = Ipv6Header.of(p, off);
        } catch (IllegalArgumentException x) {
            b.append("[|ip6]");
            return;
        }
        String src = v6(h.sourceBytes()), dst = v6(h.destinationBytes());
        try {
            proto = h.upperLayerProtocol();
            l4 = h.upperLayerOffset();
        } catch (IllegalArgumentException x) {
            b.append(src).append(" > ").append(dst).append(": [|ip6 extension header]");
            return;
        }
        long end = Math.min(p.byteSize(), off + Ipv6Header.LENGTH + h.payloadLength());
        int l4len = (int) (off + Ipv6Header.LENGTH + h.payloadLength() - l4);
        transport(b, p, l4, Math.max(0, end - l4), l4len, proto, src, dst, true);
    }

    private static void transport(StringBuilder b, MemorySegment p, long l4, long avail, int l4len, int proto,
            String src, String dst, boolean v6) {
        MemorySegment s = p.asSlice(l4, Math.max(0, Math.min(avail, p.byteSize() - l4)));
        switch (proto) {
            case Checksums.UDP -> {
                if (s.byteSize() < UdpHeader.LENGTH) { b.append(src).append(" > ").append(dst).append(": [|udp]"); return; }
                UdpHeader u = UdpHeader.of(s, 0);
                b.append(src).append('.').append(u.sourcePort()).append(" > ").append(dst).append('.').append(u.destinationPort())
                        .append(": UDP, length ").append(Math.max(0, u.length() - UdpHeader.LENGTH));
            }
            case Checksums.TCP -> {
                TcpHeader t;
                try {
                    t = TcpHeader.of(s, 0);
                } catch (IllegalArgumentException x) {
                    b.append(src).append(" > ").append(dst).append(": [|tcp]");
                    return;
                }
                b.append(src).append('.').append(t.sourcePort()).append(" > ").append(dst).append('.').append(t.destinationPort())
                        .append(": Flags [").append(t.flagString()).append("], seq ").append(t.sequence());
                if (t.ack()) b.append(", ack ").append(t.acknowledgment());
                b.append(", win ").append(t.window());
                t.mss().ifPresent(m -> b.append(", options [mss ").append(m).append(']'));
                b.append(", length ").append(Math.max(0, l4len - t.headerLength()));
            }
            case Checksums.ICMP -> {
                b.append(src).append(" > ").append(dst).append(": ICMP ");
                if (s.byteSize() < IcmpHeader.LENGTH) { b.append("[|icmp]"); return; }
                IcmpHeader c = IcmpHeader.of(s, 0);
                switch (c.type()) {
                    case IcmpHeader.ECHO_REQUEST, IcmpHeader.ECHO_REPLY -> b.append(c.type() == 0 ? "echo reply" : "echo request")
                            .append(", id ").append(c.identifier()).append(", seq ").append(c.sequence());
                    case IcmpHeader.DEST_UNREACHABLE -> b.append("unreachable, code ").append(c.code());
                    case IcmpHeader.TIME_EXCEEDED -> b.append("time exceeded in-transit");
                    default -> b.append("type ").append(c.type()).append(", code ").append(c.code());
                }
                b.append(", length ").append(l4len);
            }
            case Checksums.ICMPV6 -> {
                b.append(src).append(" > ").append(dst).append(": ICMP6, ");
                if (s.byteSize() < Icmpv6Header.LENGTH) { b.append("[|icmp6]"); return; }
                Icmpv6Header c = Icmpv6Header.of(s, 0);
                switch (c.type()) {
                    case Icmpv6Header.ECHO_REQUEST, Icmpv6Header.ECHO_REPLY ->
                            b.append(c.type() == Icmpv6Header.ECHO_REQUEST ? "echo request" : "echo reply")
                                    .append(", id ").append(c.identifier()).append(", seq ").append(c.sequence());
                    case Icmpv6Header.NEIGHBOR_SOLICITATION -> b.append("neighbor solicitation");
                    case Icmpv6Header.NEIGHBOR_ADVERTISEMENT -> b.append("neighbor advertisement");
                    case Icmpv6Header.ROUTER_SOLICITATION -> b.append("router solicitation");
                    case Icmpv6Header.ROUTER_ADVERTISEMENT -> b.append("router advertisement");
                    case Icmpv6Header.DEST_UNREACHABLE -> b.append("destination unreachable");
                    default -> b.append("type ").append(c.type());
                }
                b.append(", length ").append(l4len);
            }
            default -> b.append(src).append(" > ").append(dst).append(": ").append(v6 ? "ip6-proto-" : "ip-proto-")
                    .append(proto).append(' ').append(Math.max(l4len, 0));
        }
    }

    private static void arp(StringBuilder b, MemorySegment p, long off) {
        b.append("ARP, ");
        ArpPacket a;
        try {
            a = ArpPacket.of(p, off);
        } catch (IllegalArgumentException x) {
            b.append("[|arp]");
            return;
        }
        String spa = proto(a.senderProtocolAddress()), tpa = proto(a.targetProtocolAddress());
        switch (a.operation()) {
            case ArpPacket.OP_REQUEST -> b.append("Request who-has ").append(tpa).append(" tell ").append(spa);
            case ArpPacket.OP_REPLY -> b.append("Reply ").append(spa).append(" is-at ")
                    .append(EthernetHeader.formatMac(a.senderHardwareAddress()));
            default -> b.append("op ").append(a.operation());
        }
        b.append(", length ").append(a.headerLength());
    }

    private static String proto(byte[] a) {
        if (a.length == 4) return InetBytes.v4(a).getHostAddress();
        if (a.length == 16) return v6(a);
        return java.util.HexFormat.of().formatHex(a);
    }

    /** RFC 5952 text of an IPv6 address ({@code ::1}, {@code fe80::1}), as tcpdump prints it. */
    static String v6(byte[] a) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = (a[2 * i] & 0xFF) << 8 | (a[2 * i + 1] & 0xFF);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!b.isEmpty() && b.charAt(b.length() - 1) != ':') b.append(':');
            b.append(Integer.toHexString(w[i]));
        }
        return b.toString();
    }
}
