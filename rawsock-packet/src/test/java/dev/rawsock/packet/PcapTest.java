package dev.rawsock.packet;

import dev.rawsock.packet.testing.Tshark;
import dev.rawsock.packet.testing.SampleFrames;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Assumptions;
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
        // A captured length above the largest libpcap accepts for Ethernet (262144).
        byte[] big = bytes.clone();
        ByteBuffer.wrap(big).order(ByteOrder.nativeOrder()).putInt(second + 8, 262145).putInt(second + 12, 262145);
        expectDamagedOnRead(big, "offset " + second + ": captured length 262145 is above the snaplen 100");
        // Versions libpcap refuses.
        byte[] archaic = bytes.clone();
        ByteBuffer.wrap(archaic).order(ByteOrder.nativeOrder()).putShort(4, (short) 1);
        expectDamaged(archaic, "offset 4: archaic pcap version 1.4");
        byte[] future = bytes.clone();
        ByteBuffer.wrap(future).order(ByteOrder.nativeOrder()).putShort(6, (short) 5);
        expectDamaged(future, "offset 4: unsupported pcap version 2.5");
    }

    /** A classic file written field by field in the given byte order: the header, then records of (sec, frac, incl, orig, bytes). */
    static byte[] classic(ByteOrder o, int magic, int major, int minor, int snaplen, int network, Object... records) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(o);
        b.putInt(magic).putShort((short) major).putShort((short) minor).putInt(0).putInt(0).putInt(snaplen).putInt(network);
        for (int i = 0; i < records.length; i += 5) {
            b.putInt((Integer) records[i]).putInt((Integer) records[i + 1]).putInt((Integer) records[i + 2]).putInt((Integer) records[i + 3]);
            if (magic == PcapReader.MAGIC_KUZNETZOV) b.putLong(0x0102030405060708L);
            b.put((byte[]) records[i + 4]);
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    static byte[] seq(int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) a[i] = (byte) i;
        return a;
    }

    /** libpcap's sf-pcap.c rules, each checked here and, where tcpdump is installed, against tcpdump reading the same file. */
    @Test
    void readsWhatLibpcapReadsAsLibpcapReadsIt() throws Exception {
        // A record longer than the snaplen: its first snaplen bytes, the rest skipped; the next record intact.
        Path longer = Files.write(dir.resolve("longer.pcap"), classic(ByteOrder.BIG_ENDIAN, PcapWriter.MAGIC_MICROS, 2, 4, 20, 1,
                1, 0, 50, 60, seq(50), 2, 0, 10, 10, seq(10)));
        // A wire length below the captured length, and a microsecond fraction of more than a second, as they are.
        Path odd = Files.write(dir.resolve("odd.pcap"), classic(ByteOrder.LITTLE_ENDIAN, PcapWriter.MAGIC_MICROS, 2, 4, 100, 1,
                3, 1_500_000, 60, 60, seq(60), 4, 0, 60, 40, seq(60)));
        // snaplen 0 and 0xFFFFFFFF: libpcap's maximum for the link type, never negative; FCS bits above the link type.
        Path snap0 = Files.write(dir.resolve("snap0.pcap"), classic(ByteOrder.BIG_ENDIAN, PcapWriter.MAGIC_NANOS, 2, 4, 0,
                0x04000000 | 2 << 28 | 1, 4, 5, 3, 3, seq(3)));
        Path snapNeg = Files.write(dir.resolve("snapneg.pcap"), classic(ByteOrder.BIG_ENDIAN, PcapWriter.MAGIC_MICROS, 2, 4, -1, 101,
                4, 5, 3, 3, seq(3)));
        // Version 2.2: caplen and len were written the other way round; the patched (Kuznetzov) magic: 8 more header bytes.
        Path v22 = Files.write(dir.resolve("v22.pcap"), classic(ByteOrder.LITTLE_ENDIAN, PcapWriter.MAGIC_MICROS, 2, 2, 100, 1,
                6, 7, 80, 4, seq(4)));
        Path kuz = Files.write(dir.resolve("kuz.pcap"), classic(ByteOrder.LITTLE_ENDIAN, PcapReader.MAGIC_KUZNETZOV, 2, 4, 10, 1,
                8, 9, 24, 24, seq(24), 9, 9, 2, 2, seq(2)));

        try (PcapReader r = PcapReader.open(longer)) {
            PcapRecord a = r.next();
            assertArrayEquals(seq(20), a.bytes());
            assertEquals(60, a.wireLength());
            assertArrayEquals(seq(10), r.next().bytes());
            assertNull(r.next());
        }
        try (PcapReader r = PcapReader.open(odd)) {
            PcapRecord a = r.next();
            assertEquals(List.of(3L, 1_500_000_000L), List.of(a.seconds(), a.fractionNanos()));
            assertEquals(4_500_000_000L, a.timestampNanos());
            PcapRecord b = r.next();
            assertEquals(60, b.data().remaining());
            assertEquals(40, b.wireLength());
        }
        try (PcapReader r = PcapReader.open(snap0)) {
            assertEquals(PcapWriter.DEFAULT_SNAPLEN, r.snaplen());
            assertEquals(1, r.linktype());
            assertEquals(4, r.interfaces().getFirst().fcsLength());
            assertEquals(List.of(4L, 5L), List.of(r.next().seconds(), r.next() == null ? 5L : -1L));
        }
        try (PcapReader r = PcapReader.open(snapNeg)) {
            assertEquals(PcapWriter.DEFAULT_SNAPLEN, r.snaplen());
            assertEquals(-1, r.interfaces().getFirst().fcsLength());
        }
        try (PcapReader r = PcapReader.open(v22)) {
            PcapRecord a = r.next();
            assertEquals(List.of(4, 80), List.of(a.data().remaining(), a.wireLength()));
        }
        try (PcapReader r = PcapReader.open(kuz)) {
            assertEquals(24, r.snaplen(), "the patched format's Ethernet snaplen counts 14 more bytes");
            assertArrayEquals(seq(24), r.next().bytes());
            assertArrayEquals(seq(2), r.next().bytes());
            assertNull(r.next());
        }

        String tcpdump = dev.rawsock.packet.testing.ExternalTools.which("tcpdump");
        Assumptions.assumeTrue(tcpdump != null, "tcpdump is not installed (Debian package tcpdump; .ci/run installs it)");
        for (Path f : List.of(longer, odd, snap0, snapNeg, v22, kuz)) {
            // tcpdump -tt prints seconds.fraction as libpcap hands them over, then the captured bytes with -x.
            List<String> theirs = dev.rawsock.packet.testing.Tshark.run(List.of(tcpdump, "-r", f.toString(), "-n", "-tt", "-x")).stream()
                    .filter(l -> !l.startsWith("\t")).map(l -> l.split(" ")[0]).toList();
            List<String> ours = new java.util.ArrayList<>();
            try (PcapReader r = PcapReader.open(f)) {
                for (PcapRecord rec; (rec = r.next()) != null; ) {
                    // tcpdump prints a record whose wire length is below its captured length as "[Invalid header: ...]".
                    ours.add(rec.wireLength() < rec.data().remaining() ? "[Invalid"
                            : rec.seconds() + "." + String.format("%06d", rec.fractionNanos() / 1000));
                }
            }
            assertEquals(theirs, ours, f.getFileName().toString());
        }
        assertTrue(dev.rawsock.packet.testing.Tshark.run(List.of(tcpdump, "-r", odd.toString(), "-n")).contains("[Invalid header: len(40) < caplen(60)]"));
    }

    private void expectDamaged(byte[] content, String where) throws IOException {
        Path f = Files.write(dir.resolve("bad.pcap"), content);
        IOException e = assertThrows(IOException.class, () -> PcapReader.open(f));
        assertTrue(e.getMessage().contains(where), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    private void expectDamagedOnRead(byte[] content, String where) throws IOException {
        // Every good record before the damage is delivered first.
        Path f = Files.write(dir.resolve("bad.pcap"), content);
        try (PcapReader r = PcapReader.open(f)) {
            assertNotNull(r.next());
            IOException e = assertThrows(IOException.class, r::next);
            assertTrue(e.getMessage().contains(where), e.getMessage());
        }
    }

    /**
     * Only what libpcap refuses is refused: random changes to classic files (anywhere but the link type,
     * which tcpdump would refuse to print for reasons of its own) read as many records as tcpdump reads,
     * and fail where tcpdump fails.
     */
    @Test
    void damagedClassicFilesReadAsFarAsTcpdumpReadsThem() throws Exception {
        String tcpdump = dev.rawsock.packet.testing.ExternalTools.which("tcpdump");
        Assumptions.assumeTrue(tcpdump != null, "tcpdump is not installed (Debian package tcpdump; .ci/run installs it)");
        List<byte[]> frames = SampleFrames.frames();
        Path good = dir.resolve("good.pcap");
        try (PcapWriter w = PcapWriter.create(good, LinkType.ETHERNET, 64)) {
            for (int i = 0; i < 3; i++) for (byte[] f : frames) w.write(1_700_000_000_000_000_000L + i, f);
        }
        byte[] sample = Files.readAllBytes(good);
        java.util.Random rnd = new java.util.Random(20261207);
        int[] edges = {0, 1, 14, 63, 64, 65, 0x40000, 0x40001, 0x7FFFFFFF, -1, 999_999, 1_000_000};
        int refusedByBoth = 0;
        for (int n = 0; n < 60; n++) {
            byte[] b = sample.clone();
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                int at = rnd.nextInt(b.length);
                if (at >= 20 && at < 24) continue;
                if (rnd.nextBoolean()) b[at] = (byte) rnd.nextInt(256);
                else if ((at & ~3) + 4 <= b.length && (at & ~3) != 20)
                    ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(at & ~3, edges[rnd.nextInt(edges.length)]);
            }
            if (n % 4 == 0) b = java.util.Arrays.copyOf(b, 24 + rnd.nextInt(b.length - 24)); // and cut short
            Path f = Files.write(dir.resolve("m" + n + ".pcap"), b);
            dev.rawsock.packet.testing.Tshark.Result t = dev.rawsock.packet.testing.Tshark.exec(List.of(tcpdump, "-r", f.toString(), "-n", "-q", "-tt"));
            // A packet's line starts with its time, or with tcpdump's note on a wire length below the captured length.
            long theirs = t.lines().stream().filter(l -> l.matches("^(\\d+\\.\\d+ |\\[Invalid header).*")).count();
            int ours = 0;
            boolean failed = false;
            try (PcapReader r = PcapReader.open(f)) {
                while (r.next() != null) ours++;
            } catch (IOException e) {
                failed = true;
            }
            assertEquals(theirs, ours, "records of mutation " + n + ": " + t);
            assertEquals(t.exitStatus() != 0, failed, "refused by tcpdump and by us alike, mutation " + n + ": " + t);
            if (failed) refusedByBoth++;
        }
        assertTrue(refusedByBoth > 5 && refusedByBoth < 55, "both outcomes came up: " + refusedByBoth + " of 60 refused");
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
