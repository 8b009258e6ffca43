package dev.rawsock.packet;

import static dev.rawsock.packet.BpfIr.LINKHDR_REG;
import static dev.rawsock.packet.BpfIr.LINKPL_REG;
import static dev.rawsock.packet.BpfIr.and;
import static dev.rawsock.packet.BpfIr.not;
import static dev.rawsock.packet.BpfIr.or;
import static dev.rawsock.packet.BpfProgram.ABS;
import static dev.rawsock.packet.BpfProgram.ADD;
import static dev.rawsock.packet.BpfProgram.ALU;
import static dev.rawsock.packet.BpfProgram.AND;
import static dev.rawsock.packet.BpfProgram.B;
import static dev.rawsock.packet.BpfProgram.H;
import static dev.rawsock.packet.BpfProgram.IMM;
import static dev.rawsock.packet.BpfProgram.IND;
import static dev.rawsock.packet.BpfProgram.JMP;
import static dev.rawsock.packet.BpfProgram.JEQ;
import static dev.rawsock.packet.BpfProgram.JSET;
import static dev.rawsock.packet.BpfProgram.K;
import static dev.rawsock.packet.BpfProgram.LD;
import static dev.rawsock.packet.BpfProgram.LDX;
import static dev.rawsock.packet.BpfProgram.LSH;
import static dev.rawsock.packet.BpfProgram.MEM;
import static dev.rawsock.packet.BpfProgram.MISC;
import static dev.rawsock.packet.BpfProgram.OR;
import static dev.rawsock.packet.BpfProgram.ST;
import static dev.rawsock.packet.BpfProgram.TAX;
import static dev.rawsock.packet.BpfProgram.TXA;
import static dev.rawsock.packet.BpfProgram.W;
import static dev.rawsock.packet.BpfProgram.X;

import dev.rawsock.packet.BpfAst.Dir;
import dev.rawsock.packet.BpfIr.Ar;
import dev.rawsock.packet.BpfIr.Bin;
import dev.rawsock.packet.BpfIr.Load;
import dev.rawsock.packet.BpfIr.Node;
import dev.rawsock.packet.BpfIr.Num;
import dev.rawsock.packet.BpfIr.Test;
import dev.rawsock.packet.BpfLexer.FilterError;
import dev.rawsock.packet.BpfLexer.Kind;
import dev.rawsock.packet.BpfLexer.Tok;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * IEEE 802.11 for the filter compiler: the {@code type}/{@code subtype}/{@code dir} primitives
 * (libpcap's grammar.y {@code p80211} and gencode.c {@code gen_p80211_type}/{@code gen_p80211_fcdir})
 * and the link-layer address tests ({@code wlan host|src|dst|addr1..4|ra|ta}, broadcast,
 * multicast: {@code gen_wlanhostop}), whose address fields move with the frame type and the
 * To DS/From DS bits. On {@code IEEE802_11_RADIO} the 802.11 header starts after the radiotap
 * header, whose little-endian length at byte 2 a prologue keeps in {@code M[LINKHDR_REG]}; where
 * the 802.11 payload (LLC/SNAP, then the network layer) starts, the prologue works out at run time
 * into {@code M[LINKPL_REG]} (see {@link #prologue()}).
 */
final class BpfWlan {

    /** Frame control byte 0: type (mask 0x0c) and subtype (mask 0xf0); byte 1: To DS 0x01, From DS 0x02. */
    static final int TYPE_MASK = 0x0c, SUBTYPE_MASK = 0xf0, TYPE_MGT = 0x00, TYPE_CTL = 0x04, TYPE_DATA = 0x08,
            SUBTYPE_CTS = 0xc0, SUBTYPE_ACK = 0xd0, TODS = 0x01, FROMDS = 0x02, DIR_MASK = 0x03;

    private static final Map<String, Integer> TYPES = Map.of("mgt", TYPE_MGT, "management", TYPE_MGT,
            "ctl", TYPE_CTL, "control", TYPE_CTL, "data", TYPE_DATA);

    /** Subtype names per type, searched in this order by a bare {@code subtype NAME}, as libpcap does. */
    private static final List<Map.Entry<Integer, Map<String, Integer>>> SUBTYPES = List.of(
            Map.entry(TYPE_MGT, Map.ofEntries(Map.entry("assocreq", 0x00), Map.entry("assoc-req", 0x00),
                    Map.entry("assocresp", 0x10), Map.entry("assoc-resp", 0x10), Map.entry("reassocreq", 0x20),
                    Map.entry("reassoc-req", 0x20), Map.entry("reassocresp", 0x30), Map.entry("reassoc-resp", 0x30),
                    Map.entry("probereq", 0x40), Map.entry("probe-req", 0x40), Map.entry("proberesp", 0x50),
                    Map.entry("probe-resp", 0x50), Map.entry("beacon", 0x80), Map.entry("atim", 0x90),
                    Map.entry("disassoc", 0xa0), Map.entry("disassociation", 0xa0), Map.entry("auth", 0xb0),
                    Map.entry("authentication", 0xb0), Map.entry("deauth", 0xc0),
                    Map.entry("deauthentication", 0xc0))),
            Map.entry(TYPE_CTL, Map.of("ps-poll", 0xa0, "rts", 0xb0, "cts", 0xc0, "ack", 0xd0, "cf-end", 0xe0,
                    "cf-end-ack", 0xf0)),
            Map.entry(TYPE_DATA, Map.ofEntries(Map.entry("data", 0x00), Map.entry("data-cf-ack", 0x10),
                    Map.entry("data-cf-poll", 0x20), Map.entry("data-cf-ack-poll", 0x30), Map.entry("null", 0x40),
                    Map.entry("cf-ack", 0x50), Map.entry("cf-poll", 0x60), Map.entry("cf-ack-poll", 0x70),
                    Map.entry("qos-data", 0x80), Map.entry("qos-data-cf-ack", 0x90), Map.entry("qos-data-cf-poll", 0xa0),
                    Map.entry("qos-data-cf-ack-poll", 0xb0), Map.entry("qos", 0xc0), Map.entry("qos-cf-poll", 0xe0),
                    Map.entry("qos-cf-ack-poll", 0xf0))));

    private static final Map<String, Integer> DIRS = Map.of("nods", 0, "tods", TODS, "fromds", FROMDS, "dstods", 3);

    /** The words {@link BpfParser} reads as an 802.11 address qualifier, and the qualifier. */
    static final Map<String, Dir> ADDRESS_QUALIFIERS = Map.of("addr1", Dir.ADDR1, "address1", Dir.ADDR1,
            "addr2", Dir.ADDR2, "address2", Dir.ADDR2, "addr3", Dir.ADDR3, "address3", Dir.ADDR3,
            "addr4", Dir.ADDR4, "address4", Dir.ADDR4, "ra", Dir.RA, "ta", Dir.TA);

    /** The words that start a frame-control primitive. */
    static final List<String> FRAME_CONTROL = List.of("type", "subtype", "dir", "direction");

    /** Whether a direction qualifier exists only for 802.11 addresses. */
    static boolean wlanOnly(Dir d) {
        return switch (d) {
            case ADDR1, ADDR2, ADDR3, ADDR4, RA, TA -> true;
            default -> false;
        };
    }

    /** The name libpcap's message gives an 802.11-only qualifier. */
    static String qualifierName(Dir d) {
        return switch (d) {
            case ADDR1 -> "'addr1' and 'address1'";
            case ADDR2 -> "'addr2' and 'address2'";
            case ADDR3 -> "'addr3' and 'address3'";
            case ADDR4 -> "'addr4' and 'address4'";
            case RA -> "'ra'";
            case TA -> "'ta'";
            default -> "'" + d.name().toLowerCase(java.util.Locale.ROOT) + "'";
        };
    }

    private final BpfCodegen gen;
    private final boolean wlan;
    private final boolean radiotap;
    private final boolean ppi;
    /** Whether some load is relative to the radiotap (PPI) header's length (then the prologue computes it). */
    private boolean relative;

    BpfWlan(BpfCodegen gen, int linkType) {
        this.gen = gen;
        this.wlan = is80211(linkType);
        this.radiotap = linkType == LinkType.IEEE802_11_RADIOTAP;
        this.ppi = linkType == LinkType.PPI;
    }

    /** Whether frames of the link type carry an 802.11 header (after radiotap or PPI's header). */
    static boolean is80211(int linkType) {
        return linkType == LinkType.IEEE802_11 || hasRadioHeader(linkType);
    }

    /** Whether a variable-length radio header (its length little-endian at byte 2) comes before the 802.11 header. */
    static boolean hasRadioHeader(int linkType) {
        return linkType == LinkType.IEEE802_11_RADIOTAP || linkType == LinkType.PPI;
    }

    // ---- parsing: the keyword (already read) and what follows it

    /**
     * {@code type T [subtype S]}, {@code subtype S}, {@code dir D}: a test of frame-control bits.
     * Names are case-sensitive and numbers must fit the field, as libpcap's grammar has them.
     */
    static BpfAst.FrameControl parse(Tok kw, Supplier<Tok> peek, Supplier<Tok> next, ToLongFunction<Tok> number) {
        switch (kw.text()) {
            case "type" -> {
                Tok t = next.get();
                int type = t.kind() == Kind.NUM ? checked(t, number.applyAsLong(t), TYPE_MASK, "type")
                        : named(t, TYPES.get(t.text()), "unknown 802.11 type name \"" + t.text() + "\"");
                if (!peek.get().is("subtype")) {
                    return new BpfAst.FrameControl(0, type, TYPE_MASK, kw.pos());
                }
                next.get();
                Tok s = next.get();
                int sub;
                if (s.kind() == Kind.NUM) {
                    sub = checked(s, number.applyAsLong(s), SUBTYPE_MASK, "subtype");
                } else {
                    Map<String, Integer> names = SUBTYPES.stream().filter(e -> e.getKey() == type)
                            .map(Map.Entry::getValue).findFirst()
                            .orElseThrow(() -> new FilterError(s.pos(), "unknown 802.11 type"));
                    sub = named(s, names.get(s.text()), "unknown 802.11 subtype name \"" + s.text() + "\"");
                }
                return new BpfAst.FrameControl(0, type | sub, TYPE_MASK | SUBTYPE_MASK, kw.pos());
            }
            case "subtype" -> {
                Tok s = next.get();
                if (s.kind() != Kind.WORD) {
                    throw BpfParser.error(s, "an 802.11 subtype name");
                }
                for (Map.Entry<Integer, Map<String, Integer>> e : SUBTYPES) {
                    Integer v = e.getValue().get(s.text());
                    if (v != null) {
                        return new BpfAst.FrameControl(0, e.getKey() | v, TYPE_MASK | SUBTYPE_MASK, kw.pos());
                    }
                }
                throw new FilterError(s.pos(), "unknown 802.11 type name");
            }
            default -> {
                Tok d = next.get();
                int dir = d.kind() == Kind.NUM ? (int) number.applyAsLong(d)
                        : named(d, DIRS.get(d.text()), "unknown 802.11 direction");
                return new BpfAst.FrameControl(1, dir, DIR_MASK, kw.pos());
            }
        }
    }

    private static int checked(Tok t, long v, int mask, String what) {
        if ((v & ~mask) != 0) {
            throw new FilterError(t.pos(), String.format("invalid 802.11 %s value 0x%02x", what, v));
        }
        return (int) v;
    }

    private static int named(Tok t, Integer v, String unknown) {
        if (t.kind() != Kind.WORD) {
            throw BpfParser.error(t, "a name or a number");
        }
        if (v == null) {
            throw new FilterError(t.pos(), unknown);
        }
        return v;
    }

    // ---- code generation

    /** The frame-control test; libpcap refuses it on other link types. */
    Node frameControl(BpfAst.FrameControl f, int linkType) {
        if (!is80211(linkType) || linkType == LinkType.PPI) { // libpcap 1.10 leaves PPI out of gen_p80211_type/fcdir
            throw new FilterError(f.pos(), f.offset() == 0 ? "802.11 link-layer types supported only on 802.11"
                    : "frame direction supported only with 802.11 headers");
        }
        return masked(f.offset(), f.mask(), f.value());
    }

    /**
     * A load at {@code off} (plus {@code idx}) into the 802.11 header: after the radiotap header
     * when there is one. An offset already tagged as relative to the link-layer payload (the PPP
     * header a {@code pppoes} made the link header) is left to the code generator to relocate.
     */
    Ar link(int size, int off, Ar idx) {
        if (!(radiotap || ppi) || BpfCodegen.tagged(off)) {
            return new Load(size, off, -1, idx);
        }
        relative = true;
        gen.needScratch();
        return new Load(size, off, -1, idx, LINKHDR_REG);
    }

    private Ar link(int size, int off) {
        return link(size, off, new Num(0));
    }

    /**
     * The statements that set the run-time offsets before the filter runs, as libpcap's
     * {@code insert_compute_vloffsets} does: {@code M[LINKHDR_REG]} = the radiotap header's length
     * (little-endian at byte 2) when something reads the 802.11 header after it, and, when something
     * reads the 802.11 payload, {@code M[LINKPL_REG]} = where it starts (PPI's header as radiotap's)
     * ({@code gen_load_802_11_header_len}): 24 bytes past the 802.11 header, 26 in a QoS data frame,
     * and in a data frame whose radiotap flags field (at byte 8, or 16 after a TSFT field; looked for
     * only in a single presence word) has the data-pad bit, rounded up to a multiple of 4. Its loads
     * are libpcap's, in its order, so a frame too short for one is rejected as libpcap rejects it.
     */
    List<BpfInstruction> prologue() {
        boolean payload = wlan && gen.payloadUsed();
        if (!relative && !payload) {
            return List.of();
        }
        List<BpfInstruction> p = new ArrayList<>();
        if (radiotap || ppi) {
            p.addAll(List.of(BpfInstruction.stmt(LD | B | ABS, 3), BpfInstruction.stmt(ALU | LSH | K, 8),
                    BpfInstruction.stmt(MISC | TAX, 0), BpfInstruction.stmt(LD | B | ABS, 2),
                    BpfInstruction.stmt(ALU | OR | X, 0), BpfInstruction.stmt(ST, LINKHDR_REG),
                    BpfInstruction.stmt(MISC | TAX, 0)));
        } else {
            p.add(BpfInstruction.stmt(LDX | IMM, 0));
        }
        if (!payload) {
            return List.copyOf(p);
        }
        p.addAll(List.of(BpfInstruction.stmt(MISC | TXA, 0), BpfInstruction.stmt(ALU | ADD | K, 24),
                BpfInstruction.stmt(ST, LINKPL_REG), BpfInstruction.stmt(LD | B | IND, 0)));
        // Jump targets as indices into the block: END is just past it, where the filter starts.
        int start = p.size();
        final int end = -1;
        int flags = start + 6;
        int tsft = flags + 4;
        int noTsft = tsft + 2;
        int round = noTsft + 2;
        List<int[]> j = new ArrayList<>(); // {code, k, jt, jf}, targets as block indices (-2: next)
        j.add(new int[] {JMP | JSET | K, TYPE_DATA, -2, end});
        j.add(new int[] {JMP | JSET | K, TYPE_CTL, end, -2});
        j.add(new int[] {JMP | JSET | K, 0x80, -2, radiotap ? flags : end}); // the QoS subtype bit
        j.add(new int[] {LD | MEM, LINKPL_REG});
        j.add(new int[] {ALU | ADD | K, 2});
        j.add(new int[] {ST, LINKPL_REG});
        if (radiotap) {
            // Radiotap fields are little-endian, the word is loaded big-endian: the bits swapped.
            j.add(new int[] {LD | W | ABS, 4});
            j.add(new int[] {JMP | JSET | K, Integer.reverseBytes(0x00000002), -2, end}); // flags present
            j.add(new int[] {JMP | JSET | K, Integer.reverseBytes(0x80000000), end, -2}); // more presence words
            j.add(new int[] {JMP | JSET | K, Integer.reverseBytes(0x00000001), tsft, noTsft});
            j.add(new int[] {LD | B | ABS, 16});
            j.add(new int[] {JMP | JSET | K, 0x20, round, end});
            j.add(new int[] {LD | B | ABS, 8});
            j.add(new int[] {JMP | JSET | K, 0x20, round, end});
            j.add(new int[] {LD | MEM, LINKPL_REG});
            j.add(new int[] {ALU | ADD | K, 3});
            j.add(new int[] {ALU | AND | K, ~3});
            j.add(new int[] {ST, LINKPL_REG});
        }
        int endAt = start + j.size();
        for (int i = 0; i < j.size(); i++) {
            int[] in = j.get(i);
            int at = start + i;
            if ((in[0] & 0x07) == JMP) {
                int jt = in[2] == end ? endAt : in[2] == -2 ? at + 1 : in[2];
                int jf = in[3] == end ? endAt : in[3] == -2 ? at + 1 : in[3];
                p.add(BpfInstruction.jump(in[0], in[1], jt - at - 1, jf - at - 1));
            } else {
                p.add(BpfInstruction.stmt(in[0], in[1]));
            }
        }
        return List.copyOf(p);
    }

    /**
     * The filter as libpcap finishes it for the link type: the prologue in front; on PPI, only for
     * PPI headers over 802.11 (its DLT field, little-endian at byte 4: gen_ppi_dlt_check), unless the
     * filter is empty.
     */
    Node finish(Node lowered, boolean empty) {
        List<BpfInstruction> pro = prologue();
        Node n = pro.isEmpty() ? lowered : new BpfIr.Prefixed(pro, lowered);
        if (ppi && !empty) {
            n = and(new Test(new Load(W, 4, -1, new Num(0)), JEQ, new Num(Integer.reverseBytes(LinkType.IEEE802_11))), n);
        }
        return n;
    }

    private Node masked(int off, int mask, int value) {
        return new Test(new Bin(AND, link(B, off), new Num(mask)), JEQ, new Num(value));
    }

    private Node set(int off, int bits) {
        return new Test(link(B, off), JSET, new Num(bits));
    }

    private Node mac(int off, byte[] m) {
        int tail = ((m[2] & 0xff) << 24) | ((m[3] & 0xff) << 16) | ((m[4] & 0xff) << 8) | (m[5] & 0xff);
        int head = ((m[0] & 0xff) << 8) | (m[1] & 0xff);
        return and(new Test(link(W, off + 2), JEQ, new Num(tail)), new Test(link(H, off), JEQ, new Num(head)));
    }

    /** Neither a CTS nor an ACK, or not a control frame: the frames that carry a transmitter address. */
    private Node hasAddr2() {
        return or(not(masked(0, TYPE_MASK, TYPE_CTL)),
                and(not(masked(0, SUBTYPE_MASK, SUBTYPE_CTS)), not(masked(0, SUBTYPE_MASK, SUBTYPE_ACK))));
    }

    /** {@code ether|wlan [dir] host MAC} on 802.11 (libpcap's gen_wlanhostop). */
    Node host(Dir dir, byte[] mac) {
        return switch (dir) {
            case SRC -> source(off -> mac(off, mac));
            case DST -> destination(off -> mac(off, mac));
            case AND -> and(host(Dir.SRC, mac), host(Dir.DST, mac));
            case DEFAULT, OR -> or(host(Dir.SRC, mac), host(Dir.DST, mac));
            case ADDR1 -> mac(4, mac);
            case ADDR2 -> and(hasAddr2(), mac(10, mac));
            case ADDR3 -> and(not(masked(0, TYPE_MASK, TYPE_CTL)), mac(16, mac));
            case ADDR4 -> and(masked(1, DIR_MASK, TODS | FROMDS), mac(24, mac));
            case RA -> and(set(0, TYPE_DATA), mac(4, mac));
            case TA -> and(and(set(0, TYPE_DATA), hasAddr2()), mac(10, mac));
        };
    }

    /** The EtherType test of the LLC/SNAP header, in a data frame only (libpcap's gen_llc_linktype on 802.11). */
    Node dataFrame(Node etherType) {
        return and(not(set(0, TYPE_CTL)), set(0, TYPE_DATA), etherType);
    }

    /** {@code ether broadcast}: the destination address is all ones. */
    Node broadcast() {
        byte[] ones = {-1, -1, -1, -1, -1, -1};
        return destination(off -> mac(off, ones));
    }

    /** {@code ether multicast}: the destination address has its group bit set. */
    Node multicast() {
        return destination(off -> set(off, 1));
    }

    /**
     * The source address: none in control frames; at 10 in management frames and data frames
     * without From DS; at 16 with From DS alone, at 24 with both.
     */
    private Node source(java.util.function.IntFunction<Node> at) {
        Node fromDs = or(and(not(set(1, TODS)), at.apply(16)), and(set(1, TODS), at.apply(24)));
        Node data = or(and(not(set(1, FROMDS)), at.apply(10)), and(set(1, FROMDS), fromDs));
        Node mgtOrData = or(and(not(set(0, TYPE_DATA)), at.apply(10)), and(set(0, TYPE_DATA), data));
        return and(not(set(0, TYPE_CTL)), mgtOrData);
    }

    /** The destination address: none in control frames; at 4, or at 16 in a data frame with To DS. */
    private Node destination(java.util.function.IntFunction<Node> at) {
        Node data = or(and(not(set(1, TODS)), at.apply(4)), and(set(1, TODS), at.apply(16)));
        Node mgtOrData = or(and(not(set(0, TYPE_DATA)), at.apply(4)), and(set(0, TYPE_DATA), data));
        return and(not(set(0, TYPE_CTL)), mgtOrData);
    }
}
