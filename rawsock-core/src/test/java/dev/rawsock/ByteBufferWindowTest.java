package dev.rawsock;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ByteBuffer I/O reuses the segment of a buffer window it saw last (Scratch.segment): every change
 * of buffer, position, limit or contents must still move exactly the bytes between position and
 * limit, and advance the position by them.
 */
class ByteBufferWindowTest {
    @Test
    void windowsOfOneBufferAndOfTwoBuffersMoveExactlyTheirBytes() throws Exception {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try (RawSocket a = p[0]; RawSocket b = p[1]) {
            b.timeout(Duration.ofSeconds(5));
            for (boolean direct : new boolean[] {true, false}) {
                ByteBuffer out = direct ? ByteBuffer.allocateDirect(16) : ByteBuffer.allocate(16);
                ByteBuffer in = direct ? ByteBuffer.allocateDirect(16) : ByteBuffer.allocate(16);
                out.put("abcdefgh".getBytes(StandardCharsets.US_ASCII));
                for (int round = 0; round < 3; round++) {
                    out.put(0, (byte) 'a');
                    out.position(0).limit(3);
                    assertEquals(3, a.send(out));
                    assertEquals(3, out.position());
                    assertEquals("abc", receive(b, in, 0, 16));

                    out.position(3).limit(8);
                    assertEquals(5, a.send(out));
                    assertEquals("defgh", receive(b, in, 0, 16));

                    // Same window as the first send, new contents: the bytes sent are the new ones.
                    out.put(0, (byte) ('x' + round));
                    out.position(0).limit(3);
                    a.send(out);
                    assertEquals((char) ('x' + round) + "bc", receive(b, in, 0, 16));

                    // A receive window that starts mid-buffer, then the whole buffer again.
                    out.position(0).limit(8);
                    a.send(out);
                    assertEquals((char) ('x' + round) + "bcdefgh", receive(b, in, 4, 16));
                    out.position(0).limit(2);
                    a.send(out);
                    assertEquals((char) ('x' + round) + "b", receive(b, in, 0, 16));
                }
            }
        }
    }

    /** Receives into in[start..limit) and returns what landed there. */
    private static String receive(RawSocket b, ByteBuffer in, int start, int limit) throws Exception {
        in.limit(limit).position(start);
        int n = b.recv(in);
        assertEquals(start + n, in.position());
        byte[] got = new byte[n];
        in.get(start, got);
        return new String(got, StandardCharsets.US_ASCII);
    }
}
