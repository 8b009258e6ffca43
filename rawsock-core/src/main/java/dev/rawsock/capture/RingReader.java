package dev.rawsock.capture;

import dev.rawsock.ErrnoException;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Layouts;
import dev.rawsock.internal.Scratch;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;

import static dev.rawsock.capture.CaptureSocket.VLAN_TAG_LEN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A {@code TPACKET_V3} receive ring shared with the kernel through {@code mmap(2)}, walked in place,
 * each block handed back to the kernel when its packets are done.
 */
final class RingReader implements PacketReader {
    private static final VarHandle INT = JAVA_INT.varHandle();
    /** tp_frame_size: with TPACKET_V3 frames are variable; this only sizes the kernel's frame count check. */
    private static final int FRAME_SIZE = Consts.TPACKET_ALIGNMENT << 7;

    private final CaptureSocket cs;
    private final int snaplen;
    private final MemorySegment ring;
    private final ByteBuffer ringView;
    private final int blockSize;
    private final int blockCount;
    // where the walk is; guarded by the capture's reader lock
    private int block;
    private boolean inBlock;
    private int left;
    private long frame;

    /**
     * Sets the ring up (PACKET_VERSION, PACKET_RESERVE, PACKET_RX_RING, mmap) in {@code arena}; an
     * {@link ErrnoException} says the kernel refused it, and the socket is then as it was for recvmsg.
     */
    RingReader(CaptureSocket cs, Arena arena, int snaplen, int blockSize, int blockCount, Duration tov) throws ErrnoException {
        this.cs = cs;
        this.snaplen = snaplen;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.ring = mapRing(cs.sock.fd(), arena, blockSize, blockCount, tov);
        this.ringView = ring.asByteBuffer().asReadOnlyBuffer();
    }

    /** PACKET_VERSION, PACKET_RX_RING and mmap; on a failed mmap the ring is taken down again. */
    private static MemorySegment mapRing(int fd, Arena arena, int blockSize, int blockCount, Duration tov) throws ErrnoException {
        Sys.setsockoptInt(fd, Consts.SOL_PACKET, Consts.PACKET_VERSION, Consts.TPACKET_V3, "setsockopt(PACKET_VERSION)");
        // Room before each frame's MAC header to put back a VLAN tag the NIC or the stack took off (as libpcap).
        Sys.setsockoptInt(fd, Consts.SOL_PACKET, Consts.PACKET_RESERVE, VLAN_TAG_LEN, "setsockopt(PACKET_RESERVE)");
        long size = (long) blockSize * blockCount;
        try (Scratch s = Scratch.acquire()) {
            MemorySegment req = s.misc(Layouts.TPACKET_REQ3.byteSize());
            req.set(JAVA_INT, Layouts.TP_BLOCK_SIZE, blockSize);
            req.set(JAVA_INT, Layouts.TP_BLOCK_NR, blockCount);
            req.set(JAVA_INT, Layouts.TP_FRAME_SIZE, FRAME_SIZE);
            req.set(JAVA_INT, Layouts.TP_FRAME_NR, blockSize / FRAME_SIZE * blockCount);
            req.set(JAVA_INT, Layouts.TP_RETIRE_BLK_TOV, (int) tov.toMillis());
            req.set(JAVA_INT, Layouts.TP_SIZEOF_PRIV, 0);
            req.set(JAVA_INT, Layouts.TP_FEATURE_REQ_WORD, 0);
            Sys.setsockopt(fd, Consts.SOL_PACKET, Consts.PACKET_RX_RING, req, "setsockopt(PACKET_RX_RING)");
        }
        MemorySegment m;
        try {
            m = Sys.mmap(size, Consts.PROT_READ | Consts.PROT_WRITE, Consts.MAP_SHARED, fd);
        } catch (ErrnoException e) {
            try (Scratch s = Scratch.acquire()) {
                // An all-zero request frees the ring, so packets go to the receive queue for recvfrom.
                Sys.setsockopt(fd, Consts.SOL_PACKET, Consts.PACKET_RX_RING, s.misc(Layouts.TPACKET_REQ3.byteSize()),
                        "setsockopt(PACKET_RX_RING)");
            }
            throw e;
        }
        return m.reinterpret(size, arena, seg -> {
            try {
                Sys.munmap(seg, size);
            } catch (ErrnoException ignored) {
                // nothing to do about a failed munmap at close
            }
        });
    }

    @Override
    public CapturedPacket next(long deadline) throws IOException {
        MemorySegment r = ring;
        while (true) {
            if (inBlock) {
                while (left > 0) {
                    long f = frame;
                    left--;
                    frame = f + Integer.toUnsignedLong(r.get(JAVA_INT, f + Layouts.TP3_NEXT_OFFSET));
                    CapturedPacket p = frame(r, f);
                    if (p != null) return p;
                }
                releaseBlock(r);
            }
            long base = (long) block * blockSize;
            int status = (int) INT.getAcquire(r, base + Layouts.BD_BLOCK_STATUS);
            if ((status & Consts.TP_STATUS_USER) != 0) {
                inBlock = true;
                left = r.get(JAVA_INT, base + Layouts.BD_NUM_PKTS);
                frame = base + Integer.toUnsignedLong(r.get(JAVA_INT, base + Layouts.BD_OFFSET_TO_FIRST_PKT));
                continue;
            }
            if (!cs.await(deadline)) return null;
        }
    }

    /** Gives the current block back to the kernel; every read of it happens before the status store. */
    private void releaseBlock(MemorySegment r) {
        long base = (long) block * blockSize;
        VarHandle.fullFence();
        INT.setRelease(r, base + Layouts.BD_BLOCK_STATUS, Consts.TP_STATUS_KERNEL);
        inBlock = false;
        block = block + 1 == blockCount ? 0 : block + 1;
    }

    /** The frame at offset {@code f}, or null when it is an outgoing copy to skip. */
    private CapturedPacket frame(MemorySegment r, long f) {
        long sll = f + Layouts.TP3_SOCKADDR_LL;
        int pkttype = Byte.toUnsignedInt(r.get(JAVA_BYTE, sll + Layouts.SLL_PKTTYPE));
        int hatype = Short.toUnsignedInt(r.get(JAVA_SHORT, sll + Layouts.SLL_HATYPE));
        if (cs.skipped(pkttype, hatype)) return null;
        int status = r.get(JAVA_INT, f + Layouts.TP3_STATUS);
        long sec = Integer.toUnsignedLong(r.get(JAVA_INT, f + Layouts.TP3_SEC));
        long nsec = Integer.toUnsignedLong(r.get(JAVA_INT, f + Layouts.TP3_NSEC));
        int snap = r.get(JAVA_INT, f + Layouts.TP3_SNAPLEN);
        int len = r.get(JAVA_INT, f + Layouts.TP3_LEN);
        int mac = Short.toUnsignedInt(r.get(JAVA_SHORT, f + Layouts.TP3_MAC));
        int tci = CaptureSocket.vlanTci(status, r.get(JAVA_INT, f + Layouts.TP3_VLAN_TCI));
        int tpid = CaptureSocket.vlanTpid(status, r.get(JAVA_SHORT, f + Layouts.TP3_VLAN_TPID));
        long start = f + mac;
        if (snap < 0) snap = Integer.MAX_VALUE;
        // the PACKET_RESERVE room: between the frame's sockaddr_ll and its MAC header
        if (start - VLAN_TAG_LEN >= sll + Layouts.SOCKADDR_LL.byteSize()
                && CaptureSocket.putTagBack(r, start, snap, tci, tpid)) {
            start -= VLAN_TAG_LEN;
            snap += VLAN_TAG_LEN;
            len += VLAN_TAG_LEN;
        }
        int cap = Math.min(snap, snaplen);
        ByteBuffer data = ringView.slice((int) start, cap);
        return new CapturedPacket(sec * 1_000_000_000L + nsec, len, data,
                r.get(JAVA_INT, sll + Layouts.SLL_IFINDEX), pkttype, hatype, tci, tpid);
    }

    @Override
    public long ringSize() {
        return ring.byteSize();
    }

    @Override
    public String describe() {
        return "ring " + blockCount + "x" + blockSize;
    }
}
