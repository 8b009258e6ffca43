package dev.rawsock.capture;

import dev.rawsock.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Where a ring frame's header keeps each field: {@code struct tpacket3_hdr} (TPACKET_V3) and
 * {@code struct tpacket2_hdr} (TPACKET_V2) hold the same facts at different offsets, so both ring
 * readers turn a frame into a {@link CapturedPacket} here.
 */
record RingFrame(long status, long sec, long nsec, long snaplen, long len, long mac, long vlanTci, long vlanTpid,
                 boolean wideTci, long sockaddrLl) {
    static final RingFrame V3 = new RingFrame(Layouts.TP3_STATUS, Layouts.TP3_SEC, Layouts.TP3_NSEC, Layouts.TP3_SNAPLEN,
            Layouts.TP3_LEN, Layouts.TP3_MAC, Layouts.TP3_VLAN_TCI, Layouts.TP3_VLAN_TPID, true, Layouts.TP3_SOCKADDR_LL);
    static final RingFrame V2 = new RingFrame(Layouts.TP2_STATUS, Layouts.TP2_SEC, Layouts.TP2_NSEC, Layouts.TP2_SNAPLEN,
            Layouts.TP2_LEN, Layouts.TP2_MAC, Layouts.TP2_VLAN_TCI, Layouts.TP2_VLAN_TPID, false, Layouts.TP2_SOCKADDR_LL);

    /**
     * The frame at offset {@code f} of the ring, or null when it is an outgoing copy to skip. The
     * link-layer header is rebuilt in place, in the {@code PACKET_RESERVE} room between the frame's
     * {@code sockaddr_ll} and the packet.
     *
     * @param view a read-only view of the whole ring, for the packet's data
     * @param keep the capture's snaplen
     * @param into the reader's packet, filled and returned
     */
    CapturedPacket packet(CaptureSocket cs, MemorySegment r, ByteBuffer view, long f, int keep, CapturedPacket into) {
        long sll = f + sockaddrLl;
        int pkttype = Byte.toUnsignedInt(r.get(JAVA_BYTE, sll + Layouts.SLL_PKTTYPE));
        int hatype = Short.toUnsignedInt(r.get(JAVA_SHORT, sll + Layouts.SLL_HATYPE));
        if (cs.skipped(pkttype, hatype)) return null;
        int st = r.get(JAVA_INT, f + status);
        long s = Integer.toUnsignedLong(r.get(JAVA_INT, f + sec));
        long ns = Integer.toUnsignedLong(r.get(JAVA_INT, f + nsec));
        int snap = r.get(JAVA_INT, f + snaplen());
        int length = r.get(JAVA_INT, f + len);
        int macOff = Short.toUnsignedInt(r.get(JAVA_SHORT, f + mac));
        int tci = CaptureSocket.vlanTci(st, wideTci ? r.get(JAVA_INT, f + vlanTci) : r.get(JAVA_SHORT, f + vlanTci));
        int tpid = CaptureSocket.vlanTpid(st, r.get(JAVA_SHORT, f + vlanTpid));
        long start = f + macOff;
        if (snap < 0) snap = Integer.MAX_VALUE;
        if (start - cs.headroom() >= sll + Layouts.SOCKADDR_LL.byteSize()) {
            int added = cs.rebuild(r, start, snap, r, sll, tci, tpid);
            start -= added;
            snap += added;
            length += added;
        }
        int cap = Math.min(snap, keep);
        return into.set(s * 1_000_000_000L + ns, length, view, (int) start, cap,
                r.get(JAVA_INT, sll + Layouts.SLL_IFINDEX), pkttype, hatype, tci, tpid);
    }
}
