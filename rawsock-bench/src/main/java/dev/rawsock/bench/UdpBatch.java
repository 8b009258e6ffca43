package dev.rawsock.bench;

import dev.rawsock.DatagramBatch;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;

/**
 * {@code udp-batch}: one invocation sends 64 datagrams of 64 bytes with one sendmmsg from one UDP
 * socket on 127.0.0.1 to another and receives them with recvmmsg (as many calls as it takes);
 * scored per packet, as c/io.c's udp-batch mode.
 */
public class UdpBatch {
    static final int SIZE = 64, BATCH = 64;

    @State(Scope.Thread)
    public static class Raw extends PinnedThread {
        RawSocket a, b;
        DatagramBatch out, in;

        @Setup
        public void setup() throws IOException {
            RawSocket[] p = UdpLoopback.loopbackPairWithTimeout();
            a = p[0];
            b = p[1];
            SockAddr to = b.localAddress();
            out = DatagramBatch.allocate(BATCH, SIZE);
            in = DatagramBatch.allocate(BATCH, SIZE);
            byte[] payload = new byte[SIZE];
            java.util.Arrays.fill(payload, (byte) 'x');
            for (int i = 0; i < BATCH; i++) {
                out.put(i, payload);
                out.setAddress(i, to);
            }
        }

        @TearDown
        public void tearDown() throws IOException {
            a.close();
            b.close();
            out.close();
            in.close();
        }
    }

    /** RawSocket.send(DatagramBatch, 64) then recv(DatagramBatch) until all 64 arrived. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int rawsock(Raw s) throws IOException {
        int sent = s.a.send(s.out, BATCH);
        if (sent != BATCH) throw new IllegalStateException("sendmmsg sent " + sent + " of " + BATCH);
        int got = 0;
        while (got < BATCH) got += s.b.recv(s.in);
        return got;
    }
}
