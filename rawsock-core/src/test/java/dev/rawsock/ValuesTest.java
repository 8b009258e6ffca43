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

    @Test
    void etherTypes() {
        assertEquals(0x0800, EtherType.IP.value());
        assertEquals(Protocol.ETH_P_IP, EtherType.IP.protocol());
        assertEquals(Protocol.ETH_P_ALL, EtherType.ALL.protocol());
        assertEquals(EtherType.IPV6, EtherType.of(Protocol.ETH_P_IPV6));
        assertEquals("ETH_P_IP", EtherType.IP.toString());       // where Protocol.ETH_P_IP prints IPPROTO_EGP
        assertEquals("0x88b5", new EtherType(0x88B5).toString());
        assertEquals(EtherType.VLAN, EtherType.valueOf("8021q"));
        assertEquals(EtherType.ARP, EtherType.valueOf("ETH_P_ARP"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EtherType.valueOf("nosuch"));
        assertTrue(e.getMessage().contains("ETH_P_LLDP"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EtherType(0x10000));
        assertThrows(IllegalArgumentException.class, () -> new EtherType(-1));
        assertTrue(EtherType.known().contains(EtherType.QINQ));
        assertEquals(SockAddr.packet(3, 0x86DD), SockAddr.packet(3, EtherType.IPV6));
    }

    @Test
    void errnoConstants() {
        assertEquals(111, Errno.ECONNREFUSED.number());
        assertEquals("Connection refused", Errno.ECONNREFUSED.description());
        assertEquals(Errno.EAGAIN, Errno.of(11).orElseThrow());
        assertSame(Errno.EAGAIN, Errno.EWOULDBLOCK);
        assertEquals(Errno.EOPNOTSUPP, Errno.forName("ENOTSUP").orElseThrow());
        assertTrue(Errno.of(41).isEmpty(), "41 is unused on Linux");
        assertTrue(Errno.of(0).isEmpty());
        assertTrue(Errno.forName("EFOO").isEmpty());
        ErrnoException e = new ErrnoException("recvfrom", 11, 7);
        assertTrue(e.is(Errno.EINTR, Errno.EAGAIN));
        assertFalse(e.is(Errno.EINTR));
        assertFalse(e.is());
        assertNull(e.context());
        ErrnoException c = new ErrnoException("if_nametoindex", Errno.ENODEV.number(), -1, "eth9");
        assertEquals("if_nametoindex", c.function());
        assertEquals("eth9", c.context());
        assertEquals("if_nametoindex(eth9): ENODEV (No such device)", c.getMessage());
        assertEquals("recvfrom(Capture.next, fd=3): EBADF (Bad file descriptor)",
                new ErrnoException("recvfrom", 9, 3, "Capture.next").getMessage());
    }

    @Test
    void sockOptIsASocketOption() {
        java.net.SocketOption<Integer> o = SockOpt.SO_RCVBUF;
        assertEquals("SO_RCVBUF", o.name());
        assertEquals(Integer.class, o.type());
    }
}
