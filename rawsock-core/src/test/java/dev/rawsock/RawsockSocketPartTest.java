package dev.rawsock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static dev.rawsock.TestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A port of the socket part of CLISP's modules/rawsock/test.tst to the Java names, against a
 * greeting server on 127.0.0.1 instead of ftp.gnu.org (tests talk to loopback only).
 */
class RawsockSocketPartTest {
    static final String GREETING = "220 rawsock test server ready\r\n";
    RawSocket server;
    SockAddr remote;
    Thread acceptor;

    @BeforeEach
    void startServer() throws Exception {
        server = RawSocket.open(Domain.INET, SocketType.STREAM);
        server.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
        server.listen();
        remote = server.localAddress();
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; i < 2; i++) {
                    try (RawSocket c = server.accept()) {
                        c.write(GREETING.getBytes(StandardCharsets.US_ASCII));
                        c.shutdown(Shutdown.WRITE);
                        c.poll(Set.of(PollEvent.IN, PollEvent.RDHUP), 5000);
                    }
                }
            } catch (Exception e) {
                // the server closes when the test ends
            }
        });
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        acceptor.join(5000);
        assertFalse(acceptor.isAlive());
    }

    static String text(byte[] b, int n) {
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void testTstSocketPart() throws Exception {
        byte[] buffer = new byte[1024];
        int sock = Rawsock.socket(Domain.valueOf("AF_INET"), SocketType.valueOf("SOCK_STREAM"), (Protocol) null);
        assertTrue(sock >= 0);
        Rawsock.connect(sock, remote);
        assertEquals(remote, Rawsock.getpeername(sock));
        int size = recvAll(sock, buffer);
        String recvRet = text(buffer, size);
        assertEquals(GREETING, recvRet);
        Rawsock.shutdown(sock, Shutdown.BOTH);
        assertEquals(0, Rawsock.sockClose(sock));

        int so = Rawsock.socket(Domain.INET, SocketType.STREAM, (Protocol) null);
        assertEquals(sock, so, "the lowest free fd is reused, as test.tst checks");
        Rawsock.connect(so, remote);
        assertEquals(remote, Rawsock.getpeername(so));
        int n = 0, r;
        while ((r = Rawsock.sockRead(so, buffer, n, buffer.length)) > 0) n += r;
        assertEquals(recvRet, text(buffer, n), "read gives what recv gave");
        assertEquals(0, Rawsock.sockClose(so));

        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM, null);
        String message = "abazonk";
        assertEquals(7, Rawsock.sockWrite(pair[0], message.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(message, text(buffer, Rawsock.sockRead(pair[1], buffer)));
        assertEquals(0, Rawsock.sockClose(pair[0]));
        assertEquals(0, Rawsock.sockClose(pair[1]));
    }

    @Test
    void writeToStdout() throws Exception {
        // test.tst: (rawsock:sock-write 1 (to-bytes "foo")) => 3
        assertEquals(3, Rawsock.sockWrite(1, "foo".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void bindAndGetsockname() throws Exception {
        int s = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            SockAddr local = SockAddr.inet(InetAddress.getLoopbackAddress(), 0);
            Rawsock.bind(s, local);
            SockAddr got = Rawsock.getsockname(s);
            assertEquals(Domain.INET, Rawsock.sockaddrFamily(got));
            assertEquals(InetAddress.getLoopbackAddress(), got.inetAddress());
            assertTrue(got.port() > 0);
            // getsockname into an address of another family and size: family and length follow the kernel
            SockAddr into = SockAddr.unix(java.nio.file.Path.of("/tmp/some/long/path/that/is/not/used"));
            assertSame(into, Rawsock.getsockname(s, into));
            assertEquals(got, into);
            assertEquals(16, into.size());
        } finally {
            Rawsock.sockClose(s);
        }
    }

    @Test
    void acceptFillsPeerAddress() throws Exception {
        int l = Rawsock.socket(Domain.INET, SocketType.STREAM);
        int c = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            Rawsock.bind(l, SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            Rawsock.sockListen(l);
            Rawsock.connect(c, Rawsock.getsockname(l));
            SockAddr peer = Rawsock.makeSockaddr(Domain.UNIX);
            int a = Rawsock.accept(l, peer);
            try {
                assertEquals(Rawsock.getsockname(c), peer);
                assertEquals(Set.of(PollEvent.OUT), Rawsock.poll(a, Set.of(PollEvent.IN, PollEvent.OUT), 0));
                assertEquals(3, Rawsock.send(a, "xyz".getBytes(StandardCharsets.US_ASCII)));
                assertEquals(Set.of(PollEvent.IN), Rawsock.poll(c, Set.of(PollEvent.IN), 5000));
                byte[] b = new byte[8];
                assertEquals(2, Rawsock.recv(c, b, 0, 2, MsgFlag.PEEK));
                assertEquals(3, Rawsock.recv(c, b, 2, 8));
                assertEquals("xyxyz", text(b, 5));
                assertFalse(Rawsock.sockatmark(c));
            } finally {
                Rawsock.sockClose(a);
            }
        } finally {
            Rawsock.sockClose(l);
            Rawsock.sockClose(c);
        }
    }

    @Test
    void udpSendtoRecvfromAndVectors() throws Exception {
        int a = Rawsock.socket(Domain.INET, SocketType.DGRAM, "udp");
        int b = Rawsock.socket(Domain.INET, SocketType.DGRAM, Protocol.UDP);
        try {
            Rawsock.bind(b, SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            SockAddr to = Rawsock.getsockname(b);
            byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
            assertEquals(4, Rawsock.sendto(a, data, 3, 7, to));
            byte[] in = new byte[10];
            SockAddr from = SockAddr.of(Domain.INET6);
            assertEquals(4, Rawsock.recvfrom(b, in, 1, 9, from));
            assertEquals("3456", new String(in, 1, 4, StandardCharsets.US_ASCII));
            assertEquals(Domain.INET, from.family());
            assertEquals(InetAddress.getLoopbackAddress(), from.inetAddress());
            // a datagram bigger than the buffer: TRUNC gives its real length
            Rawsock.sendto(a, data, to);
            assertEquals(10, Rawsock.recv(b, in, 0, 4, MsgFlag.TRUNC));
            Rawsock.connect(a, to);
            assertEquals(8, Rawsock.sockWrite(a, new byte[][] {"ab".getBytes(), "cdef".getBytes(), "gh".getBytes()}, 0, 3));
            byte[][] parts = {new byte[3], new byte[3], new byte[3]};
            assertEquals(8, Rawsock.sockRead(b, parts));
            assertEquals("abc", text(parts[0], 3));
            assertEquals("def", text(parts[1], 3));
            assertEquals("gh", text(parts[2], 2));
        } finally {
            Rawsock.sockClose(a);
            Rawsock.sockClose(b);
        }
    }

    @Test
    void openUnixSocket() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("rs");
        java.nio.file.Path path = dir.resolve("s");
        try (RawSocket l = RawSocket.open(Domain.UNIX, SocketType.STREAM)) {
            l.bind(SockAddr.unix(path));
            l.listen(4);
            OpenedSocket o = Rawsock.openUnixSocket(path);
            try (RawSocket peer = l.accept()) {
                assertEquals(path, o.address().path());
                assertEquals(2, Rawsock.sockWrite(o.fd(), new byte[] {1, 2}));
                byte[] b = new byte[2];
                assertEquals(2, peer.read(b));
            } finally {
                Rawsock.sockClose(o.fd());
            }
        } finally {
            java.nio.file.Files.deleteIfExists(path);
            java.nio.file.Files.deleteIfExists(dir);
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> Rawsock.openUnixSocket(dir.resolve("nope")));
        assertErrno(e, Errno.ENOENT);
    }

    static int recvAll(int fd, byte[] buf) throws ErrnoException {
        int n = 0, r;
        while (n < buf.length && (r = Rawsock.recv(fd, buf, n, buf.length)) > 0) n += r;
        return n;
    }
}
