package dev.rawsock.packet;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The link types of capture files ({@code LINKTYPE_*} in libpcap's {@code pcap/dlt.h} and the
 * tcpdump.org link-layer header type registry): what header every record of a pcap or pcapng
 * interface starts with. The one place rawsock names them; readers, writers, the printer and the
 * filter compiler all use these numbers.
 *
 * <p>{@link #name(int)} and {@link #valueOf(String)} use the names {@code tcpdump -y} and
 * {@code tcpdump -L} print ({@code EN10MB}, {@code LINUX_SLL2}, ...); an unknown number is still a
 * valid link type (read as opaque bytes).
 */
public final class LinkType {
    private LinkType() {}

    /** {@code LINKTYPE_NULL} (0, DLT_NULL): BSD loopback, a 4-byte address family in the host's byte order. */
    public static final int NULL = 0;
    /** {@code LINKTYPE_ETHERNET} (1, DLT_EN10MB): an Ethernet II / 802.3 header. */
    public static final int ETHERNET = 1;
    /** {@code LINKTYPE_PPP} (9): PPP in HDLC-like framing (RFC 1662): address 0xff, control 0x03, a 2-byte protocol. */
    public static final int PPP = 9;
    /** {@code LINKTYPE_PPP_HDLC} (50, DLT_PPP_SERIAL): PPP in HDLC-like framing on a serial line, as {@link #PPP}. */
    public static final int PPP_HDLC = 50;
    /** {@code LINKTYPE_RAW} (101, DLT_RAW on Linux 12/14): a bare IPv4 or IPv6 packet, told apart by its version. */
    public static final int RAW = 101;
    /** {@code LINKTYPE_C_HDLC} (104): Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control 0, an EtherType. */
    public static final int C_HDLC = 104;
    /** {@code LINKTYPE_IEEE802_11} (105): an 802.11 header without radio information. */
    public static final int IEEE802_11 = 105;
    /** {@code LINKTYPE_LOOP} (108, OpenBSD loopback): a 4-byte address family in network byte order. */
    public static final int LOOP = 108;
    /** {@code LINKTYPE_LINUX_SLL} (113): Linux "cooked" capture, a 16-byte pseudo-header. */
    public static final int LINUX_SLL = 113;
    /** {@code LINKTYPE_IEEE802_11_RADIOTAP} (127, DLT_IEEE802_11_RADIO): a radiotap header, then 802.11. */
    public static final int IEEE802_11_RADIOTAP = 127;
    /** {@code LINKTYPE_PPI} (192): a Per-Packet Information header (its length little-endian at byte 2), then usually 802.11. */
    public static final int PPI = 192;
    /** {@code LINKTYPE_IPV4} (228): a bare IPv4 packet. */
    public static final int IPV4 = 228;
    /** {@code LINKTYPE_IPV6} (229): a bare IPv6 packet. */
    public static final int IPV6 = 229;
    /** {@code LINKTYPE_LINUX_SLL2} (276): Linux "cooked" capture v2, a 20-byte pseudo-header with the interface index; tcpdump's "any" device. */
    public static final int LINUX_SLL2 = 276;

    private static final Map<Integer, String[]> KNOWN = new TreeMap<>(Map.ofEntries(
            Map.entry(PPP, new String[] {"PPP", "PPP"}),
            Map.entry(PPP_HDLC, new String[] {"PPP_SERIAL", "PPP over serial"}),
            Map.entry(C_HDLC, new String[] {"C_HDLC", "Cisco HDLC"}),
            Map.entry(NULL, new String[] {"NULL", "BSD loopback"}),
            Map.entry(ETHERNET, new String[] {"EN10MB", "Ethernet"}),
            Map.entry(RAW, new String[] {"RAW", "Raw IP"}),
            Map.entry(IEEE802_11, new String[] {"IEEE802_11", "802.11"}),
            Map.entry(LOOP, new String[] {"LOOP", "OpenBSD loopback"}),
            Map.entry(LINUX_SLL, new String[] {"LINUX_SLL", "Linux cooked v1"}),
            Map.entry(IEEE802_11_RADIOTAP, new String[] {"IEEE802_11_RADIO", "802.11 plus radiotap header"}),
            Map.entry(PPI, new String[] {"PPI", "Per-Packet Information"}),
            Map.entry(IPV4, new String[] {"IPV4", "Raw IPv4"}),
            Map.entry(IPV6, new String[] {"IPV6", "Raw IPv6"}),
            Map.entry(LINUX_SLL2, new String[] {"LINUX_SLL2", "Linux cooked v2"})));

    /**
     * {@return the name {@code tcpdump -y} takes for a link type ({@code "EN10MB"}), or {@code "LINKTYPE_<n>"} when unknown}
     *
     * @param linkType a link type number, any int
     */
    public static String name(int linkType) {
        String[] n = KNOWN.get(linkType);
        return n == null ? "LINKTYPE_" + linkType : n[0];
    }

    /**
     * {@return the description tcpdump prints beside the name ({@code "Ethernet"} for EN10MB), or empty when unknown}
     *
     * @param linkType a link type number, any int
     */
    public static Optional<String> description(int linkType) {
        String[] n = KNOWN.get(linkType);
        return n == null ? Optional.empty() : Optional.of(n[1]);
    }

    /**
     * {@return the link type a tcpdump {@code -y} name denotes, in any case; also {@code "ETHERNET"} and a plain number}
     *
     * @param name a name such as {@code "EN10MB"}, {@code "linux_sll2"} or {@code "276"}
     * @throws IllegalArgumentException when the name is unknown; the message lists the known names
     */
    public static int valueOf(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.equals("ETHERNET")) return ETHERNET;
        if (n.equals("IEEE802_11_RADIOTAP")) return IEEE802_11_RADIOTAP;
        if (n.equals("PPP_HDLC")) return PPP_HDLC;
        for (var e : KNOWN.entrySet()) if (e.getValue()[0].equals(n)) return e.getKey();
        try {
            int v = Integer.parseInt(n);
            if (v >= 0 && v <= 0xFFFF) return v;
        } catch (NumberFormatException ignored) {
            // not a number either: fall through to the error that lists the names
        }
        StringBuilder known = new StringBuilder();
        for (String[] v : KNOWN.values()) known.append(known.isEmpty() ? "" : ", ").append(v[0]);
        throw new IllegalArgumentException("unknown link type '" + name + "' (known: " + known + ", or a number 0..65535)");
    }
}
