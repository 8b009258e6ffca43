package dev.rawsock.capture;

import dev.rawsock.ErrnoException;
import dev.rawsock.internal.Cmsg;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.Layouts;
import dev.rawsock.internal.Scratch;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Instant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One {@code recvmsg(2)} per packet, where the ring is turned off or refused. As libpcap does there,
 * {@code PACKET_AUXDATA} is on, so that each packet comes with its {@code struct tpacket_auxdata}: the
 * wire length and the VLAN tag the kernel took off, which is put back into the data as on the ring.
 * Everything a packet needs (buffer, msghdr, sockaddr_ll, control buffer) is set up once in the
 * capture's arena, so a packet costs no more allocation than on the ring.
 */
final class SocketReader implements PacketReader {
    /** Room for a {@code PACKET_AUXDATA} message (CMSG_SPACE(20) = 40) and whatever else the socket may add. */
    private static final int CONTROL_SIZE = 256;

    private final CaptureSocket cs;
    private final int snaplen;
    private final int headroom;
    private final MemorySegment recvBuf;                // headroom bytes for the rebuilt link header, then the packet
    private final ByteBuffer recvView;
    /** Filled for each packet: the capture hands it on, or a copy of it from {@code next}. */
    private final CapturedPacket packet = new CapturedPacket();
    private final MemorySegment msg;                    // struct msghdr naming the three below
    private final MemorySegment fromLl;                 // struct sockaddr_ll
    private final MemorySegment control;                // the PACKET_AUXDATA control message

    SocketReader(CaptureSocket cs, Arena a, int snaplen) throws ErrnoException {
        this.cs = cs;
        this.snaplen = snaplen;
        // ENOPROTOOPT (a kernel before 2.6.27) leaves the capture without the aux data, as libpcap does.
        try {
            Sys.setsockoptInt(cs.sock.fd(), Consts.SOL_PACKET, Consts.PACKET_AUXDATA, 1, "setsockopt(PACKET_AUXDATA)");
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOPROTOOPT) throw e;
        }
        this.headroom = cs.headroom();
        this.recvBuf = a.allocate(headroom + (long) snaplen, 16);
        this.recvView = recvBuf.asByteBuffer().asReadOnlyBuffer();
        this.fromLl = a.allocate(Layouts.SOCKADDR_LL);
        this.control = a.allocate(CONTROL_SIZE, Cmsg.ALIGNMENT);
        MemorySegment iov = a.allocate(Layouts.IOVEC);
        iov.set(JAVA_LONG, Layouts.IOV_BASE, recvBuf.address() + headroom);
        iov.set(JAVA_LONG, Layouts.IOV_LEN, snaplen);
        this.msg = a.allocate(Layouts.MSGHDR);
        msg.set(JAVA_LONG, Layouts.MSG_NAME, fromLl.address());
        msg.set(JAVA_LONG, Layouts.MSG_IOV, iov.address());
        msg.set(JAVA_LONG, Layouts.MSG_IOVLEN, 1);
        msg.set(JAVA_LONG, Layouts.MSG_CONTROL, control.address());
    }

    @Override
    public CapturedPacket next(long deadline) throws IOException {
        MemorySegment ll = fromLl;
        while (true) {
            long n = receive();
            if (n >= 0) {
                int pkttype = Byte.toUnsignedInt(ll.get(JAVA_BYTE, Layouts.SLL_PKTTYPE));
                int hatype = Short.toUnsignedInt(ll.get(JAVA_SHORT, Layouts.SLL_HATYPE));
                if (cs.skipped(pkttype, hatype)) continue;
                // MSG_TRUNC: n is the length the kernel had, of which the iovec took at most the snaplen
                int snap = (int) Math.min(n, snaplen);
                long len = n;
                int tci = -1, tpid = -1;
                MemorySegment c = control;
                long limit = Cmsg.limit(c, msg.get(JAVA_LONG, Layouts.MSG_CONTROLLEN));
                for (long off = Cmsg.first(c, limit); off >= 0; off = Cmsg.next(c, limit, off)) {
                    if (Cmsg.level(c, off) != Consts.SOL_PACKET || Cmsg.type(c, off) != Consts.PACKET_AUXDATA
                            || Cmsg.available(c, limit, off) < Layouts.TPACKET_AUXDATA.byteSize()) continue;
                    long aux = Cmsg.data(off);
                    int status = c.get(JAVA_INT, aux + Layouts.AUX_STATUS);
                    len = Integer.toUnsignedLong(c.get(JAVA_INT, aux + Layouts.AUX_LEN));
                    tci = CaptureSocket.vlanTci(status, c.get(JAVA_SHORT, aux + Layouts.AUX_VLAN_TCI));
                    tpid = CaptureSocket.vlanTpid(status, c.get(JAVA_SHORT, aux + Layouts.AUX_VLAN_TPID));
                    break;
                }
                int added = cs.rebuild(recvBuf, headroom, snap, ll, 0, tci, tpid);
                int start = headroom - added;
                snap += added;
                len += added;
                int cap = Math.min(snap, snaplen);
                return packet.set(receiveTime(), (int) Math.min(len, Integer.MAX_VALUE), recvView, start, cap,
                        ll.get(JAVA_INT, Layouts.SLL_IFINDEX), pkttype, hatype, tci, tpid);
            }
            if (!cs.await(deadline)) return null;
        }
    }

    /**
     * One {@code recvmsg(2)} (MSG_DONTWAIT, MSG_TRUNC) on the prepared msghdr: the packet's length, or
     * -1 when none is queued. Under the fd lock, so that a concurrent close cannot hand the fd number
     * to another file meanwhile.
     */
    private long receive() throws IOException {
        cs.fdLock.lock();
        try {
            if (cs.closed) throw new AsynchronousCloseException();
            MemorySegment m = msg;
            m.set(JAVA_INT, Layouts.MSG_NAMELEN, (int) Layouts.SOCKADDR_LL.byteSize());
            m.set(JAVA_LONG, Layouts.MSG_CONTROLLEN, control.byteSize());
            m.set(JAVA_INT, Layouts.MSG_FLAGS, 0);
            try (Scratch s = Scratch.acquire()) {
                return Sys.recvmsg(s, cs.sock.fd(), m, Consts.MSG_DONTWAIT | Consts.MSG_TRUNC);
            }
        } finally {
            cs.fdLock.unlock();
        }
    }

    /** SIOCGSTAMPNS: when the kernel received the last packet read; the clock if it cannot say. */
    private long receiveTime() throws IOException {
        cs.fdLock.lock();
        try {
            if (cs.closed) throw new AsynchronousCloseException();
            try (Scratch s = Scratch.acquire()) {
                MemorySegment ts = s.misc(Layouts.TIMESPEC.byteSize());
                Sys.ioctl(cs.sock.fd(), Consts.SIOCGSTAMPNS, ts, "ioctl(SIOCGSTAMPNS)");
                long sec = ts.get(JAVA_LONG, 0), nsec = ts.get(JAVA_LONG, 8);
                if (sec > 0) return sec * 1_000_000_000L + nsec;
            } catch (ErrnoException e) {
                // fall through to the clock
            }
        } finally {
            cs.fdLock.unlock();
        }
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long ringSize() {
        return 0;
    }

    @Override
    public String describe() {
        return "recvmsg";
    }
}
