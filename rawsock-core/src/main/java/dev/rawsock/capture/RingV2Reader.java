package dev.rawsock.capture;

import dev.rawsock.ErrnoException;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Layouts;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Immediate delivery: a {@code TPACKET_V2} ring of fixed-size frame slots, each handed to user space
 * by the kernel as soon as its packet is in it, so that {@code poll(2)} wakes for every packet. A V3
 * ring wakes only when a block is full or its timer retires it, and that timer cannot be turned off;
 * libpcap uses V2 for {@code --immediate-mode} for the same reason.
 */
final class RingV2Reader implements PacketReader {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final int PAGE = 4096;
    /** libpcap's MAX_LINKHEADER_SIZE: room in a slot for the longest link-layer header a device has. */
    private static final int MAX_LINKHEADER = 256;

    private final CaptureSocket cs;
    private final int snaplen;
    private final MemorySegment ring;
    private final ByteBuffer ringView;
    /** Filled for each packet: the capture hands it on, or a copy of it from {@code next}. */
    private final CapturedPacket packet = new CapturedPacket();
    private final int blockSize;
    private final int frameSize;
    private final int framesPerBlock;
    private final int frameCount;
    // guarded by the capture's reader lock
    private int slot;
    private boolean holding;        // the slot's packet was handed out and goes back to the kernel on the next call

    /**
     * Sets the V2 ring up in {@code arena}: slots big enough for {@code frameBytes} of packet after
     * the header and the largest link-layer header, as many as fit in {@code ringBytes}. An
     * {@link ErrnoException} says the kernel refused it.
     */
    RingV2Reader(CaptureSocket cs, Arena arena, int snaplen, int frameBytes, long ringBytes) throws ErrnoException {
        this.cs = cs;
        this.snaplen = snaplen;
        int reserve = RingReader.reserve(cs);
        // As the kernel lays a frame out (tpacket_rcv): header, sockaddr_ll, at least 16 bytes or the
        // link header, the reserve, then the packet.
        long hdr = Layouts.TP2_SOCKADDR_LL + Layouts.SOCKADDR_LL.byteSize();
        long fs = align(align(hdr + MAX_LINKHEADER) + reserve + frameBytes);
        if (fs > Integer.MAX_VALUE / 2) throw new IllegalArgumentException("frame of " + fs + " bytes");
        this.frameSize = (int) fs;
        int bs = PAGE;
        while (bs < frameSize) bs <<= 1;
        this.blockSize = bs;
        this.framesPerBlock = bs / frameSize;
        int blocks = (int) Math.max(1, Math.min(Integer.MAX_VALUE / bs, ringBytes / bs));
        this.frameCount = framesPerBlock * blocks;
        this.ring = RingReader.mapRing(cs.sock.fd(), arena, reserve, bs, blocks, frameSize, frameCount, -1);
        this.ringView = ring.asByteBuffer().asReadOnlyBuffer();
    }

    private static long align(long n) {
        return (n + Consts.TPACKET_ALIGNMENT - 1) & -Consts.TPACKET_ALIGNMENT;
    }

    private long offset(int i) {
        return (long) (i / framesPerBlock) * blockSize + (long) (i % framesPerBlock) * frameSize;
    }

    @Override
    public CapturedPacket next(long deadline) throws IOException {
        MemorySegment r = ring;
        while (true) {
            if (holding) release(r);
            long f = offset(slot);
            int status = (int) INT.getAcquire(r, f + Layouts.TP2_STATUS);
            if ((status & Consts.TP_STATUS_USER) != 0) {
                holding = true;
                CapturedPacket p = RingFrame.V2.packet(cs, r, ringView, f, snaplen, packet);
                if (p != null) return p;
                continue;
            }
            if (!cs.await(deadline)) return null;
        }
    }

    /** Gives the current slot back to the kernel; every read of it happens before the status store. */
    private void release(MemorySegment r) {
        VarHandle.fullFence();
        INT.setRelease(r, offset(slot) + Layouts.TP2_STATUS, Consts.TP_STATUS_KERNEL);
        holding = false;
        slot = slot + 1 == frameCount ? 0 : slot + 1;
    }

    @Override
    public long ringSize() {
        return ring.byteSize();
    }

    @Override
    public String describe() {
        return "immediate ring " + frameCount + "x" + frameSize;
    }
}
