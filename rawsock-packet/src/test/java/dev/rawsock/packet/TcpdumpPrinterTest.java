package dev.rawsock.packet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the differential sniff test cannot reach: state across packets built by hand (relative and
 * absolute TCP numbers, SACK blocks, the time stamp styles) and bytes no capture holds (random,
 * cut short), on which printing must never throw.
 */
class TcpdumpPrinterTest {
    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** An IPv4 TCP segment with the given flags, numbers and payload length (checksum left zero). */
    static byte[] tcp(String src, int sport, String dst, int dport, int flags, long seq, long ack, int payload) {
        byte[] syn = Packets.tcpSyn(ip(src), sport, ip(dst), dport, seq);
        byte[] p = Arrays.copyOf(syn, syn.length + payload);
        TcpHeader.of(p, 20).setFlags(flags).setAcknowledgment(ack);
        Ipv4Header.of(p, 0).setTotalLength(p.length).fillChecksum();
        return p;
    }

    static String line(TcpdumpPrinter pr, byte[] p) {
        return pr.describe(MemorySegment.ofArray(p), p.length);
    }

    @Test
    void tcpNumbersAreRelativePerConnectionAndAbsoluteWithS() {
        TcpdumpPrinter rel = new TcpdumpPrinter(LinkType.RAW), abs = new TcpdumpPrinter(LinkType.RAW).absoluteSequence(true);
        byte[][] conv = {
                tcp("10.0.0.1", 40000, "10.0.0.2", 80, TcpHeader.SYN, 1000, 0, 0),
                tcp("10.0.0.2", 80, "10.0.0.1", 40000, TcpHeader.SYN | TcpHeader.ACK, 5000, 1001, 0),
                tcp("10.0.0.1", 40000, "10.0.0.2", 80, TcpHeader.ACK, 1001, 5001, 0),
                tcp("10.0.0.1", 40000, "10.0.0.2", 80, TcpHeader.ACK | TcpHeader.PSH, 1001, 5001, 10),
                tcp("10.0.0.2", 80, "10.0.0.1", 40000, TcpHeader.ACK | TcpHeader.FIN, 5001, 1011, 0)};
        String[] relative = {
                "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 64240, options [mss 1460], length 0",
                "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 64240, options [mss 1460], length 0",
                "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 1, win 64240, options [mss 1460], length 0",
                "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:11, ack 1, win 64240, options [mss 1460], length 10: HTTP",
                "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [F.], seq 1, ack 11, win 64240, options [mss 1460], length 0"};
        for (int i = 0; i < conv.length; i++) assertEquals(relative[i], line(rel, conv[i]), "packet " + i);
        assertEquals("IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1001:1011, ack 5001, win 64240, options [mss 1460], length 10: HTTP",
                line(abs, conv[3]));
        // a new SYN on the same ports starts the numbering again
        line(rel, tcp("10.0.0.2", 80, "10.0.0.1", 40000, TcpHeader.SYN | TcpHeader.ACK, 9000, 2001, 0));
        assertTrue(line(rel, tcp("10.0.0.1", 40000, "10.0.0.2", 80, TcpHeader.ACK, 2001, 9001, 0)).contains(", ack 1, "));
    }

    @Test
    void flagsInTcpdumpOrder() {
        byte[] p = tcp("10.0.0.1", 1, "10.0.0.2", 2, 0xFF, 1, 1, 0);
        assertTrue(line(new TcpdumpPrinter(LinkType.RAW), p).contains("Flags [FSRP.UEW]"), line(new TcpdumpPrinter(LinkType.RAW), p));
        byte[] none = tcp("10.0.0.1", 1, "10.0.0.2", 2, 0, 1, 1, 0);
        assertTrue(line(new TcpdumpPrinter(LinkType.RAW), none).contains("Flags [none]"));
    }

    @Test
    void timeStampStylesAndNumbers() {
        byte[] p = Packets.udp(ip("10.0.0.1"), 1, ip("10.0.0.2"), 2, new byte[4]);
        MemorySegment s = MemorySegment.ofArray(p);
        long t0 = 1_700_000_000_123_456_000L, t1 = t0 + 1_500_250_000L;
        String body = "IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 4\n";
        StringBuilder b = new StringBuilder();
        TcpdumpPrinter pr = new TcpdumpPrinter(LinkType.RAW).zone(ZoneOffset.UTC).numbered(true);
        pr.print(b, t0, s, p.length);
        assertEquals("    1  22:13:20.123456 " + body, b.toString());
        b.setLength(0);
        pr.timestamps(TcpdumpPrinter.Timestamps.UNIX).print(b, t0, s, p.length);
        assertEquals("    2  1700000000.123456 " + body, b.toString());
        TcpdumpPrinter delta = new TcpdumpPrinter(LinkType.RAW).timestamps(TcpdumpPrinter.Timestamps.DELTA);
        b.setLength(0);
        delta.print(b, t0, s, p.length);
        delta.print(b, t1, s, p.length);
        assertEquals(" 00:00:00.000000 " + body + " 00:00:01.500250 " + body, b.toString());
        b.setLength(0);
        new TcpdumpPrinter(LinkType.RAW).zone(ZoneOffset.UTC).timestamps(TcpdumpPrinter.Timestamps.DATE).print(b, t0, s, p.length);
        assertEquals("2023-11-14 22:13:20.123456 " + body, b.toString());
        b.setLength(0);
        new TcpdumpPrinter(LinkType.RAW).timestamps(TcpdumpPrinter.Timestamps.NONE).dump(TcpdumpPrinter.Dump.HEX).print(b, t0, s, p.length);
        assertEquals(body.strip() + "\n\t0x0000:  4500 0020 0000 4000 4011 26cb 0a00 0001\n\t0x0010:  0a00 0002 0001 0002 000c ebd0 0000 0000\n",
                b.toString());
    }

    @Test
    void unknownLinkTypeAndCutFrames() {
        assertEquals("linktype 4242, length 3", new TcpdumpPrinter(4242).describe(MemorySegment.ofArray(new byte[3]), 3));
        byte[] p = Packets.udp(ip("10.0.0.1"), 1, ip("10.0.0.2"), 2, new byte[4]);
        byte[] f = Packets.ethernet(new byte[6], new byte[6], 0x0800, p);
        byte[] cut = Arrays.copyOf(f, 14 + 22);
        assertEquals("IP 10.0.0.1 > 10.0.0.2:  [|udp]", new TcpdumpPrinter(LinkType.ETHERNET).describe(MemorySegment.ofArray(cut), f.length));
        assertEquals(" [|ether]", Packets.describe(new byte[5]));
    }

    /** Random bytes under every link type the printer knows, whole and cut at every length: never an exception. */
    @Property(tries = 300)
    void randomBytesNeverThrow(@ForAll @Size(max = 160) byte[] bytes, @ForAll @IntRange(max = 9) int lt, @ForAll boolean options) {
        int[] types = {LinkType.ETHERNET, LinkType.RAW, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL, LinkType.LINUX_SLL2,
                LinkType.NULL, LinkType.LOOP, 12, 777};
        // steer the first bytes toward headers the printer descends into
        if (bytes.length > 0 && (lt == 1 || lt == 2 || lt == 3)) bytes[0] = (byte) ((bytes[0] & 1) == 0 ? 0x45 : 0x60);
        TcpdumpPrinter pr = new TcpdumpPrinter(types[lt]).verbose(options).linkHeaders(options)
                .dump(options ? TcpdumpPrinter.Dump.HEX_ASCII_LINK : TcpdumpPrinter.Dump.NONE);
        StringBuilder b = new StringBuilder();
        for (int n = 0; n <= bytes.length; n += 7) {
            pr.print(b, 0, MemorySegment.ofArray(Arrays.copyOf(bytes, n)), bytes.length);
            assertNotNull(pr.describe(MemorySegment.ofBuffer(ByteBuffer.wrap(bytes, 0, n)), n));
        }
        assertTrue(b.length() > 0);
    }

    /** Valid packets of every protocol the printer decodes, one byte changed and cut anywhere: never an exception. */
    @Property(tries = 300)
    void corruptedPacketsNeverThrow(@ForAll @IntRange(max = 3) int kind, @ForAll @IntRange(max = 90) int at, @ForAll byte value,
            @ForAll @IntRange(max = 90) int cut) {
        byte[] p = switch (kind) {
            case 0 -> Packets.udp(ip("10.0.0.1"), 5353, ip("10.0.0.2"), 53, new byte[40]);
            case 1 -> tcp("10.0.0.1", 80, "10.0.0.2", 5, TcpHeader.ACK, 1, 1, 40);
            case 2 -> Packets.icmpEcho((java.net.Inet4Address) ip("10.0.0.1"), (java.net.Inet4Address) ip("10.0.0.2"), 1, 2, new byte[40]);
            default -> Packets.udp(ip("fe80::1"), 53, ip("fe80::2"), 5, new byte[40]);
        };
        p[Math.min(at, p.length - 1)] = value;
        byte[] c = Arrays.copyOf(p, Math.max(0, p.length - cut));
        for (boolean v : new boolean[] {false, true})
            assertNotNull(new TcpdumpPrinter(LinkType.RAW).verbose(v).describe(MemorySegment.ofArray(c), p.length));
    }

    /**
     * Printing allocates nothing per packet once warm: the text goes into the caller's builder and
     * the TCP table reuses its arrays (what keeps sniff's printing within tcpdump's reach).
     */
    @Test
    void printingAllocatesNothingPerPacketOnceWarm() throws Throwable {
        byte[] mac = {2, 0, 0, 0, 0, 1};
        MemorySegment[] frames = {
                MemorySegment.ofArray(Packets.ethernet(mac, mac, 0x0800, Packets.udp(ip("10.0.0.1"), 1000, ip("10.0.0.2"), 2000, new byte[18]))),
                MemorySegment.ofArray(Packets.ethernet(mac, mac, 0x0800, tcp("10.0.0.1", 40000, "10.0.0.2", 443, TcpHeader.ACK, 7, 9, 100))),
                MemorySegment.ofArray(Packets.ethernet(mac, mac, 0x86DD, Packets.udp(ip("fd00::1"), 1000, ip("fd00::2"), 2000, new byte[18]))),
                MemorySegment.ofArray(Packets.ethernet(mac, mac, 0x0800,
                        Packets.icmpEcho((java.net.Inet4Address) ip("10.0.0.1"), (java.net.Inet4Address) ip("10.0.0.2"), 1, 2, new byte[56])))};
        TcpdumpPrinter pr = new TcpdumpPrinter(LinkType.ETHERNET).zone(ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(1024);
        long[] i = {0};
        Runnable body = () -> {
            int k = (int) (i[0]++ & 3);
            b.setLength(0);
            pr.print(b, 1_700_000_000_000_000_000L + i[0] * 1000, frames[k], frames[k].byteSize());
        };
        ChecksumsTest.allocated(50_000, body);
        long min = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int w = 0; min > 0 && (w < 30 || System.nanoTime() < deadline); w++) min = Math.min(min, ChecksumsTest.allocated(1_000, body));
        assertTrue(b.toString().contains("IP "), b::toString);
        assertEquals(0, min, "bytes allocated by the best warm window of 1,000 printed packets");
    }
}
