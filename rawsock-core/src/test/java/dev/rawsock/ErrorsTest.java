package dev.rawsock;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;

import static dev.rawsock.TestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

/** The error model: bad input before any call, ErrnoException for failed calls, with a C-like message. */
class ErrorsTest {
    @Test
    void errnoExceptionMessageAndFields() throws Exception {
        int s = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            // find a closed port on loopback: bind, read the port, close, then connect to it
            int probe = Rawsock.socket(Domain.INET, SocketType.STREAM);
            Rawsock.bind(probe, SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            SockAddr closed = Rawsock.getsockname(probe);
            Rawsock.sockClose(probe);
            ErrnoException e = assertThrows(ErrnoException.class, () -> Rawsock.connect(s, closed));
            assertEquals("connect", e.function());
            assertEquals(111, e.errno());
            assertErrno(e, Errno.ECONNREFUSED);
            assertEquals(s, e.socket());
            assertEquals("connect(fd=" + s + "): ECONNREFUSED (Connection refused)", e.getMessage());
            assertInstanceOf(java.net.SocketException.class, e);
        } finally {
            Rawsock.sockClose(s);
        }
    }

    @Test
    void closedFdIsEbadf() throws Exception {
        int s = Rawsock.socket(Domain.INET, SocketType.DGRAM);
        Rawsock.sockClose(s);
        ErrnoException e = assertThrows(ErrnoException.class, () -> Rawsock.send(s, new byte[1]));
        assertErrno(e, Errno.EBADF);
        assertEquals(s, e.socket());
        assertErrno(assertThrows(ErrnoException.class, () -> Rawsock.sockClose(s)), Errno.EBADF);
        assertErrno(assertThrows(ErrnoException.class, () -> Rawsock.getsockname(s)), Errno.EBADF);
    }

    @Test
    void badInputBeforeAnyCall() {
        byte[] b = new byte[10];
        assertThrows(IllegalArgumentException.class, () -> Rawsock.send(-1, b));
        assertThrows(IndexOutOfBoundsException.class, () -> Rawsock.send(0, b, 5, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> Rawsock.recv(0, b, 0, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> Rawsock.recv(0, b, -1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> Rawsock.sockRead(0, new byte[][] {b}, 0, 2));
        assertThrows(NullPointerException.class, () -> Rawsock.sockWrite(1, new byte[][] {b, null}));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.sockListen(0, -1));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unix(Path.of("/" + "x".repeat(107))));
        assertDoesNotThrow(() -> SockAddr.unix(Path.of("/" + "x".repeat(106))));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unix(Path.of("a\0b")));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.unixAbstract("y".repeat(108)));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.of(Domain.INET, -1));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.of(Domain.INET, 127));
        assertThrows(IllegalArgumentException.class, () -> SockAddr.inet(InetAddress.getLoopbackAddress(), 65536));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.socket(Domain.INET, SocketType.DGRAM, "no-such-proto\0"));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.htons(-1));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.htons(65536));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.htonl(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ntohl(-1));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.convertAddress(Domain.INET, "1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.convertAddress(Domain.INET, new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.convertAddress(Domain.UNIX, "x"));
        assertThrows(IllegalArgumentException.class, () -> RawSocket.adopt(-3));
    }

    @Test
    void unknownConstantNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Domain.valueOf("bad"));
        assertTrue(e.getMessage().contains("AF_INET"), e.getMessage());
        assertTrue(e.getMessage().contains("AF_PACKET"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SocketType.valueOf("bad"));
        assertTrue(e.getMessage().contains("SOCK_DGRAM"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Protocol.valueOf("no-such-protocol"));
        assertTrue(e.getMessage().contains("IPPROTO_ICMP") && e.getMessage().contains("ETH_P_ALL"), e.getMessage());
    }

    @Test
    void sigpipeNeverKills() throws Exception {
        int[] p = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        Rawsock.sockClose(p[1]);
        ErrnoException e = assertThrows(ErrnoException.class, () -> Rawsock.send(p[0], new byte[] {1}));
        assertErrno(e, Errno.EPIPE);
        Rawsock.sockClose(p[0]);
    }
}
