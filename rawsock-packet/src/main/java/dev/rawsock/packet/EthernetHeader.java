package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * An Ethernet II header (destination, source, ethertype), with up to two 802.1Q / 802.1ad VLAN
 * tags between source and ethertype, viewed in place.
 */
public final class EthernetHeader extends HeaderView {
    /** Length of an untagged header. */
    public static final int LENGTH = 14;
    /** Ethertype {@code ETH_P_IP}: IPv4. */
    public static final int TYPE_IPV4 = 0x0800;
    /** Ethertype {@code ETH_P_ARP}: ARP. */
    public static final int TYPE_ARP = 0x0806;
    /** Ethertype {@code ETH_P_IPV6}: IPv6. */
    public static final int TYPE_IPV6 = 0x86DD;
    /** Ethertype {@code ETH_P_8021Q}: an 802.1Q VLAN tag follows. */
    public static final int TYPE_VLAN = 0x8100;
    /** Ethertype {@code ETH_P_8021AD}: an 802.1ad (QinQ) service VLAN tag follows. */
    public static final int TYPE_QINQ = 0x88A8;
    /** Ethertype {@code ETH_P_QINQ1}: the pre-standard QinQ outer tag some switches still send. */
    public static final int TYPE_QINQ_OLD = 0x9100;

    private final int tags;

    private EthernetHeader(MemorySegment seg, long off) {
        super(seg, off, LENGTH, "Ethernet header");
        int n = 0;
        while (n < 2 && isTag(u16(12 + 4L * n))) {
            require(seg, off, LENGTH + 4L * (n + 1), "802.1Q-tagged Ethernet header");
            n++;
        }
        tags = n;
    }

    private static boolean isTag(int type) {
        return type == TYPE_VLAN || type == TYPE_QINQ || type == TYPE_QINQ_OLD;
    }

    /**
     * {@return a view of the header at {@code offset} of {@code segment}}
     *
     * @param segment the memory holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static EthernetHeader of(MemorySegment segment, long offset) { return new EthernetHeader(segment, offset); }
    /**
     * {@return a view of the header at absolute index {@code offset} of {@code buffer}}
     *
     * @param buffer the buffer holding the header (its position and limit are ignored)
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static EthernetHeader of(ByteBuffer buffer, int offset) { return new EthernetHeader(of(buffer), offset); }
    /**
     * {@return a view of the header at {@code offset} of {@code array}}
     *
     * @param array the array holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static EthernetHeader of(byte[] array, int offset) { return new EthernetHeader(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return LENGTH + 4 * tags; }

    /** {@return the destination MAC address (a copy of its 6 bytes)} */
    public byte[] destination() { return bytes(0, 6); }
    /** {@return the source MAC address (a copy of its 6 bytes)} */
    public byte[] source() { return bytes(6, 6); }
    /**
     * Sets the destination in place.
     *
     * @param mac the new destination
     * @return this view
     */
    public EthernetHeader setDestination(byte[] mac) { bytes(0, mac, 6, "a MAC address"); return this; }
    /**
     * Sets the source in place.
     *
     * @param mac the new source
     * @return this view
     */
    public EthernetHeader setSource(byte[] mac) { bytes(6, mac, 6, "a MAC address"); return this; }

    /** {@return the number of VLAN tags (0..2)} */
    public int vlanTags() { return tags; }
    /** {@return the outer tag's VLAN id (12 bits), or -1 when untagged} */
    public int vlanId() { return tags == 0 ? -1 : u16(14) & 0xFFF; }
    /** {@return the outer tag's priority code point (3 bits), or -1 when untagged} */
    public int vlanPriority() { return tags == 0 ? -1 : u16(14) >>> 13; }

    /** {@return the ethertype of the payload (after any VLAN tags)} */
    public int etherType() { return u16(12 + 4L * tags); }
    /**
     * Sets the ethertype of the payload (after any VLAN tags).
     *
     * @param type the ethertype
     * @return this view
     */
    public EthernetHeader setEtherType(int type) { u16(12 + 4L * tags, type); return this; }

    /**
     * {@code aa:bb:cc:dd:ee:ff}.
     *
     * @param mac the 6 address bytes
     * @return the address as colon-separated lowercase hex pairs
     */
    public static String formatMac(byte[] mac) {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    @Override public String toString() {
        return formatMac(source()) + " > " + formatMac(destination()) + String.format(", ethertype 0x%04x", etherType())
                + (tags > 0 ? ", vlan " + vlanId() : "");
    }
}
