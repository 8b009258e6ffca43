package dev.rawsock.packet.testing;

import dev.rawsock.packet.Packets;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** A few well-formed Ethernet frames of each kind the pcap and tool tests write: UDP, TCP SYN, ICMP echo, UDP over IPv6. */
public final class SampleFrames {
    private SampleFrames() {}

    /** Locally administered MAC addresses. */
    public static final byte[] MAC_A = {2, 0, 0, 0, 0, 1}, MAC_B = {2, 0, 0, 0, 0, 2};

    /** The frames, fresh arrays on every call. */
    public static List<byte[]> frames() {
        InetAddress a = ip("127.0.0.1"), b = ip("127.0.0.2");
        return List.of(
                Packets.ethernet(MAC_B, MAC_A, 0x0800, Packets.udp(a, 5000, b, 6000, "0123456789".getBytes())),
                Packets.ethernet(MAC_B, MAC_A, 0x0800, Packets.tcpSyn(a, 40000, b, 80, 123456789L)),
                Packets.ethernet(MAC_B, MAC_A, 0x0800,
                        Packets.icmpEcho((Inet4Address) a, (Inet4Address) b, 77, 3, new byte[32])),
                Packets.ethernet(MAC_B, MAC_A, 0x86DD,
                        Packets.udp(ip("::1"), 1, ip("::1"), 2, new byte[5])));
    }

    /** A numeric address, without the checked exception. */
    public static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
