package dev.rawsock;

import dev.rawsock.internal.Cmsg;
import dev.rawsock.internal.Consts;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Parsing never trusts a control buffer (random bytes, lying cmsg_len values) and every typed
 * control message survives encode then parse.
 */
class ControlMessagePropertiesTest {

    /** Every accessor on a parsed message: only "wrong kind" or "malformed" may come out. */
    static void touchEverything(ControlMessage m) {
        List<Supplier<Object>> all = List.of(m::fds, m::credentials, m::timestamp, m::packetInfo, m::ttl, m::hopLimit,
                m::tos, m::trafficClass, m::segmentSize, m::groSize, m::extendedError, m::data, m::toString);
        for (Supplier<Object> a : all) {
            try {
                a.get();
            } catch (IllegalStateException | IllegalArgumentException expected) {
                // not this kind, or too short for it
            }
        }
    }

    /** Parses exactly {@code length} bytes held in a native segment of that size: any read past it would throw. */
    static List<ControlMessage> parseExact(byte[] bytes, int length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(Math.max(1, length)).asSlice(0, length);
            MemorySegment.copy(bytes, 0, seg, JAVA_BYTE, 0, length);
            return ControlMessage.parse(seg, length);
        }
    }

    static void checkParsed(List<ControlMessage> ms, int length) {
        long used = 0;
        for (ControlMessage m : ms) {
            used += Cmsg.len(m.data().length);
            touchEverything(m);
        }
        assertTrue(used <= length, "parsed " + used + " bytes out of " + length);
    }

    @Property(tries = 500)
    void randomBuffersParseWithinBounds(@ForAll @Size(max = 300) byte[] bytes, @ForAll @IntRange(min = 0, max = 300) int cut) {
        int length = Math.min(cut, bytes.length);
        List<ControlMessage> viaArray;
        try {
            viaArray = ControlMessage.parse(bytes, length);
        } catch (IllegalArgumentException e) {
            return;
        }
        checkParsed(viaArray, length);
        assertEquals(viaArray, parseExact(bytes, length));
    }

    /** A header with a chosen cmsg_len (often a lie), level, type and some data bytes. */
    record Piece(long cmsgLen, int level, int type, byte[] data) {}

    @Provide
    Arbitrary<List<Piece>> pieces() {
        Arbitrary<Long> lens = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 80),
                Arbitraries.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 15L, 16L, 17L, 0xFFFF_FFFFL, 1L << 32, -16L),
                Arbitraries.longs());
        Arbitrary<Integer> levels = Arbitraries.of(Consts.SOL_SOCKET, Consts.SOL_IP, Consts.SOL_IPV6, Consts.SOL_UDP, -1, 12345);
        Arbitrary<Integer> types = Arbitraries.of(Consts.SCM_RIGHTS, Consts.SCM_CREDENTIALS, Consts.SCM_TIMESTAMPNS,
                Consts.IP_PKTINFO, Consts.IP_TTL, Consts.IP_TOS, Consts.IP_RECVERR, Consts.IPV6_PKTINFO,
                Consts.IPV6_HOPLIMIT, Consts.IPV6_TCLASS, Consts.IPV6_RECVERR, Consts.UDP_SEGMENT, Consts.UDP_GRO, 0, -7);
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(48);
        return net.jqwik.api.Combinators.combine(lens, levels, types, data).as(Piece::new).list().ofMaxSize(6);
    }

    @Property(tries = 500)
    void lyingHeadersNeverReadOutOfBounds(@ForAll("pieces") List<Piece> pieces, @ForAll @IntRange(min = 0, max = 64) int chop) {
        List<byte[]> parts = new ArrayList<>();
        int total = 0;
        for (Piece p : pieces) {
            byte[] b = new byte[(int) Cmsg.space(p.data().length)];
            MemorySegment s = MemorySegment.ofArray(b);
            s.set(JAVA_LONG_UNALIGNED, 0, p.cmsgLen());
            s.set(JAVA_INT_UNALIGNED, 8, p.level());
            s.set(JAVA_INT_UNALIGNED, 12, p.type());
            MemorySegment.copy(p.data(), 0, s, JAVA_BYTE, Cmsg.HDR, p.data().length);
            parts.add(b);
            total += b.length;
        }
        byte[] buf = new byte[total];
        int at = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, buf, at, b.length);
            at += b.length;
        }
        int length = Math.max(0, total - chop);
        List<ControlMessage> ms = parseExact(buf, length);
        checkParsed(ms, length);
        assertEquals(ms, ControlMessage.parse(buf, length));
        // sending such a buffer is refused before the call, or it is well-formed
        try {
            ControlMessage.checkOutgoing(java.util.Arrays.copyOf(buf, length));
        } catch (IllegalArgumentException refused) {
            // a lie or a cut: refused
        }
    }

    @Example
    void lengthOutsideTheArrayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(new byte[4], 5));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.parse(new byte[4], -1));
        assertEquals(List.of(), ControlMessage.parse(new byte[15]));
    }

    @Example
    void macrosMatchC() {
        assertEquals(16, ControlMessage.len(0));
        assertEquals(20, ControlMessage.len(4));
        assertEquals(24, ControlMessage.space(4));
        assertEquals(24, ControlMessage.space(8));
        assertEquals(32, ControlMessage.space(12));
        assertEquals(16, ControlMessage.space(0));
    }

    static InetAddress addr(byte[] b) throws Exception {
        return InetAddress.getByAddress(b);
    }

    @Property(tries = 300)
    void everyTypedMessageRoundTrips(
            @ForAll @Size(max = 253) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> fds,
            @ForAll int pid, @ForAll int uid, @ForAll int gid,
            @ForAll @IntRange(min = 0, max = 255) int ttl, @ForAll @IntRange(min = 0, max = 255) int hop,
            @ForAll @IntRange(min = 0, max = 255) int tos, @ForAll @IntRange(min = 0, max = 255) int tclass,
            @ForAll @IntRange(min = 0, max = 65535) int segment, @ForAll int gro,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seconds, @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
            @ForAll @Size(4) byte[] v4a, @ForAll @Size(4) byte[] v4b, @ForAll @Size(16) byte[] v6, @ForAll int ifindex,
            @ForAll int errno, @ForAll @IntRange(min = 0, max = 255) int origin, @ForAll @IntRange(min = 0, max = 255) int type,
            @ForAll @IntRange(min = 0, max = 255) int code, @ForAll int info, @ForAll int data,
            @ForAll @IntRange(min = 0, max = 65535) int port) throws Exception {
        int[] fdArray = fds.stream().mapToInt(Integer::intValue).toArray();
        Instant when = Instant.ofEpochSecond(seconds, nanos);
        Inet4Address a = (Inet4Address) addr(v4a), b = (Inet4Address) addr(v4b);
        InetAddress six = addr(v6);
        // an IPv4-mapped address comes back as Inet4Address; compare by bytes for IPv6
        SockAddr offender4 = SockAddr.inet(a, port);
        SockAddr offender6 = SockAddr.inet6(six, port);
        ControlMessage.ExtendedError e4 = new ControlMessage.ExtendedError(errno, origin, type, code, info, data, offender4);
        ControlMessage.ExtendedError e6 = new ControlMessage.ExtendedError(errno, origin, type, code, info, data, offender6);
        ControlMessage.ExtendedError none = new ControlMessage.ExtendedError(errno, origin, type, code, info, data, null);

        ControlMessage[] all = {
                ControlMessage.scmRights(fdArray),
                ControlMessage.credentials(pid, uid, gid),
                ControlMessage.timestampNs(when),
                ControlMessage.ipPktinfo(ifindex, a, b),
                six instanceof Inet6Address s6 ? ControlMessage.ipv6Pktinfo(s6, ifindex) : ControlMessage.ttl(ttl),
                ControlMessage.ttl(ttl),
                ControlMessage.hopLimit(hop),
                ControlMessage.tos(tos),
                ControlMessage.trafficClass(tclass),
                ControlMessage.udpSegment(segment),
                ControlMessage.udpGro(gro),
                ControlMessage.extendedError(e4, Level.IP),
                ControlMessage.extendedError(e6, Level.IPV6),
                ControlMessage.extendedError(none, Level.IP),
                ControlMessage.of(new Level(12345), 7, v6),
        };
        Message m = new Message(null).control(all);
        List<ControlMessage> back = m.controlMessages();
        assertEquals(List.of(all), back);
        int used = 0;
        for (ControlMessage c : all) used += c.space();
        assertEquals(used, m.control().length);

        assertArrayEquals(fdArray, back.get(0).fds());
        assertEquals(new ControlMessage.Credentials(pid, uid, gid), back.get(1).credentials());
        assertEquals(when, back.get(2).timestamp());
        assertEquals(new ControlMessage.PacketInfo(b, ifindex, a), back.get(3).packetInfo());
        if (six instanceof Inet6Address) {
            ControlMessage.PacketInfo p6 = back.get(4).packetInfo();
            assertArrayEquals(v6, p6.destination().getAddress());
            assertEquals(ifindex, p6.ifindex());
        }
        assertEquals(ttl, back.get(5).ttl());
        assertEquals(hop, back.get(6).hopLimit());
        assertEquals(tos, back.get(7).tos());
        assertEquals(tclass, back.get(8).trafficClass());
        assertEquals(segment, back.get(9).segmentSize());
        assertEquals(gro, back.get(10).groSize());
        assertEquals(e4, back.get(11).extendedError());
        assertEquals(e6, back.get(12).extendedError());
        assertEquals(none, back.get(13).extendedError());
        assertArrayEquals(v6, back.get(14).data());
        for (ControlMessage c : back) assertFalse(c.toString().isEmpty());
    }

    @Example
    void receivedOneByteTosAndWrongKinds() {
        ControlMessage tos = ControlMessage.of(Level.IP, Consts.IP_TOS, new byte[] {(byte) 0xb8});
        assertEquals(0xb8, tos.tos());
        assertThrows(IllegalStateException.class, tos::fds);
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.of(Level.IP, Consts.IP_TTL, new byte[2]).ttl());
        assertEquals("IP_TOS 184", tos.toString());
    }
}
