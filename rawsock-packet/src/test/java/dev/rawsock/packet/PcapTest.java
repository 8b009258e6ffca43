package dev.rawsock.packet;

import dev.rawsock.packet.testing.SampleFrames;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PcapTest {
    @TempDir Path dir;

    @Test
    void roundTripMicrosAndNanos() throws IOException {
        for (boolean nanos : new boolean[] {false, true}) {
            Path f = dir.resolve("rt-" + nanos + ".pcap");
            List<byte[]> frames = SampleFrames.frames();
            long t0 = 1_700_000_000_123_456_789L;
            try (PcapWriter w = PcapWriter.create(f, PcapWriter.LINKTYPE_ETHERNET, 65535, nanos)) {
                for (int i = 0; i < frames.size(); i++) w.write(t0 + i * 1_000_001L, frames.get(i).length, ByteBuffer.wrap(frames.get(i)));
            }
            try (PcapReader r = PcapReader.open(f)) {
                assertEquals(PcapReader.LINKTYPE_ETHERNET, r.linktype());
                assertEquals(65535, r.snaplen());
                assertEquals(nanos, r.nanos());
                assertEquals(ByteOrder.nativeOrder(), r.byteOrder());
                for (int i = 0; i < frames.size(); i++) {
                    PcapRecord rec = r.next();
                    assertNotNull(rec);
                    long t = t0 + i * 1_000_001L;
                    assertEquals(nanos ? t : t / 1000 * 1000, rec.timestampNanos());
                    assertEquals(frames.get(i).length, rec.wireLength());
                    assertArrayEquals(frames.get(i), rec.bytes());
                    assertEquals(Packets.describe(frames.get(i)), Packets.describe(rec, r.linktype()));
                }
                assertNull(r.next());
                assertNull(r.next());
            }
        }
    }

    @Test
    void snaplenCutsAndFramesCopyThrough() throws IOException {
        Path f = dir.resolve("snap.pcap");
        byte[] frame = SampleFrames.frames().get(0);
        try (PcapWriter w = PcapWriter.create(f, PcapWriter.LINKTYPE_ETHERNET, 20)) {
            w.write(5_000_000_000L, frame.length, ByteBuffer.wrap(frame));
            w.write(new PcapRecord(6_000_000_000L, 1000, ByteBuffer.wrap(frame, 0, 10)));
            assertThrows(IllegalArgumentException.class, () -> w.write(0, 3, ByteBuffer.wrap(frame)));
            assertThrows(IllegalArgumentException.class, () -> w.write(-1, frame));
        }
        try (PcapReader r = PcapReader.open(f)) {
            PcapRecord a = r.next();
            assertEquals(20, a.data().remaining());
            assertEquals(frame.length, a.wireLength());
            assertEquals(5_000_000_000L, a.timestampNanos());
            PcapRecord b = r.next();
            assertEquals(10, b.data().remaining());
            assertEquals(1000, b.wireLength());
            assertNull(r.next());
        }
    }

    @Test
    void recordsLargerThanTheWriteBuffer() throws IOException {
        Path f = dir.resolve("large.pcap");
        byte[] big = new byte[200_003];
        new java.util.Random(7).nextBytes(big);
        try (PcapWriter w = PcapWriter.create(f)) {
            w.write(1, big);
            w.write(2, new byte[] {1});
            w.write(3, big);
        }
        try (PcapReader r = PcapReader.open(f)) {
            assertArrayEquals(big, r.next().bytes());
            assertArrayEquals(new byte[] {1}, r.next().bytes());
            assertArrayEquals(big, r.next().bytes());
            assertNull(r.next());
        }
        assertEquals(24 + 3 * 16 + 2L * big.length + 1, Files.size(f));
    }

    /** A file written big-endian (as on SPARC or by some tools) reads the same. */
    @Test
    void readsBothByteOrders() throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            ByteBuffer b = ByteBuffer.allocate(24 + 16 + 4).order(order);
            b.putInt(PcapWriter.MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(100)
                    .putInt(PcapWriter.LINKTYPE_RAW);
            b.putInt(3).putInt(7).putInt(4).putInt(9).put(new byte[] {1, 2, 3, 4});
            Path f = dir.resolve("order-" + order + ".pcap");
            Files.write(f, b.array());
            try (PcapReader r = PcapReader.open(f)) {
                assertEquals(order, r.byteOrder());
                assertTrue(r.nanos());
                assertEquals(PcapReader.LINKTYPE_RAW, r.linktype());
                PcapRecord rec = r.next();
                assertEquals(3_000_000_007L, rec.timestampNanos());
                assertEquals(9, rec.wireLength());
                assertArrayEquals(new byte[] {1, 2, 3, 4}, rec.bytes());
                assertNull(r.next());
            }
        }
    }

    @Test
    void damagedFilesNameTheOffset() throws IOException {
        Path good = dir.resolve("good.pcap");
        byte[] frame = SampleFrames.frames().get(0);
        try (PcapWriter w = PcapWriter.create(good, PcapWriter.LINKTYPE_ETHERNET, 100)) {
            w.write(1, frame);
            w.write(2, frame);
        }
        byte[] bytes = Files.readAllBytes(good);
        int second = 24 + 16 + frame.length;

        expectDamaged(new byte[] {1, 2, 3}, "offset 0");
        byte[] magic = bytes.clone();
        magic[0] ^= 0x55;
        expectDamaged(magic, "offset 0");
        // Cut in the middle of the second record's header, then of its data.
        expectDamagedOnRead(java.util.Arrays.copyOf(bytes, second + 5), "offset " + second);
        expectDamagedOnRead(java.util.Arrays.copyOf(bytes, bytes.length - 1), "offset " + second);
        // A captured length above the snaplen (100).
        byte[] big = bytes.clone();
        ByteBuffer.wrap(big).order(ByteOrder.nativeOrder()).putInt(second + 8, 101).putInt(second + 12, 101);
        expectDamagedOnRead(big, "offset " + second);
        // A captured length above the wire length.
        byte[] wire = bytes.clone();
        ByteBuffer.wrap(wire).order(ByteOrder.nativeOrder()).putInt(second + 12, 3);
        expectDamagedOnRead(wire, "offset " + second);
    }

    private void expectDamaged(byte[] content, String where) throws IOException {
        Path f = Files.write(dir.resolve("bad.pcap"), content);
        IOException e = assertThrows(IOException.class, () -> PcapReader.open(f));
        assertTrue(e.getMessage().contains(where), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    private void expectDamagedOnRead(byte[] content, String where) throws IOException {
        Path f = Files.write(dir.resolve("bad.pcap"), content);
        try (PcapReader r = PcapReader.open(f)) {
            assertNotNull(r.next());
            IOException e = assertThrows(IOException.class, r::next);
            assertTrue(e.getMessage().contains(where), e.getMessage());
        }
    }

    /** (jqwik does not inject @TempDir: the file goes to the system temp dir and is deleted.) Random bytes, behind a valid header or not: only IOException, and reading ends. */
    @Property(tries = 300)
    void randomFilesNeverCrashTheReader(@ForAll @Size(max = 400) byte[] tail, @ForAll boolean validHeader,
            @ForAll @IntRange(max = 3) int variant) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + tail.length).order(variant % 2 == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (validHeader) b.putInt(variant < 2 ? PcapWriter.MAGIC_MICROS : PcapWriter.MAGIC_NANOS).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(variant == 3 ? 0 : 300).putInt(1);
        else b.put(tail, 0, Math.min(24, tail.length));
        b.position(24);
        b.put(tail);
        Path f = Files.write(Files.createTempFile("rawsock-fuzz", ".pcap"), b.array());
        try (PcapReader r = PcapReader.open(f)) {
            for (int i = 0; i < 1000; i++) {
                PcapRecord rec = r.next();
                if (rec == null) break;
                assertNotNull(Packets.describe(rec, r.linktype()));
            }
        } catch (IOException expected) {
            // damaged: fine
        } finally {
            Files.delete(f);
        }
    }
}
