package dev.rawsock;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ValuesTest {
    @Test
    void domains() {
        assertEquals(Domain.INET, Domain.valueOf("INET"));
        assertEquals(Domain.INET, Domain.valueOf("af_inet"));
        assertEquals(Domain.INET6, Domain.valueOf("AF_INET6"));
        assertEquals(Domain.UNIX, Domain.LOCAL);
        assertEquals("AF_UNIX", Domain.LOCAL.toString());
        assertEquals("AF_PACKET", Domain.PACKET.toString());
        assertEquals("12345", new Domain(12345).toString());
        assertTrue(Domain.known().contains(Domain.NETLINK));
        assertEquals(Domain.known().size(), Set.copyOf(Domain.known()).size(), "one entry per value");
    }

    @Test
    void socketTypes() {
        assertEquals(SocketType.DGRAM, SocketType.valueOf("dgram"));
        assertEquals("SOCK_SEQPACKET", SocketType.SEQPACKET.toString());
        assertEquals(1 | 0x800 | 0x80000, SocketType.STREAM.withFlags(true, true).value());
        assertTrue(SocketType.known().contains(SocketType.RAW));
    }

    @Test
    void protocols() {
        assertEquals(Protocol.ICMP, Protocol.valueOf("ICMP"));
        assertEquals(Protocol.ICMP, Protocol.valueOf("IPPROTO_ICMP"));
        assertEquals(Protocol.ICMPV6, Protocol.valueOf("ipv6-icmp"), "getprotobyname fallback");
        assertEquals(Protocol.ETH_P_ALL, Protocol.ethernet(0x0003));
        assertEquals(0x0300, Protocol.ETH_P_ALL.value());
        assertEquals(Protocol.ETH_P_ARP, Protocol.valueOf("ETH_P_ARP"));
        assertEquals(Protocol.IP, Protocol.NETLINK_ROUTE);
        assertEquals("IPPROTO_IP", Protocol.NETLINK_ROUTE.toString());
        assertEquals("ETH_P_ALL", Protocol.ETH_P_ALL.toString());
        assertEquals("IPPROTO_TCP", Protocol.TCP.toString());
        assertTrue(Protocol.known().contains(Protocol.ETH_P_IPV6));
    }

    @Test
    void byteOrder() {
        assertEquals(0x0100, Rawsock.htons(1));
        assertEquals(1, Rawsock.ntohs(0x0100));
        assertEquals(0x01000000L, Rawsock.htonl(1));
        assertEquals(0xFFFFFFFFL, Rawsock.htonl(0xFFFFFFFFL));
        assertEquals(0x78563412L, Rawsock.ntohl(0x12345678L));
    }

    @Test
    void flags() {
        assertEquals(0x02 | 0x100, MsgFlag.mask(MsgFlag.PEEK, MsgFlag.WAITALL));
        assertEquals(EnumSet.of(MsgFlag.TRUNC, MsgFlag.CTRUNC), MsgFlag.of(0x20 | 0x08));
        assertEquals(0, MsgFlag.mask());
        assertEquals(Set.of(PollEvent.IN, PollEvent.HUP), PollEvent.of(0x11));
        assertEquals(EnumSet.of(IfFlag.UP, IfFlag.LOOPBACK, IfFlag.RUNNING), IfFlag.of(0x49));
        assertEquals(2, Shutdown.BOTH.value());
    }

    @Test
    void convertAddress() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, Rawsock.convertAddress(Domain.INET, "127.0.0.1"));
        assertEquals("127.0.0.1", Rawsock.convertAddress(Domain.INET, new byte[] {127, 0, 0, 1}));
        assertEquals("127.0.0.1", Rawsock.convertAddress(Domain.INET, 0x7F000001L));
        assertEquals("::1", Rawsock.convertAddress(Domain.INET6, 1L));
        byte[] v6 = Rawsock.convertAddress(Domain.INET6, "fe80::1");
        assertEquals(16, v6.length);
        assertEquals("fe80::1", Rawsock.convertAddress(Domain.INET6, v6));
    }
}
