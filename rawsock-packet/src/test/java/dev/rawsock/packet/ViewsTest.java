package dev.rawsock.packet;

import dev.rawsock.packet.testing.SampleFrames;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ViewsTest {
    static final byte[] MAC_A = SampleFrames.MAC_A, MAC_B = SampleFrames.MAC_B;

    static InetAddress ip(String s) {
        return SampleFrames.ip(s);
    }

    @Test
    void udpOverIpv4ReadAndWriteInPlace() {
        byte[] ip = Packets.udp(ip("127.0.0.1"), 5000, ip("127.0.0.1"), 6000, "0123456789".getBytes());
        byte[] frame = Packets.ethernet(MAC_B, MAC_A, EthernetHeader.TYPE_IPV4, ip);
        ByteBuffer buf = ByteBuffer.wrap(frame);
        EthernetHeader e = EthernetHeader.of(buf, 0);
        assertArrayEquals(MAC_A, e.source());
        assertArrayEquals(MAC_B, e.destination());
        assertEquals(0x0800, e.etherType());
        assertEquals(14, e.headerLength());
        Ipv4Header h = Ipv4Header.of(buf, 14);
        assertEquals(4, h.version());
        assertEquals(20, h.headerLength());
        assertEquals(38, h.totalLength());
        assertEquals(17, h.protocol());
        assertEquals(64, h.ttl());
        assertTrue(h.dontFragment());
        assertTrue(h.checksumValid());
        assertEquals(ip("127.0.0.1"), h.source());
        assertEquals(18, h.payload().byteSize());
        UdpHeader u = UdpHeader.of(buf, 34);
        assertEquals(5000, u.sourcePort());
        assertEquals(6000, u.destinationPort());
        assertEquals(18, u.length());
        assertEquals("0123456789", new String(u.payload().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        assertEquals("IP 127.0.0.1.5000 > 127.0.0.1.6000: UDP, length 10", Packets.describe(buf));
        assertEquals("IP 127.0.0.1.5000 > 127.0.0.1.6000: UDP, length 10", Packets.describe(ip, Packets.LINKTYPE_RAW));
        // Writes go straight to the array: no copy.
        u.setDestinationPort(7000);
        assertEquals(7000, (frame[36] & 0xFF) << 8 | (frame[37] & 0xFF));
        h.setTtl(1);
        assertFalse(h.checksumValid());
        h.fillChecksum();
        assertTrue(h.checksumValid());
        assertThrows(IllegalArgumentException.class, () -> u.setSourcePort(70000));
    }

    @Test
    void ipv4OptionsAndBadIhl() {
        byte[] p = new byte[28];
        p[0] = 0x46;
        p[3] = 28;
        p[20] = 1; p[21] = 1; p[22] = 1; p[23] = 0; // NOP NOP NOP EOL
        Ipv4Header h = Ipv4Header.of(p, 0);
        assertEquals(24, h.headerLength());
        assertArrayEquals(new byte[] {1, 1, 1, 0}, h.options());
        assertEquals(4, h.payload().byteSize());
        for (int ihl = 0; ihl < 5; ihl++) {
            p[0] = (byte) (0x40 | ihl);
            assertThrows(IllegalArgumentException.class, () -> Ipv4Header.of(p, 0));
        }
        p[0] = 0x4F; // 60 bytes do not fit in 28
        assertThrows(IllegalArgumentException.class, () -> Ipv4Header.of(p, 0));
        p[0] = 0x45;
        p[3] = 100; // total length past the buffer
        assertThrows(IllegalArgumentException.class, () -> Ipv4Header.of(p, 0).payload());
        assertThrows(IllegalArgumentException.class, () -> Ipv4Header.of(p, 20));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Header.of(p, -1));
    }

    @Test
    void ipv6ExtensionChain() {
        byte[] udp = Packets.udp(ip("::1"), 5000, ip("::1"), 6000, "0123456789".getBytes());
        // Insert a hop-by-hop (8 bytes) and a fragment header (8 bytes) before the UDP header.
        byte[] p = new byte[udp.length + 16];
        System.arraycopy(udp, 0, p, 0, 40);
        System.arraycopy(udp, 40, p, 56, udp.length - 40);
        Ipv6Header h = Ipv6Header.of(p, 0);
        h.setNextHeader(Ipv6Header.HOP_BY_HOP).setPayloadLength(udp.length - 40 + 16);
        p[40] = Ipv6Header.FRAGMENT; p[41] = 0; p[42] = 1; p[43] = 4; // PadN
        p[48] = 17;
        assertEquals(17, h.upperLayerProtocol());
        assertEquals(56, h.upperLayerOffset());
        assertEquals(List.of(new Ipv6Header.Extension(0, 40, 8), new Ipv6Header.Extension(44, 48, 8)), h.extensionHeaders());
        assertEquals(6, h.version());
        assertEquals(64, h.hopLimit());
        assertEquals(ip("::1"), h.source());
        Checksums.fillUdp(p, 0);
        assertTrue(ChecksumsTest.verifies(p, 0));
        // tcpdump names the extension headers; behind them UDP prints ports only
        assertEquals("IP6 ::1 > ::1: HBH frag (0|18) 5000 > 6000: UDP, length 10", Packets.describe(p, Packets.LINKTYPE_RAW));
        // An extension header running past the buffer.
        p[41] = 100;
        assertThrows(IllegalArgumentException.class, h::upperLayerProtocol);
        assertEquals("IP6 ::1 > ::1:  [|hbhopt]", Packets.describe(p, Packets.LINKTYPE_RAW));
    }

    @Test
    void tcpSynOptionsAndDescribe() {
        byte[] p = Packets.tcpSyn(ip("10.0.0.1"), 1234, ip("10.0.0.2"), 80, 1000);
        TcpHeader t = TcpHeader.of(p, 20);
        assertTrue(t.syn());
        assertFalse(t.ack());
        assertEquals(24, t.headerLength());
        assertEquals(1460, t.mss().orElseThrow());
        assertEquals(1000, t.sequence());
        assertEquals(64240, t.window());
        assertArrayEquals(new byte[] {2, 4, 0x05, (byte) 0xB4}, t.options());
        assertEquals("IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, options [mss 1460], length 0",
                Packets.describe(p, Packets.LINKTYPE_RAW));
        t.setFlags(TcpHeader.SYN | TcpHeader.ACK).setAcknowledgment(77);
        assertEquals("IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [S.], seq 1000, ack 77, win 64240, options [mss 1460], length 0",
                Packets.describe(p, Packets.LINKTYPE_RAW));
        p[32] = 0x40; // data offset 4
        assertThrows(IllegalArgumentException.class, () -> TcpHeader.of(p, 20));
        byte[] v6 = Packets.tcpSyn(ip("fe80::1"), 1, ip("fe80::2"), 2, 5);
        assertTrue(ChecksumsTest.verifies(v6, 0));
        assertEquals(1440, TcpHeader.of(v6, 40).mss().orElseThrow());
    }

    @Test
    void icmpAndIcmpv6Echo() {
        byte[] m = Packets.icmpEchoRequest(0x1234, 7, new byte[56]);
        IcmpHeader c = IcmpHeader.of(m, 0);
        assertEquals(IcmpHeader.ECHO_REQUEST, c.type());
        assertEquals(0x1234, c.identifier());
        assertEquals(7, c.sequence());
        assertEquals(0, Checksums.internet(m));
        byte[] p = Packets.icmpEcho((Inet4Address) ip("127.0.0.1"), (Inet4Address) ip("127.0.0.1"), 1, 2, new byte[56]);
        assertEquals("IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 1, seq 2, length 64", Packets.describe(p, Packets.LINKTYPE_RAW));
        Inet6Address one = (Inet6Address) ip("::1");
        byte[] m6 = Packets.icmpv6EchoRequest(one, one, 3, 4, new byte[8]);
        assertEquals(16, m6.length);
        Icmpv6Header c6 = Icmpv6Header.of(m6, 0);
        assertEquals(Icmpv6Header.ECHO_REQUEST, c6.type());
        assertEquals(3, c6.identifier());
        byte[] p6 = Packets.icmpv6Echo(one, one, 3, 4, new byte[8]);
        assertTrue(ChecksumsTest.verifies(p6, 0));
        assertEquals(c6.checksum(), Icmpv6Header.of(p6, 40).checksum());
        assertEquals("IP6 ::1 > ::1: ICMP6, echo request, id 3, seq 4, length 16", Packets.describe(p6, Packets.LINKTYPE_RAW));
    }

    @Test
    void vlanAndArp() {
        byte[] arp = new byte[28];
        ArpPacket a = ArpPacket.of(arp, 0);
        arp[4] = 6; arp[5] = 4; // sizes first: they define the layout
        a = ArpPacket.of(arp, 0);
        a.setHardwareType(1).setProtocolType(0x0800).setOperation(ArpPacket.OP_REQUEST)
                .setSenderHardwareAddress(MAC_A).setSenderProtocolAddress(new byte[] {10, 0, 0, 1})
                .setTargetProtocolAddress(new byte[] {10, 0, 0, 2});
        assertEquals(ip("10.0.0.1"), a.senderInetAddress());
        byte[] f = Packets.ethernet(new byte[] {-1, -1, -1, -1, -1, -1}, MAC_A, EthernetHeader.TYPE_ARP, arp);
        assertEquals("ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28", Packets.describe(f));
        a.setOperation(ArpPacket.OP_REPLY);
        f = Packets.ethernet(MAC_B, MAC_A, EthernetHeader.TYPE_ARP, arp);
        assertEquals("ARP, Reply 10.0.0.1 is-at 02:00:00:00:00:01, length 28", Packets.describe(f));

        byte[] ip = Packets.udp(ip("127.0.0.1"), 1, ip("127.0.0.2"), 2, new byte[3]);
        byte[] tagged = new byte[18 + ip.length];
        EthernetHeader.of(tagged, 0).setSource(MAC_A).setDestination(MAC_B);
        tagged[12] = (byte) 0x81; tagged[13] = 0; tagged[14] = (byte) 0x20; tagged[15] = 10; // PCP 1, VID 10
        tagged[16] = 8; tagged[17] = 0;
        System.arraycopy(ip, 0, tagged, 18, ip.length);
        EthernetHeader e = EthernetHeader.of(MemorySegment.ofArray(tagged), 0);
        assertEquals(1, e.vlanTags());
        assertEquals(10, e.vlanId());
        assertEquals(1, e.vlanPriority());
        assertEquals(0x0800, e.etherType());
        assertEquals(18, e.headerLength());
        // tcpdump shows the tag only with -e
        assertEquals("IP 127.0.0.1.1 > 127.0.0.2.2: UDP, length 3", Packets.describe(tagged));
        assertEquals("02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 49: vlan 10, p 1, ethertype IPv4 (0x0800), "
                + "127.0.0.1.1 > 127.0.0.2.2: UDP, length 3",
                new TcpdumpPrinter(LinkType.ETHERNET).linkHeaders(true).describe(MemorySegment.ofArray(tagged), tagged.length));
        Checksums.fillAll(tagged, 0, true);
        assertThrows(IllegalArgumentException.class, () -> EthernetHeader.of(Arrays.copyOf(tagged, 15), 0));
    }

    // ------------------------------------------------------------ robustness

    static final List<Class<?>> VIEWS = List.of(EthernetHeader.class, ArpPacket.class, Ipv4Header.class, Ipv6Header.class,
            IcmpHeader.class, Icmpv6Header.class, TcpHeader.class, UdpHeader.class);

    /** Random bytes at a random offset, through ByteBuffer and MemorySegment: every getter either works or says IAE. */
    @Property(tries = 400)
    void randomBytesNeverCrashAView(@ForAll @Size(max = 120) byte[] bytes, @ForAll @IntRange(min = -2, max = 130) int offset,
            @ForAll boolean direct) throws Exception {
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(bytes.length).put(bytes).flip() : ByteBuffer.wrap(bytes);
        for (Class<?> view : VIEWS) {
            for (Object target : new Object[] {buf, MemorySegment.ofBuffer(buf)}) {
                Object v;
                try {
                    v = target instanceof ByteBuffer b
                            ? view.getMethod("of", ByteBuffer.class, int.class).invoke(null, b, offset)
                            : view.getMethod("of", MemorySegment.class, long.class).invoke(null, target, (long) offset);
                } catch (InvocationTargetException e) {
                    assertInstanceOf(IllegalArgumentException.class, e.getCause(), view.getSimpleName());
                    continue;
                }
                for (Method m : view.getMethods()) {
                    if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) continue;
                    try {
                        m.invoke(v);
                    } catch (InvocationTargetException e) {
                        assertInstanceOf(IllegalArgumentException.class, e.getCause(), view.getSimpleName() + "." + m.getName());
                    }
                }
            }
        }
        for (int linktype : new int[] {Packets.LINKTYPE_ETHERNET, Packets.LINKTYPE_RAW, Packets.LINKTYPE_LINUX_SLL, 999})
            assertNotNull(Packets.describe(bytes, linktype));
        for (boolean eth : new boolean[] {true, false}) {
            try {
                Checksums.fillAll(bytes.clone(), Math.max(0, Math.min(offset, bytes.length)), eth);
            } catch (IllegalArgumentException expected) {
                // bad input is rejected, never read past
            }
        }
    }

    /** Mostly-valid packets with random corruption: describe and the checksum helpers stay within bounds. */
    @Property(tries = 300)
    void corruptedPacketsNeverCrash(@ForAll @IntRange(max = 5) int kind, @ForAll @IntRange(max = 80) int at,
            @ForAll byte value, @ForAll @IntRange(max = 80) int cut) {
        byte[] p = switch (kind) {
            case 0 -> Packets.udp(ip("127.0.0.1"), 1, ip("127.0.0.2"), 2, new byte[20]);
            case 1 -> Packets.tcpSyn(ip("127.0.0.1"), 1, ip("127.0.0.2"), 2, 3);
            case 2 -> Packets.icmpEcho((Inet4Address) ip("127.0.0.1"), (Inet4Address) ip("127.0.0.2"), 1, 2, new byte[20]);
            case 3 -> Packets.udp(ip("::1"), 1, ip("::2"), 2, new byte[20]);
            case 4 -> Packets.tcpSyn(ip("::1"), 1, ip("::2"), 2, 3);
            default -> Packets.icmpv6Echo((Inet6Address) ip("::1"), (Inet6Address) ip("::2"), 1, 2, new byte[20]);
        };
        byte[] f = Packets.ethernet(MAC_A, MAC_B, (p[0] >> 4) == 4 ? 0x0800 : 0x86DD, p);
        f[Math.min(at, f.length - 1)] = value;
        f = Arrays.copyOf(f, Math.max(0, f.length - cut));
        assertNotNull(Packets.describe(f));
        try {
            Checksums.fillAll(f, 0, true);
        } catch (IllegalArgumentException expected) {
            // rejected
        }
        for (var fn : List.<java.util.function.ToIntFunction<byte[]>>of(b -> Checksums.ipcsum(b, 0, b.length),
                b -> Checksums.icmpcsum(b, 0, b.length), b -> Checksums.tcpcsum(b, 0, b.length),
                b -> Checksums.udpcsum(b, 0, b.length))) {
            try {
                fn.applyAsInt(f.clone());
            } catch (IllegalArgumentException expected) {
                // rejected
            }
        }
    }
}
