package dev.rawsock.packet;

/**
 * The interface a capture file's packets were captured on: a pcapng Interface Description Block,
 * or, for a classic pcap file, the file header (interface 0, no name).
 *
 * @param id           the interface's number in the whole file, counted from 0 across sections (as
 *                     tshark's {@code frame.interface_id}); in a classic pcap file always 0
 * @param section      the pcapng section (0 for the first Section Header Block) the interface belongs to
 * @param linkType     what header every packet on it starts with ({@link LinkType}); unknown types are
 *                     read as opaque bytes
 * @param snaplen      the longest packet kept; a file's 0 ("no limit") or a value above 2^31-1 reads as
 *                     the largest snaplen libpcap allows for the link type, so never negative
 * @param name         {@code if_name}, or null when the file does not say
 * @param description  {@code if_description}, or null when the file does not say
 * @param tsResolution {@code if_tsresol} as the file says: {@code n} for units of 10^-n s,
 *                     {@code 0x80 | n} for 2^-n s (6, microseconds, when absent)
 * @param fcsLength    {@code if_fcslen}, the bytes of frame check sequence at the end of each packet, or
 *                     -1 when the file does not say
 */
public record PcapInterface(int id, int section, int linkType, int snaplen, String name, String description,
        int tsResolution, int fcsLength) {
    /** {@code if_tsresol} for microseconds, pcapng's default and classic pcap's usual resolution. */
    public static final int MICROSECONDS = 6;
    /** {@code if_tsresol} for nanoseconds, what {@link PcapNgWriter} writes. */
    public static final int NANOSECONDS = 9;

    /** Checks the ranges the file formats allow. */
    public PcapInterface {
        if (id < 0) throw new IllegalArgumentException("interface id must not be negative: " + id);
        if (section < 0) throw new IllegalArgumentException("section must not be negative: " + section);
        if (linkType < 0) throw new IllegalArgumentException("link type must not be negative: " + linkType);
        if (snaplen < 0) throw new IllegalArgumentException("snaplen must not be negative: " + snaplen);
        if (tsResolution < 0 || tsResolution > 0xFF) throw new IllegalArgumentException("if_tsresol out of range: " + tsResolution);
    }

    /** {@return whether timestamps on this interface are finer than microseconds} */
    public boolean finerThanMicros() {
        return (tsResolution & 0x80) != 0 ? (tsResolution & 0x7F) > 19 : tsResolution > 6;
    }
}
