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
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
    /** Filled for each packet: the capture hands it on, or a copy of it from {@code next}. */
    private final CapturedPacket packet = new CapturedPacket();
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
        this.ring = mapRing(cs.sock.fd(), arena, reserve(cs), blockSize, blockCount, FRAME_SIZE,
                blockSize / FRAME_SIZE * blockCount, (int) tov.toMillis());
        this.ringView = ring.asByteBuffer().asReadOnlyBuffer();
    }

    /**
     * PACKET_RESERVE: room before each frame's packet to put back a VLAN tag the NIC or the stack took
     * off, and on a cooked socket for the SLL2 header too; as libpcap, which counts on the 16 bytes
     * the kernel leaves there anyway for a SOCK_DGRAM socket.
     */
    static int reserve(CaptureSocket cs) {
        return VLAN_TAG_LEN + (cs.cooked ? CaptureSocket.SLL2_HDR_LEN - 16 : 0);
    }

    /**
     * PACKET_VERSION, PACKET_RESERVE, PACKET_RX_RING and mmap, for either ring: {@code retireMs} -1
     * asks for a TPACKET_V2 ring ({@code struct tpacket_req}), else a TPACKET_V3 one
     * ({@code struct tpacket_req3} with that block timeout). On a failed mmap the ring is taken down
     * again, so that packets go to the receive queue for recvmsg.
     */
    static MemorySegment mapRing(int fd, Arena arena, int reserve, int blockSize, int blockCount, int frameSize,
                                 int frameCount, int retireMs) throws ErrnoException {
        boolean v2 = retireMs < 0;
        Sys.setsockoptInt(fd, Consts.SOL_PACKET, Consts.PACKET_VERSION, v2 ? Consts.TPACKET_V2 : Consts.TPACKET_V3,
                "setsockopt(PACKET_VERSION)");
        Sys.setsockoptInt(fd, Consts.SOL_PACKET, Consts.PACKET_RESERVE, reserve, "setsockopt(PACKET_RESERVE)");
        long size = (long) blockSize * blockCount;
        long reqSize = (v2 ? Layouts.TPACKET_REQ : Layouts.TPACKET_REQ3).byteSize();
        try (Scratch s = Scratch.acquire()) {
            MemorySegment req = s.misc(reqSize);
            req.set(JAVA_INT, Layouts.TP_BLOCK_SIZE, blockSize);
            req.set(JAVA_INT, Layouts.TP_BLOCK_NR, blockCount);
            req.set(JAVA_INT, Layouts.TP_FRAME_SIZE, frameSize);
            req.set(JAVA_INT, Layouts.TP_FRAME_NR, frameCount);
            if (!v2) {
                req.set(JAVA_INT, Layouts.TP_RETIRE_BLK_TOV, retireMs);
                req.set(JAVA_INT, Layouts.TP_SIZEOF_PRIV, 0);
                req.set(JAVA_INT, Layouts.TP_FEATURE_REQ_WORD, 0);
            }
            Sys.setsockopt(fd, Consts.SOL_PACKET, Consts.PACKET_RX_RING, req, "setsockopt(PACKET_RX_RING)");
        }
        MemorySegment m;
        try {
            m = Sys.mmap(size, Consts.PROT_READ | Consts.PROT_WRITE, Consts.MAP_SHARED, fd);
        } catch (ErrnoException e) {
            try (Scratch s = Scratch.acquire()) {
                // An all-zero request frees the ring.
                Sys.setsockopt(fd, Consts.SOL_PACKET, Consts.PACKET_RX_RING, s.misc(reqSize), "setsockopt(PACKET_RX_RING)");
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
                    CapturedPacket p = RingFrame.V3.packet(cs, r, ringView, f, snaplen, packet);
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

    @Override
    public long ringSize() {
        return ring.byteSize();
    }

    @Override
    public String describe() {
        return "ring " + blockCount + "x" + blockSize;
    }
}
