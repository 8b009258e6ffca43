package dev.rawsock.bench;

import dev.rawsock.capture.Capture;
import dev.rawsock.capture.CapturedPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

/**
 * {@code capture-latency}: one operation is a UDP datagram sent to 127.0.0.1 and its arrival through
 * a {@link Capture} on lo that waits for it; the report turns operations per second into the delay
 * from send to delivery, in microseconds. {@code rawsock} is immediate mode (a TPACKET_V2 ring that
 * wakes per packet); {@code rawsockBlock} the default TPACKET_V3 ring, whose lone packet waits for its
 * block to retire (10 ms block timeout).
 */
public class CaptureLatency {
    /** A sender, a sink nobody reads, and a capture of datagrams to the sink, immediate or not. */
    abstract static class Loop {
        DatagramChannel src, sink;
        InetSocketAddress to;
        Capture capture;
        final ByteBuffer payload = ByteBuffer.allocateDirect(16);

        void open(boolean immediate) throws IOException {
            sink = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            src = DatagramChannel.open();
            to = (InetSocketAddress) sink.getLocalAddress();
            capture = Capture.open("lo", Capture.Options.defaults().immediate(immediate).snaplen(128)
                    .filter("udp dst port " + to.getPort()));
        }

        /** Sends one datagram and waits (at most 5 s: a lost one fails the run) for the capture to deliver it. */
        int roundTrip() throws IOException {
            payload.clear();
            src.send(payload, to);
            CapturedPacket p = capture.next(Duration.ofSeconds(5));
            if (p == null) throw new IOException("the capture did not deliver the datagram within 5 s");
            return p.capturedLength();
        }

        @TearDown
        public void close() throws IOException {
            capture.close();
            src.close();
            sink.close();
        }
    }

    @State(Scope.Thread)
    public static class Immediate extends Loop {
        @Setup
        public void setup() throws IOException {
            open(true);
        }
    }

    @State(Scope.Thread)
    public static class Block extends Loop {
        @Setup
        public void setup() throws IOException {
            open(false);
        }
    }

    /** Immediate mode: the TPACKET_V2 ring. */
    @Benchmark
    public int rawsock(Immediate s) throws IOException {
        return s.roundTrip();
    }

    /** Block mode: the default TPACKET_V3 ring with a 10 ms block timeout. */
    @Benchmark
    public int rawsockBlock(Block s) throws IOException {
        return s.roundTrip();
    }
}
