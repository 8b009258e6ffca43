package dev.rawsock.bench;

import dev.rawsock.DatagramBatch;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SockOpt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;

/**
 * {@code udp-gso}: one invocation sends 46 datagrams of 1,400 bytes over 127.0.0.1, as many as one
 * UDP_SEGMENT send takes (a send is at most 64 KiB), and receives them on a socket with UDP_GRO on;
 * scored per datagram, as c/io.c's udp-gso modes. {@code rawsock} is one GSO sendmsg;
 * {@code rawsockSendmmsg} the same datagrams as one sendmmsg, the baseline GSO is to beat.
 */
public class UdpGso {
    static final int SEGMENTS = 46, SEGMENT = 1400, TOTAL = SEGMENTS * SEGMENT;

    @State(Scope.Thread)
    public static class Raw extends PinnedThread {
        RawSocket a, b;
        DatagramBatch gso, mmsg, in;

        @Setup
        public void setup() throws IOException {
            RawSocket[] p = UdpLoopback.loopbackPairWithTimeout();
            a = p[0];
            b = p[1];
            b.setOption(SockOpt.SO_RCVBUF, 4 << 20);
            b.setOption(SockOpt.UDP_GRO, true);
            SockAddr to = b.localAddress();
            byte[] payload = new byte[TOTAL];
            java.util.Arrays.fill(payload, (byte) 'x');
            gso = DatagramBatch.allocate(1, TOTAL);
            gso.put(0, payload);
            gso.setAddress(0, to);
            gso.setSegmentSize(0, SEGMENT);
            mmsg = DatagramBatch.allocate(SEGMENTS, SEGMENT);
            for (int i = 0; i < SEGMENTS; i++) {
                mmsg.put(i, payload, 0, SEGMENT);
                mmsg.setAddress(i, to);
            }
            in = DatagramBatch.allocate(SEGMENTS, 65536);
        }

        @TearDown
        public void tearDown() throws IOException {
            a.close();
            b.close();
            gso.close();
            mmsg.close();
            in.close();
        }

        /** Receives until all 46 datagrams' bytes arrived, coalesced or not. */
        int receiveAll() throws IOException {
            int bytes = 0;
            while (bytes < TOTAL) {
                int r = b.recv(in);
                for (int i = 0; i < r; i++) bytes += in.length(i);
            }
            return bytes;
        }
    }

    /** One UDP_SEGMENT sendmsg of 46 x 1,400 bytes (DatagramBatch.setSegmentSize), received with UDP_GRO. */
    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public int rawsock(Raw s) throws IOException {
        if (s.a.send(s.gso, 1) != 1) throw new IllegalStateException("the GSO send did not go out");
        return s.receiveAll();
    }

    /** The same 46 datagrams as one sendmmsg (no offload), received with UDP_GRO. */
    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public int rawsockSendmmsg(Raw s) throws IOException {
        int sent = s.a.send(s.mmsg, SEGMENTS);
        if (sent != SEGMENTS) throw new IllegalStateException("sendmmsg sent " + sent + " of " + SEGMENTS);
        return s.receiveAll();
    }
}
