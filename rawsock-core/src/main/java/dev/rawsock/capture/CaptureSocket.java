package dev.rawsock.capture;

import dev.rawsock.ErrnoException;
import dev.rawsock.PollEvent;
import dev.rawsock.RawSocket;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The packet socket under a {@link Capture} and what every reader shares: the lock that keeps a raw
 * call on the fd from racing its close, the wait for data, which outgoing copies to skip, and putting
 * back a VLAN tag the kernel took off.
 */
final class CaptureSocket {
    static final int VLAN_TAG_LEN = 4;
    private static final Set<PollEvent> IN = EnumSet.of(PollEvent.IN);
    private static final ValueLayout.OfShort NET16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final RawSocket sock;
    /** Raw calls on sock.fd() against closing it: a concurrent close cannot hand the number to another file meanwhile. */
    final ReentrantLock fdLock = new ReentrantLock();
    volatile boolean closed;
    /** Every OUTGOING packet is skipped, not only loopback's; set before open returns. */
    boolean skipOutgoing;

    CaptureSocket(RawSocket sock) {
        this.sock = sock;
    }

    /** Whether a packet is an outgoing copy to skip: all of them when asked, else the loopback's duplicates. */
    boolean skipped(int pkttype, int hatype) {
        return pkttype == Consts.PACKET_OUTGOING && (skipOutgoing || hatype == Consts.ARPHRD_LOOPBACK);
    }

    /**
     * Waits for POLLIN until the deadline (0: none): false when it has passed. POLLERR means the
     * socket has an error (SO_ERROR), which is thrown.
     */
    boolean await(long deadline) throws IOException {
        int ms;
        if (deadline == 0) ms = -1;
        else {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            ms = (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
        }
        Set<PollEvent> ev;
        try {
            ev = sock.poll(IN, ms);
        } catch (IOException e) {
            if (closed) throw closedMeanwhile(e);
            throw e;
        }
        if (closed) throw new AsynchronousCloseException();
        if (ev.contains(PollEvent.ERR)) {
            fdLock.lock();
            try {
                if (closed) throw new AsynchronousCloseException();
                int fd = sock.fd();
                int err = Sys.getsockoptInt(fd, Consts.SOL_SOCKET, Consts.SO_ERROR, "getsockopt(SO_ERROR)");
                if (err != 0) throw new ErrnoException("capture", err, fd);
            } finally {
                fdLock.unlock();
            }
        }
        return true;
    }

    static AsynchronousCloseException closedMeanwhile(IOException cause) {
        if (cause instanceof AsynchronousCloseException ace) return ace;
        AsynchronousCloseException e = new AsynchronousCloseException();
        e.initCause(cause);
        return e;
    }

    void ensureOpen(String what) throws ErrnoException {
        if (closed) throw new ErrnoException(what, Errno.EBADF, -1);
    }

    /** The TCI of a tag the kernel took off ({@code tp_vlan_tci} under {@code TP_STATUS_VLAN_VALID}), else -1. */
    static int vlanTci(int status, int tci) {
        return (status & Consts.TP_STATUS_VLAN_VALID) != 0 ? tci & 0xFFFF : -1;
    }

    /** That tag's TPID ({@code tp_vlan_tpid} under {@code TP_STATUS_VLAN_TPID_VALID}), else -1. */
    static int vlanTpid(int status, short tpid) {
        return (status & Consts.TP_STATUS_VLAN_TPID_VALID) != 0 ? Short.toUnsignedInt(tpid) : -1;
    }

    /**
     * The tag came off before the tap (in hardware, or skb_vlan_untag): puts it back between the MAC
     * addresses and the ethertype, as libpcap does, so that the data are the frame as it was on the
     * wire. The {@link #VLAN_TAG_LEN} bytes before {@code start} must be free; the frame then starts
     * there and is that much longer. Nothing is done (false) without a tag ({@code tci} -1) or when
     * fewer than the two MAC addresses were captured. The one place every reader rebuilds a tagged frame.
     *
     * @param m the ring or the receive buffer
     * @param start where the frame's MAC header starts in {@code m}
     * @param snap how many bytes of the frame {@code m} holds from {@code start}
     * @param tci from {@link #vlanTci}
     * @param tpid from {@link #vlanTpid}; -1 for 802.1Q
     * @return whether the tag was put back
     */
    static boolean putTagBack(MemorySegment m, long start, int snap, int tci, int tpid) {
        if (tci < 0 || snap < 2 * Consts.ETH_ALEN) return false;
        long to = start - VLAN_TAG_LEN;
        MemorySegment.copy(m, start, m, to, 2 * Consts.ETH_ALEN);
        m.set(NET16, to + 2 * Consts.ETH_ALEN, (short) (tpid >= 0 ? tpid : Consts.ETH_P_8021Q));
        m.set(NET16, to + 2 * Consts.ETH_ALEN + 2, (short) tci);
        return true;
    }
}
