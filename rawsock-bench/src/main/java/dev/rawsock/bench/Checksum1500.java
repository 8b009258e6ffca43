package dev.rawsock.bench;

import dev.rawsock.packet.Checksums;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code checksum-1500}: the RFC 1071 internet checksum of 1,500 bytes (an Ethernet MTU's IP
 * packet), the same bytes as c/checksum.c sums; scored in GB/s by the driver.
 */
public class Checksum1500 {
    static final int LEN = 1500;

    @State(Scope.Thread)
    public static class Data {
        Arena arena;
        MemorySegment seg;
        byte[] array;

        @Setup
        public void setup() {
            arena = Arena.ofConfined();
            seg = arena.allocate(LEN, 64);
            array = new byte[LEN];
            for (int i = 0; i < LEN; i++) {
                array[i] = (byte) (i * 31 + 7);
                seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, array[i]);
            }
        }

        @TearDown
        public void tearDown() {
            arena.close();
        }
    }

    /** Checksums.internet over a native segment. */
    @Benchmark
    public int rawsock(Data d) {
        return Checksums.internet(d.seg);
    }

    /** Checksums.internet over a byte[] (heap). */
    @Benchmark
    public int rawsockArray(Data d) {
        return Checksums.internet(d.array);
    }
}
