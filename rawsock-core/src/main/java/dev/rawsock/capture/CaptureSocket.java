package dev.rawsock.capture;

import dev.rawsock.ErrnoException;
import dev.rawsock.PollEvent;
import dev.rawsock.RawSocket;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.Layouts;
import dev.rawsock.internal.Poller;
import dev.rawsock.internal.Sys;
import dev.rawsock.packet.LinkType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The packet socket under a {@link Capture} and what every reader shares: the lock that keeps a raw
 * call on the fd from racing its close, the wait for data, which outgoing copies to skip, and the
 * link-layer header to rebuild in front of each packet (a VLAN tag the kernel took off, or on a
 * cooked socket the {@code LINUX_SLL2} header).
 */
final class CaptureSocket {
    static final int VLAN_TAG_LEN = 4;
    /** The {@code LINUX_SLL2} header a cooked capture puts in front of each packet (libpcap's {@code SLL2_HDR_LEN}). */
    static final int SLL2_HDR_LEN = 20;
    /** The most address bytes an SLL2 header holds ({@code SLL_ADDRLEN}). */
    private static final int SLL_ADDRLEN = 8;
    private static final Set<PollEvent> IN = EnumSet.of(PollEvent.IN);
    private static final Set<PollEvent> ERR = EnumSet.of(PollEvent.ERR);
    /** The longest a platform thread waits in {@code poll(2)} before it looks at its interrupt status again. */
    static final int INTERRUPT_CHECK_MS = 100;
    private static final ValueLayout.OfShort NET16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final RawSocket sock;
    /** What each packet's data start with ({@link LinkType}). */
    final int linkType;
    /** A SOCK_DGRAM socket: the kernel delivers no link-layer header, the readers write an SLL2 header. */
    final boolean cooked;
    /** Raw calls on sock.fd() against closing it: a concurrent close cannot hand the number to another file meanwhile. */
    final ReentrantLock fdLock = new ReentrantLock();
    volatile boolean closed;
    /** Closes the capture when its reader is interrupted; set before open returns. */
    Runnable onInterrupt = () -> { };
    /** Every OUTGOING packet is skipped, not only loopback's; set before open returns. */
    boolean skipOutgoing;

    CaptureSocket(RawSocket sock, int linkType, boolean cooked) {
        this.sock = sock;
        this.linkType = linkType;
        this.cooked = cooked;
    }

    /** The bytes a reader keeps free in front of each packet for {@link #rebuild}. */
    int headroom() {
        return cooked ? SLL2_HDR_LEN : VLAN_TAG_LEN;
    }

    /**
     * Rebuilds the link-layer header in the {@link #headroom()} bytes before the packet at {@code start}:
     * on a cooked socket the SLL2 header (filled from the packet's {@code sockaddr_ll} exactly as
     * libpcap fills it), on Ethernet the VLAN tag the kernel took off ({@link #putTagBack}). Returns
     * how many bytes now precede {@code start} as part of the frame (0 when nothing was rebuilt).
     *
     * @param m the ring or the receive buffer
     * @param start where the packet the kernel delivered starts in {@code m}
     * @param snap how many bytes of it {@code m} holds
     * @param ll the memory holding the packet's {@code struct sockaddr_ll}, at {@code llOff}
     */
    int rebuild(MemorySegment m, long start, int snap, MemorySegment ll, long llOff, int tci, int tpid) {
        if (cooked) {
            long h = start - SLL2_HDR_LEN;
            int halen = Byte.toUnsignedInt(ll.get(JAVA_BYTE, llOff + Layouts.SLL_HALEN));
            m.set(JAVA_SHORT_UNALIGNED, h, ll.get(JAVA_SHORT_UNALIGNED, llOff + Layouts.SLL_PROTOCOL)); // already in network order
            m.set(NET16, h + 2, (short) 0);
            m.set(NET32, h + 4, ll.get(JAVA_INT_UNALIGNED, llOff + Layouts.SLL_IFINDEX));
            m.set(NET16, h + 8, ll.get(JAVA_SHORT_UNALIGNED, llOff + Layouts.SLL_HATYPE));
            m.set(JAVA_BYTE, h + 10, ll.get(JAVA_BYTE, llOff + Layouts.SLL_PKTTYPE));
            m.set(JAVA_BYTE, h + 11, (byte) halen);
            MemorySegment.copy(ll, llOff + Layouts.SLL_ADDR, m, h + 12, SLL_ADDRLEN);
            return SLL2_HDR_LEN;
        }
        return linkType == LinkType.ETHERNET && putTagBack(m, start, snap, tci, tpid) ? VLAN_TAG_LEN : 0;
    }

    /** Whether a packet is an outgoing copy to skip: all of them when asked, else the loopback's duplicates. */
    boolean skipped(int pkttype, int hatype) {
        return pkttype == Consts.PACKET_OUTGOING && (skipOutgoing || hatype == Consts.ARPHRD_LOOPBACK);
    }

    /**
     * Waits for POLLIN until the deadline (0: none): false when it has passed. POLLERR means the
     * socket has an error (SO_ERROR), which is thrown.
     *
     * <p>An interrupted thread does not wait: as {@code java.net.Socket} on a virtual thread and the
     * NIO channels, the interrupt closes the capture ({@link #onInterrupt}) and the waiter gets
     * {@link ClosedByInterruptException}, its interrupt status still set. The status is checked
     * before and after each wait, and the wait is one an interrupt ends: a virtual thread parks in the
     * {@link Poller} (which {@code Thread.interrupt} unparks; it is re-checked at once, never parked
     * again), a platform thread waits in {@code poll(2)}, which an interrupt does not wake, for at
     * most {@link #INTERRUPT_CHECK_MS} at a time.
     */
    boolean await(long deadline) throws IOException {
        checkInterrupt();
        long left = 0;
        if (deadline != 0) {
            left = deadline - System.nanoTime();
            if (left <= 0) return false;
        }
        boolean err;
        if (Thread.currentThread().isVirtual()) {
            // parks until POLLIN/POLLERR, the deadline, a close (which wakes the Poller's waiters on
            // this fd; closed is set first, and checked after registering) or an interrupt
            try {
                Poller.get().await(sock.fd(), Consts.POLLIN, left, () -> !closed);
            } catch (IOException e) {
                if (closed) throw closedMeanwhile(e);
                throw e;
            }
            checkInterrupt();
            if (closed) throw new AsynchronousCloseException();
            err = pendingError();
        } else {
            int ms = (int) Math.min(INTERRUPT_CHECK_MS, deadline == 0 ? INTERRUPT_CHECK_MS : (left + 999_999) / 1_000_000);
            Set<PollEvent> ev;
            try {
                ev = sock.poll(IN, ms);
            } catch (IOException e) {
                if (closed) throw closedMeanwhile(e);
                throw e;
            }
            checkInterrupt();
            if (closed) throw new AsynchronousCloseException();
            err = ev.contains(PollEvent.ERR);
        }
        if (err) {
            fdLock.lock();
            try {
                if (closed) throw new AsynchronousCloseException();
                int fd = sock.fd();
                int errno = Sys.getsockoptInt(fd, Consts.SOL_SOCKET, Consts.SO_ERROR, "getsockopt(SO_ERROR)");
                if (errno != 0) throw new ErrnoException("getsockopt", errno, fd);
            } finally {
                fdLock.unlock();
            }
        }
        return true;
    }

    /** Whether POLLERR is pending on the socket (a zero-timeout poll): after a park that may be for it. */
    private boolean pendingError() throws IOException {
        try {
            return sock.poll(ERR, 0).contains(PollEvent.ERR);
        } catch (IOException e) {
            if (closed) throw closedMeanwhile(e);
            throw e;
        }
    }

    /** An interrupted reader closes the capture and leaves with {@link ClosedByInterruptException}. */
    void checkInterrupt() throws ClosedByInterruptException {
        if (!Thread.currentThread().isInterrupted()) return;
        onInterrupt.run();
        throw new ClosedByInterruptException();
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
