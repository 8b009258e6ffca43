package dev.rawsock.bench;

import dev.rawsock.packet.Checksums;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * {@code checksum-64}, {@code checksum-1500}, {@code checksum-65536}: the RFC 1071 internet checksum
 * of {@code size} bytes, the same bytes as c/checksum.c sums; scored in GB/s by the driver. The three
 * methods are the three kinds of memory the library takes.
 */
public class Checksum {
    @State(Scope.Thread)
    public static class Data extends PinnedThread {
        @Param({"1500"})
        int size;
        Arena arena;
        MemorySegment seg;
        ByteBuffer buf;
        byte[] array;

        @Setup
        public void setup() {
            arena = Arena.ofConfined();
            seg = arena.allocate(size, 64);
            array = new byte[size];
            for (int i = 0; i < size; i++) {
                array[i] = (byte) (i * 31 + 7);
                seg.set(ValueLayout.JAVA_BYTE, i, array[i]);
            }
            buf = ByteBuffer.allocateDirect(size).put(array).flip();
        }

        @TearDown
        public void tearDown() {
            arena.close();
        }
    }

    /** Checksums.internet over a native MemorySegment. */
    @Benchmark
    public int rawsock(Data d) {
        return Checksums.internet(d.seg);
    }

    /** Checksums.internet over a byte[] (heap). */
    @Benchmark
    public int rawsockArray(Data d) {
        return Checksums.internet(d.array);
    }

    /** Checksums.internet over a direct ByteBuffer (position to limit). */
    @Benchmark
    public int rawsockByteBuffer(Data d) {
        return Checksums.internet(d.buf);
    }
}
