package dev.rawsock;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class RawSocketBasicsTest {
    @Test
    void udpLoopbackRoundTrip() throws Exception {
        try (RawSocket a = RawSocket.open(Domain.INET, SocketType.DGRAM);
             RawSocket b = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            b.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            SockAddr to = b.localAddress();
            assertEquals(Domain.INET, to.family());
            assertTrue(to.port() > 0);
            byte[] msg = "hello".getBytes(StandardCharsets.US_ASCII);
            assertEquals(5, a.sendTo(msg, to));
            byte[] in = new byte[100];
            SockAddr from = SockAddr.of(Domain.UNSPEC);
            b.timeout(Duration.ofSeconds(5));
            int n = b.recvFrom(in, from);
            assertEquals(5, n);
            assertEquals("hello", new String(in, 0, n, StandardCharsets.US_ASCII));
            assertEquals(a.localAddress().port(), from.port());
            assertEquals(InetAddress.getLoopbackAddress(), from.inetAddress());
        }
    }

    @Test
    void streamPairWithByteBuffers() throws Exception {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        try (RawSocket a = p[0]; RawSocket b = p[1]) {
            ByteBuffer out = ByteBuffer.allocateDirect(16).put("abcdef".getBytes(StandardCharsets.US_ASCII)).flip();
            assertEquals(6, a.write(out));
            assertEquals(6, out.position());
            ByteBuffer in = ByteBuffer.allocate(16);
            assertEquals(6, b.read(in));
            assertEquals(6, in.position());
            assertEquals("abcdef", new String(in.array(), 0, 6, StandardCharsets.US_ASCII));
        }
    }
}
