package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Objects;


/**
 * Builders for the packets tools send (ICMP and ICMPv6 echo, UDP, TCP SYN, with every checksum
 * filled) and {@link #describe}: one packet as {@code tcpdump -n} prints it ({@link TcpdumpPrinter} for a stream).
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
        return describe(frame, LINKTYPE_ETHERNET);
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
        MemorySegment data = MemorySegment.ofBuffer(frame.data());
        return new TcpdumpPrinter(linktype).describe(data, Math.max(frame.wireLength(), data.byteSize()));
    }

    /**
     * {@return one line as {@code tcpdump -n} prints it after the time stamp, e.g.
     * {@code IP 127.0.0.1.5000 > 127.0.0.1.6000: UDP, length 10}} A one-shot {@link TcpdumpPrinter}:
     * TCP sequence numbers print as sent (no connection seen before). Truncated or bad headers end
     * in tcpdump's {@code [|proto]} marker, never in an exception.
     *
     * @param packet the packet, starting as {@code linktype} says
     * @param linktype the {@link LinkType} of the packet; an unknown one prints {@code linktype N, length L}
     */
    public static String describe(MemorySegment packet, int linktype) {
        return new TcpdumpPrinter(linktype).describe(packet, packet.byteSize());
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
