package dev.rawsock.packet;

import dev.rawsock.packet.internal.InetBytes;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** An ARP packet (RFC 826) of any hardware and protocol address sizes, viewed in place. */
public final class ArpPacket extends HeaderView {
    /** Operation {@code ARPOP_REQUEST}: who has this protocol address? */
    public static final int OP_REQUEST = 1;
    /** Operation {@code ARPOP_REPLY}: the answer, with the hardware address. */
    public static final int OP_REPLY = 2;
    /** Hardware type {@code ARPHRD_ETHER}: Ethernet (6-byte addresses). */
    public static final int HTYPE_ETHERNET = 1;
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH_ETHERNET_IPV4 = 28;

    private ArpPacket(MemorySegment seg, long off) {
        super(seg, off, 8, "ARP packet");
        require(seg, off, 8 + 2L * (hardwareLength() + protocolLength()), "ARP packet");
    }

    /**
     * {@return a view of the header at {@code offset} of the segment, checked to fit; no copy}
     *
     * @param segment the memory holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static ArpPacket of(MemorySegment segment, long offset) { return new ArpPacket(segment, offset); }
    /**
     * {@return a view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy}
     *
     * @param buffer the buffer holding the header (its position and limit are ignored)
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static ArpPacket of(ByteBuffer buffer, int offset) { return new ArpPacket(of(buffer), offset); }
    /**
     * {@return a view of the header at {@code offset} of the array, checked to fit; no copy}
     *
     * @param array the array holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static ArpPacket of(byte[] array, int offset) { return new ArpPacket(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return 8 + 2 * (hardwareLength() + protocolLength()); }

    /** {@return the hardware type} */
    public int hardwareType() { return u16(0); }
    /** {@return the protocol type} */
    public int protocolType() { return u16(2); }
    /** {@return the hardware length} */
    public int hardwareLength() { return u8(4); }
    /** {@return the protocol length} */
    public int protocolLength() { return u8(5); }
    /** {@return the operation (1 request, 2 reply)} */
    public int operation() { return u16(6); }
    /** {@return the sender hardware address} */
    public byte[] senderHardwareAddress() { return bytes(8, hardwareLength()); }
    /** {@return the sender protocol address} */
    public byte[] senderProtocolAddress() { return bytes(8 + hardwareLength(), protocolLength()); }
    /** {@return the target hardware address} */
    public byte[] targetHardwareAddress() { return bytes(8 + hardwareLength() + protocolLength(), hardwareLength()); }
    /** {@return the target protocol address} */
    public byte[] targetProtocolAddress() { return bytes(8 + 2L * hardwareLength() + protocolLength(), protocolLength()); }

    /**
     * Sets the hardware type in place.
     *
     * @param v the new hardware type
     * @return this view
     */
    public ArpPacket setHardwareType(int v) { u16(0, v); return this; }
    /**
     * Sets the protocol type in place.
     *
     * @param v the new protocol type
     * @return this view
     */
    public ArpPacket setProtocolType(int v) { u16(2, v); return this; }
    /**
     * Sets the operation in place.
     *
     * @param v the new operation
     * @return this view
     */
    public ArpPacket setOperation(int v) { u16(6, v); return this; }
    /**
     * Sets the sender hardware address in place.
     *
     * @param a the new sender hardware address
     * @return this view
     */
    public ArpPacket setSenderHardwareAddress(byte[] a) { bytes(8, a, hardwareLength(), "sender hardware address"); return this; }
    /**
     * Sets the sender protocol address in place.
     *
     * @param a the new sender protocol address
     * @return this view
     */
    public ArpPacket setSenderProtocolAddress(byte[] a) { bytes(8 + hardwareLength(), a, protocolLength(), "sender protocol address"); return this; }
    /**
     * Sets the target hardware address in place.
     *
     * @param a the new target hardware address
     * @return this view
     */
    public ArpPacket setTargetHardwareAddress(byte[] a) { bytes(8 + hardwareLength() + protocolLength(), a, hardwareLength(), "target hardware address"); return this; }
    /**
     * Sets the target protocol address in place.
     *
     * @param a the new target protocol address
     * @return this view
     */
    public ArpPacket setTargetProtocolAddress(byte[] a) { bytes(8 + 2L * hardwareLength() + protocolLength(), a, protocolLength(), "target protocol address"); return this; }

    /** {@return the sender's IP address, or null when the protocol addresses are not 4 or 16 bytes} */
    public InetAddress senderInetAddress() { return inet(senderProtocolAddress()); }
    /** {@return the target's IP address, or null when the protocol addresses are not 4 or 16 bytes} */
    public InetAddress targetInetAddress() { return inet(targetProtocolAddress()); }

    private static InetAddress inet(byte[] a) {
        return a.length == 4 || a.length == 16 ? InetBytes.address(a) : null;
    }
}
