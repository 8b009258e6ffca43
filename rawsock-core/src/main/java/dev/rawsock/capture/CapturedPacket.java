package dev.rawsock.capture;

import dev.rawsock.packet.BpfProgram;
import dev.rawsock.packet.Frame;

import java.nio.ByteBuffer;
import java.util.OptionalInt;

/**
 * One packet from a {@link Capture}: its {@code tpacket3_hdr} and {@code sockaddr_ll} in Java form,
 * and its bytes from the link-layer header on.
 *
 * <p>{@link #data()} is a read-only view of the capture's ring (or receive buffer): it stays valid
 * only until the next call on the capture ({@code next}, or the next packet of {@code forEach}) and
 * never after {@code close()} (then reading it throws {@link IllegalStateException}). Copy what you
 * keep.
 *
 * <p>{@link Capture#forEach} and {@link Capture#drainReady} hand their handler one object, filled
 * anew for every packet, as libpcap hands its callback one header: the packet itself, not only its
 * data, is valid only during the handler's call, so that a capture allocates nothing per packet.
 * {@link Capture#next} returns an object of its own, whose fields stay.
 */
public final class CapturedPacket implements Frame {
    // Set by the capture's reader under its lock, for each packet.
    private long timestampNanos;
    private int wireLength;
    // The data are a window of the reader's read-only view, cut out only when asked for: a capture
    // that looks at a packet's metadata only (counting, filtering on direction) allocates no buffer.
    private ByteBuffer view;
    private int offset;
    private int length;
    private int ifindex;
    private int pkttype;
    private int hatype;
    private int vlanTci;  // -1: none
    private int vlanTpid; // -1: none

    /** An empty packet for a reader to fill with {@link #set}. */
    CapturedPacket() {}

    /**
     * Makes this the packet described; returns this.
     *
     * @param view the ring's (or receive buffer's) read-only view
     * @param offset where the packet's bytes start in {@code view}
     * @param length how many bytes were captured
     */
    CapturedPacket set(long timestampNanos, int wireLength, ByteBuffer view, int offset, int length, int ifindex,
                       int pkttype, int hatype, int vlanTci, int vlanTpid) {
        this.timestampNanos = timestampNanos;
        this.wireLength = wireLength;
        this.view = view;
        this.offset = offset;
        this.length = length;
        this.ifindex = ifindex;
        this.pkttype = pkttype;
        this.hatype = hatype;
        this.vlanTci = vlanTci;
        this.vlanTpid = vlanTpid;
        return this;
    }

    /** A packet of its own with the same fields and the same data window, which the reader's next packet leaves alone. */
    CapturedPacket detached() {
        return new CapturedPacket().set(timestampNanos, wireLength, view, offset, length, ifindex, pkttype, hatype,
                vlanTci, vlanTpid);
    }

    /** When the kernel received the packet ({@code tp_sec}, {@code tp_nsec}), nanoseconds since the epoch. */
    @Override
    public long timestampNanos() {
        return timestampNanos;
    }

    /** The packet's length on the wire ({@code tp_len}); more than {@code data().remaining()} when cut to the snaplen. */
    @Override
    public int wireLength() {
        return wireLength;
    }

    /**
     * The captured bytes ({@code tp_snaplen} of them, at most the capture's snaplen), from the
     * link-layer header on; each call returns a new read-only buffer with its own position. Valid
     * until the next call on the capture.
     */
    @Override
    public ByteBuffer data() {
        return view.slice(offset, length);
    }

    /** {@return the number of bytes captured: {@code data().remaining()}} */
    public int capturedLength() {
        return length;
    }

    /** {@return the interface the packet was seen on ({@code sll_ifindex})} */
    public int ifindex() {
        return ifindex;
    }

    /** {@return where the packet was going ({@code sll_pkttype}); null for a packet type this library does not know} */
    public Direction direction() {
        return Direction.ofPacketType(pkttype);
    }

    /** {@return the raw {@code sll_pkttype}} */
    public int packetType() {
        return pkttype;
    }

    /**
     * {@return the link-layer type of the interface ({@code sll_hatype}, an {@code ARPHRD_*} value of
     * {@code <net/if_arp.h>}: 1 for Ethernet, 772 for loopback, 65534 for a device without a link-layer
     * header such as tun), which says what header {@link #data()} starts with} It matters when capturing
     * on all interfaces, where devices differ.
     */
    public int hardwareType() {
        return hatype;
    }

    /**
     * {@return the VLAN tag control information (priority, DEI, VLAN id) that the NIC or the stack took off the
     * frame before the tap ({@code hv1.tp_vlan_tci} on the ring, {@code tpacket_auxdata.tp_vlan_tci}
     * without it, under {@code TP_STATUS_VLAN_VALID}); empty when there was none} Either way the tag is
     * put back into {@link #data()} (and counted in {@link #wireLength()}) as libpcap does, so the data
     * are the frame as it was on the wire.
     */
    public OptionalInt vlanTci() {
        return vlanTci < 0 ? OptionalInt.empty() : OptionalInt.of(vlanTci);
    }

    /** {@return the stripped VLAN tag's TPID, e.g. 0x8100 ({@code hv1.tp_vlan_tpid} under {@code TP_STATUS_VLAN_TPID_VALID})} */
    public OptionalInt vlanTpid() {
        return vlanTpid < 0 ? OptionalInt.empty() : OptionalInt.of(vlanTpid);
    }

    /** {@return the VLAN id (the low 12 bits of the TCI), when a tag was stripped} */
    public OptionalInt vlan() {
        return vlanTci < 0 ? OptionalInt.empty() : OptionalInt.of(vlanTci & 0xFFF);
    }

    /**
     * The metadata a socket filter would have seen beside the data, for a filter run in Java: the
     * VLAN tag is back in the data, so none in the metadata.
     */
    BpfProgram.PacketMeta meta() {
        return new BpfProgram.PacketMeta(-1, -1, -1, pkttype, ifindex, hatype);
    }

    @Override
    public String toString() {
        return "CapturedPacket[ts=" + timestampNanos + " len=" + wireLength + " caplen=" + length
                + " ifindex=" + ifindex + " " + (direction() == null ? "pkttype " + pkttype : direction())
                + (vlanTci < 0 ? "" : " vlan " + (vlanTci & 0xFFF)) + "]";
    }
}
