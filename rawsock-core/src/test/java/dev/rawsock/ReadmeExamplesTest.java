package dev.rawsock;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's "Two faces over one core" example, verbatim apart from the assertions. */
class ReadmeExamplesTest {
    @Test
    void twoFaces() throws Exception {
        int fd = Rawsock.socket(Domain.INET, SocketType.DGRAM, Protocol.UDP);
        Rawsock.bind(fd, SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
        SockAddr me = Rawsock.getsockname(fd);
        Rawsock.sendto(fd, "hi".getBytes(), me);
        byte[] buf = new byte[100];
        SockAddr from = SockAddr.of(Domain.INET);
        int n = Rawsock.recvfrom(fd, buf, 0, buf.length, from);
        Rawsock.sockClose(fd);
        assertEquals(2, n);
        assertEquals(me, from);

        int got;
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            s.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            s.timeout(Duration.ofSeconds(2));
            s.sendTo(java.nio.ByteBuffer.wrap("ping".getBytes()), s.localAddress());
            got = s.recv(new byte[16]);
        }
        assertEquals(4, got);
    }
}
