package dev.rawsock;

import dev.rawsock.internal.Sys;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.rawsock.TestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The option facade: CLISP's all-options map, records read from live sockets, and every bad-input rule. */
class SockOptTest {
    /** An fd number nothing has open: a call that reached the kernel would fail with EBADF, not IAE. */
    static final int NOT_OPEN = 1_000_000;

    @Test
    void allOptionsOfATcpSocketAsTheSeedGivesThem() throws Exception {
        int fd = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            Map<Level, Map<SockOpt<?>, Object>> all = Rawsock.socketOptions(fd);
            // every level of the catalogue, every readable option in it, nothing else
            assertEquals(List.of(Level.SOL_SOCKET, Level.IP, Level.IPV6, Level.TCP, Level.UDP, Level.RAW, Level.ICMPV6,
                    Level.PACKET), List.copyOf(all.keySet()));
            int n = 0;
            for (Map.Entry<Level, Map<SockOpt<?>, Object>> e : all.entrySet()) {
                for (SockOpt<?> o : SockOpt.known(e.getKey()))
                    assertEquals(o.readable(), e.getValue().containsKey(o), o.name());
                for (Map.Entry<SockOpt<?>, Object> v : e.getValue().entrySet()) {
                    Object x = v.getValue();
                    assertTrue(v.getKey().type().isInstance(x) || x instanceof ErrnoException, v.getKey() + " -> " + x);
                    n++;
                }
            }
            assertEquals(SockOpt.known().stream().filter(SockOpt::readable).count(), n);
            Map<SockOpt<?>, Object> sol = all.get(Level.SOL_SOCKET);
            assertEquals(SocketType.STREAM, sol.get(SockOpt.SO_TYPE));
            assertEquals(Domain.INET, sol.get(SockOpt.SO_DOMAIN));
            assertEquals(Protocol.TCP, sol.get(SockOpt.SO_PROTOCOL));
            assertEquals(false, sol.get(SockOpt.SO_ACCEPTCONN));
            assertEquals(0, sol.get(SockOpt.SO_ERROR));
            assertEquals(-1, sol.get(SockOpt.SO_LINGER));
            assertEquals(Duration.ZERO, sol.get(SockOpt.SO_RCVTIMEO));
            assertEquals("", sol.get(SockOpt.SO_BINDTODEVICE));
            // a TCP socket has no UDP, IPv6, raw or packet options: the kernel's refusal is the value (:ERROR)
            ErrnoException cork = assertInstanceOf(ErrnoException.class, all.get(Level.UDP).get(SockOpt.UDP_CORK));
            assertErrno(cork, Errnos.REFUSED);
            assertEquals(fd, cork.socket());
            assertInstanceOf(ErrnoException.class, all.get(Level.PACKET).get(SockOpt.PACKET_VERSION));
            // IP_MTU needs a connection: refused, but present
            assertInstanceOf(ErrnoException.class, all.get(Level.IP).get(SockOpt.IP_MTU));
            assertEquals(false, all.get(Level.TCP).get(SockOpt.TCP_NODELAY));
            assertEquals("CLOSE", ((TcpInfo) all.get(Level.TCP).get(SockOpt.TCP_INFO)).stateName());
            // one level alone is the same map
            assertEquals(all.get(Level.TCP).keySet(), Rawsock.socketOptions(fd, Level.TCP).keySet());
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    /** test.tst's socket-option part, on a connected TCP socket as there. */
    @Test
    void seedSocketOptionPart() throws Exception {
        int server = Rawsock.socket(Domain.INET, SocketType.STREAM);
        int sock = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            Rawsock.bind(server, SockAddr.inet(InetAddress.getByName("127.0.0.1"), 0));
            Rawsock.sockListen(server);
            Rawsock.connect(sock, Rawsock.getsockname(server));
            // (socket-option *sock* NIL): every option of the default level, SOL_SOCKET
            Map<SockOpt<?>, Object> sol = Rawsock.socketOptions(sock, Level.SOL_SOCKET);
            assertEquals(0, sol.get(SockOpt.SO_ERROR));
            assertEquals(false, sol.get(SockOpt.SO_DEBUG));
            assertTrue(sol.values().stream().filter(v -> v instanceof ErrnoException).count() < sol.size());
            // (socket-option *sock* NIL :level :ALL)
            Map<Level, Map<SockOpt<?>, Object>> all = Rawsock.socketOptions(sock);
            assertTrue(all.get(Level.TCP).get(SockOpt.TCP_INFO) instanceof TcpInfo t && t.stateName().equals("ESTABLISHED"));
            assertTrue(all.get(Level.IP).get(SockOpt.IP_MTU) instanceof Integer);
            // (setf (socket-option *sock* NIL) '(:debug nil)), and with :level :all
            Rawsock.setSocketOptions(sock, Map.of(SockOpt.SO_DEBUG, false));
            assertEquals(false, Rawsock.socketOption(sock, SockOpt.SO_DEBUG));
            // (setf (socket-option *sock* :debug) nil)
            Rawsock.setSocketOption(sock, SockOpt.SO_DEBUG, false);
            assertEquals(false, Rawsock.socketOption(sock, SockOpt.SO_DEBUG));
            // as root, SO_DEBUG can be turned on too
            Rawsock.setSocketOption(sock, SockOpt.SO_DEBUG, true);
            assertEquals(true, Rawsock.socketOption(sock, SockOpt.SO_DEBUG));
        } finally {
            Sys.closeQuietly(sock);
            Sys.closeQuietly(server);
        }
    }

    @Test
    void setSeveralThenReadThemBack() throws Exception {
        int fd = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            Map<SockOpt<?>, Object> set = new LinkedHashMap<>();
            set.put(SockOpt.SO_KEEPALIVE, true);
            set.put(SockOpt.TCP_NODELAY, true);
            set.put(SockOpt.IP_TTL, 17);
            set.put(SockOpt.SO_LINGER, 0);
            set.put(SockOpt.SO_SNDTIMEO, Duration.ofSeconds(3));
            Rawsock.setSocketOptions(fd, set);
            assertEquals(true, Rawsock.socketOption(fd, SockOpt.SO_KEEPALIVE));
            assertEquals(true, Rawsock.socketOption(fd, SockOpt.TCP_NODELAY));
            assertEquals(17, Rawsock.socketOption(fd, SockOpt.IP_TTL));
            assertEquals(0, Rawsock.socketOption(fd, SockOpt.SO_LINGER));
            assertEquals(Duration.ofSeconds(3), Rawsock.socketOption(fd, SockOpt.SO_SNDTIMEO));
            Rawsock.setSocketOption(fd, SockOpt.SO_LINGER, -1);
            assertEquals(-1, Rawsock.socketOption(fd, SockOpt.SO_LINGER));

            // one bad value: nothing at all is set
            Map<SockOpt<?>, Object> bad = new LinkedHashMap<>();
            bad.put(SockOpt.IP_TTL, 99);
            bad.put(SockOpt.SO_RCVBUF, -1);
            assertThrows(IllegalArgumentException.class, () -> Rawsock.setSocketOptions(fd, bad));
            assertEquals(17, Rawsock.socketOption(fd, SockOpt.IP_TTL));
            // a value of the wrong type through the untyped map
            Map<SockOpt<?>, Object> wrongType = Map.of(SockOpt.SO_RCVBUF, "big");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rawsock.setSocketOptions(fd, wrongType));
            assertTrue(e.getMessage().contains("SO_RCVBUF") && e.getMessage().contains("Integer"), e.getMessage());
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    @Test
    void tcpInfoAndPeerCredentialsOfLiveConnections() throws Exception {
        try (RawSocket server = RawSocket.open(Domain.INET, SocketType.STREAM)) {
            server.setOption(SockOpt.SO_REUSEADDR, true);
            server.bind(SockAddr.inet(InetAddress.getByName("127.0.0.1"), 0));
            server.listen();
            assertEquals(true, server.option(SockOpt.SO_ACCEPTCONN));
            assertEquals("LISTEN", server.option(SockOpt.TCP_INFO).stateName());
            try (RawSocket client = RawSocket.open(Domain.INET, SocketType.STREAM)) {
                client.timeout(Duration.ofSeconds(10));
                client.connect(server.localAddress());
                try (RawSocket peer = server.accept()) {
                    client.write(new byte[1000]);
                    byte[] in = new byte[1000];
                    int got = 0;
                    for (int i = 0; i < 100 && got < 1000; i++) got += peer.read(in, got, 1000);
                    assertEquals(1000, got);
                    TcpInfo t = client.option(SockOpt.TCP_INFO);
                    assertEquals("ESTABLISHED", t.stateName());
                    assertTrue(t.sndMss() > 0 && t.rcvMss() > 0, t.toString());
                    assertTrue(t.rtt() > 0, "rtt " + t.rtt());
                    assertTrue(t.segsOut() > 0, t.toString());
                    assertTrue(t.bytesSent() >= 1000 || t.bytesAcked() >= 1000, t.toString());
                    int mtu = client.option(SockOpt.IP_MTU);  // lo's MTU (65536), capped at IP_MAX_MTU 65535
                    assertTrue(mtu >= 65535 && mtu <= 65536, "IP_MTU " + mtu);
                    TcpInfo p = peer.option(SockOpt.TCP_INFO);
                    assertTrue(p.bytesReceived() >= 1000, p.toString());
                }
            }
        }
        RawSocket[] pair = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        try {
            Ucred c = pair[0].option(SockOpt.SO_PEERCRED);
            assertEquals(ProcessHandle.current().pid(), c.pid());
            assertEquals(pair[1].option(SockOpt.SO_PEERCRED), c);  // both ends are this process
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void rawOptionsAreBytes() throws Exception {
        int fd = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            SockOpt<byte[]> raw = SockOpt.raw(Level.SOL_SOCKET, SockOpt.SO_RCVBUF.optname());
            assertEquals("raw(SOL_SOCKET, SO_RCVBUF)", raw.toString());
            assertEquals(raw, SockOpt.raw(Level.SOL_SOCKET, SockOpt.SO_RCVBUF.optname()));
            assertNotEquals(SockOpt.SO_RCVBUF, raw);
            byte[] v = Rawsock.socketOption(fd, raw);
            assertEquals(4, v.length);
            Rawsock.setSocketOption(fd, raw, new byte[] {0, 0, 1, 0});  // 65536, little-endian int
            assertEquals(131072, Rawsock.socketOption(fd, SockOpt.SO_RCVBUF));
            assertArrayEquals(new byte[] {0, 0, 2, 0}, Rawsock.socketOption(fd, raw));
            // an option number no kernel has
            ErrnoException e = assertThrows(ErrnoException.class, () -> Rawsock.socketOption(fd, SockOpt.raw(Level.TCP, 9999)));
            assertErrno(e, Errno.ENOPROTOOPT);
            assertEquals("getsockopt", e.function());
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    @Test
    void badValuesAreRejectedBeforeTheCall() {
        // each would be EBADF if it reached the kernel
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.SO_RCVBUF, -1), "SO_RCVBUF");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.SO_SNDBUF, -5), "SO_SNDBUF");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_TTL, 256), "IP_TTL");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_TTL, 0), "IP_TTL");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_TTL, -2), "IP_TTL");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_MULTICAST_TTL, 256), "IP_MULTICAST_TTL");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IPV6_UNICAST_HOPS, 300), "IPV6_UNICAST_HOPS");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_TOS, 256), "IP_TOS");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.TCP_KEEPCNT, 0), "TCP_KEEPCNT");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.TCP_KEEPIDLE, 40000), "TCP_KEEPIDLE");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.SO_LINGER, -2), "SO_LINGER");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.SO_RCVTIMEO, Duration.ofSeconds(-1)), "SO_RCVTIMEO");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.UDP_SEGMENT, 70000), "UDP_SEGMENT");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IPV6_MTU, 1000), "IPV6_MTU");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IPV6_CHECKSUM, 3), "IPV6_CHECKSUM");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.PACKET_VERSION, 3), "PACKET_VERSION");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.TCP_CONGESTION, ""), "TCP_CONGESTION");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.TCP_CONGESTION, "a-very-long-algorithm"), "TCP_CONGESTION");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.SO_BINDTODEVICE, "sixteen-bytes-xx"), "SO_BINDTODEVICE");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.SO_BINDTODEVICE, "lo\0x"), "SO_BINDTODEVICE");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_OPTIONS, new byte[41]), "IP_OPTIONS");
        assertIae(() -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.ICMPV6_FILTER, new byte[31]), "ICMPV6_FILTER");
        assertThrows(IllegalArgumentException.class, () -> new IpMreqn(SockOptRoundTripTest.group4(), null, -1));
        assertThrows(NullPointerException.class, () -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_TTL, null));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.socketOption(-1, SockOpt.SO_TYPE));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.socketOptions(-1));
        // the ends of each range are accepted: the call is made and fails with EBADF
        assertErrno(assertThrows(ErrnoException.class,
                () -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_TTL, 255)), Errno.EBADF);
        assertErrno(assertThrows(ErrnoException.class,
                () -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.IP_TTL, -1)), Errno.EBADF);
        assertErrno(assertThrows(ErrnoException.class,
                () -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.SO_RCVBUF, 0)), Errno.EBADF);
    }

    @Test
    void readOnlyAndWriteOnlyOptionsSayWhich() throws Exception {
        UnsupportedOperationException ro = assertThrows(UnsupportedOperationException.class,
                () -> Rawsock.setSocketOption(NOT_OPEN, SockOpt.SO_TYPE, SocketType.DGRAM));
        assertTrue(ro.getMessage().contains("SO_TYPE"), ro.getMessage());
        for (SockOpt<?> o : SockOpt.known()) {
            if (!o.writable()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> Rawsock.setSocketOptions(NOT_OPEN, Map.of(o, 0)), o.name());
                assertTrue(e.getMessage().contains(o.name()), e.getMessage());
            }
            if (!o.readable()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> Rawsock.socketOption(NOT_OPEN, o), o.name());
                assertTrue(e.getMessage().contains(o.name()), e.getMessage());
            }
        }
        assertFalse(SockOpt.SO_ERROR.writable());
        assertFalse(SockOpt.IP_ADD_MEMBERSHIP.readable());
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.STREAM)) {
            assertThrows(UnsupportedOperationException.class, () -> s.setOption(SockOpt.TCP_INFO, null));
            assertThrows(UnsupportedOperationException.class, () -> s.option(SockOpt.SO_RCVBUFFORCE));
        }
    }

    @Test
    void rawSocketOptionsMatchTheFacade() throws Exception {
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            s.setOption(SockOpt.SO_BROADCAST, true).setOption(SockOpt.IP_TTL, 9);
            assertEquals(true, Rawsock.socketOption(s.fd(), SockOpt.SO_BROADCAST));
            assertEquals(9, s.option(SockOpt.IP_TTL));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(SockOpt.IP_TTL, 1000));
            assertEquals(9, s.option(SockOpt.IP_TTL));
            Map<Level, Map<SockOpt<?>, Object>> all = s.options();
            assertEquals(SocketType.DGRAM, all.get(Level.SOL_SOCKET).get(SockOpt.SO_TYPE));
            assertEquals(false, s.options(Level.UDP).get(SockOpt.UDP_CORK));
            s.setOptions(Map.of(SockOpt.UDP_CORK, true));
            assertEquals(true, s.option(SockOpt.UDP_CORK));
            s.close();
            ErrnoException e = assertThrows(ErrnoException.class, () -> s.option(SockOpt.SO_TYPE));
            assertErrno(e, Errno.EBADF);
        }
    }

    /** How Linux refuses an option a socket's protocol lacks (EOPNOTSUPP from 6.x for some levels). */
    static final class Errnos {
        static final Errno[] REFUSED = {Errno.ENOPROTOOPT, Errno.EOPNOTSUPP, Errno.EINVAL};
    }

    static void assertIae(org.junit.jupiter.api.function.Executable call, String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, name);
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}
