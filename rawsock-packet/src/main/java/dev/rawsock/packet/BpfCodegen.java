package dev.rawsock.packet;

import static dev.rawsock.packet.BpfIr.LINKPL_REG;
import static dev.rawsock.packet.BpfIr.LINKTYPE_REG;
import static dev.rawsock.packet.BpfIr.and;
import static dev.rawsock.packet.BpfIr.eq;
import static dev.rawsock.packet.BpfIr.eqMasked;
import static dev.rawsock.packet.BpfIr.not;
import static dev.rawsock.packet.BpfIr.or;
import static dev.rawsock.packet.BpfProgram.ADD;
import static dev.rawsock.packet.BpfProgram.ALU;
import static dev.rawsock.packet.BpfProgram.AND;
import static dev.rawsock.packet.BpfProgram.B;
import static dev.rawsock.packet.BpfProgram.H;
import static dev.rawsock.packet.BpfProgram.JEQ;
import static dev.rawsock.packet.BpfProgram.JGE;
import static dev.rawsock.packet.BpfProgram.JGT;
import static dev.rawsock.packet.BpfProgram.JSET;
import static dev.rawsock.packet.BpfProgram.K;
import static dev.rawsock.packet.BpfProgram.LD;
import static dev.rawsock.packet.BpfProgram.MEM;
import static dev.rawsock.packet.BpfProgram.ST;
import static dev.rawsock.packet.BpfProgram.W;

import dev.rawsock.packet.BpfAst.Dir;
import dev.rawsock.packet.BpfIr.Anc;
import dev.rawsock.packet.BpfIr.Ar;
import dev.rawsock.packet.BpfIr.Bin;
import dev.rawsock.packet.BpfIr.Bool;
import dev.rawsock.packet.BpfIr.Load;
import dev.rawsock.packet.BpfIr.Neg;
import dev.rawsock.packet.BpfIr.Node;
import dev.rawsock.packet.BpfIr.Num;
import dev.rawsock.packet.BpfIr.PktLen;
import dev.rawsock.packet.BpfIr.Prefixed;
import dev.rawsock.packet.BpfIr.Test;
import dev.rawsock.packet.BpfIr.VlanTci;
import java.util.ArrayList;
import java.util.List;

/**
 * Code generation (libpcap's {@code gencode.c}): lowers a {@link BpfAst} to {@link BpfIr} tests for
 * one link type. This file holds the walk and the link layer (where the network layer starts, the
 * link-layer protocol field, Ethernet addresses, {@code vlan}); {@link BpfNetGen} the network layer
 * and {@link BpfTransportGen} the transport layer ask it for those offsets.
 *
 * <p>Leaves are lowered in the order they were written, as libpcap's parser actions run: a
 * {@code vlan} moves the network-layer offset of every primitive after it by 4 bytes. For a live
 * Linux socket the first {@code vlan} is libpcap's {@code gen_vlan_bpf_extensions} (tag in the
 * metadata or in the packet; later offsets move at run time through M[0]/M[1]).
 */
final class BpfCodegen {

    static final int ETH_IP = EthernetHeader.TYPE_IPV4, ETH_IP6 = EthernetHeader.TYPE_IPV6,
            ETH_ARP = EthernetHeader.TYPE_ARP, ETH_RARP = 0x8035;

    /** The link type, and where its protocol field (-1: none) and network layer start. */
    private final int dlt;
    private int offLinkType;
    private int offNl;
    /** Where the link-layer header starts: 0, or past the PPPoE header once pppoes made it PPP. */
    private int offLinkHdr;
    /** Whether any primitive read the network-layer offset. */
    private boolean payloadUsed;
    /** For a live Linux socket: the first vlan tests metadata and packet, later offsets vary at run time. */
    private final boolean linux;
    /** The IPv4 netmask for {@code ip broadcast}, or NETMASK_UNKNOWN. */
    private final int netmask;
    /** VLAN primitives lowered so far. */
    private int vlans;
    /** MPLS labels seen so far: then network protocols are told by the IP version under the last label. */
    private int mplsDepth;
    /** Whether the link is PPP, or a pppoes made the rest of the packet PPP: protocols are PPP protocol numbers. */
    private boolean ppp;
    /** The link type of the current link-layer header (libpcap's cstate->linktype): PPP after a pppoes. */
    private int link;
    /** Where the primitive being lowered starts, for refusals found while lowering it. */
    private int leafPos;
    /** Whether some offsets depend on M[LINKPL]/M[LINKTYPE] (a LINUX_SOCKET vlan was compiled). */
    private boolean variable;
    /**
     * Whether a geneve or vxlan came before: then the link header, link type and payload offsets are
     * a scratch word plus a constant, written as {@link #tagged} offsets (the word in the high bits)
     * until {@link #relocateEncap} turns them into variable loads.
     */
    private boolean encap;
    /**
     * The scratch words of the innermost geneve or vxlan (its link header, link type and payload
     * offsets), and how many words the run-time offsets take so far: as libpcap allocates them, each
     * tunnel takes three new words, computed from the offsets of the tunnel around it.
     */
    private int hdrReg, ltReg, plReg, offsetRegs;
    /** MPLS labels since the link-layer payload last started afresh (after geneve or vxlan): LLC sits before them. */
    private int labelsHere;
    private static final int TAG_SHIFT = 24;
    /** The payload offset on 802.11 link types: past the run-time offset in M[LINKPL] a prologue computes. */
    private static final int PL_TAG = (LINKPL_REG + 1) << TAG_SHIFT;

    final BpfNetGen net = new BpfNetGen(this);
    final BpfTransportGen transport = new BpfTransportGen(this);
    final BpfWlan wlan;

    /**
     * @throws IllegalArgumentException for a link type this compiler has no offsets for
     */
    BpfCodegen(int linkType, BpfProgram.Options options) {
        this.dlt = linkType;
        this.linux = options.target() == BpfProgram.Target.LINUX_SOCKET;
        this.netmask = options.netmask();
        // libpcap's init_linktype: off_linktype and off_nl (off_linkpl + off_nl) per link type.
        int[] offs = switch (linkType) {
            case LinkType.ETHERNET -> new int[] {12, 14};
            case LinkType.LINUX_SLL -> new int[] {14, 16};
            case LinkType.LINUX_SLL2 -> new int[] {0, 20};
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> new int[] {-1, 0};
            case LinkType.NULL, LinkType.LOOP -> new int[] {-1, 4};
            // Where the 802.11 header ends is known at run time only (QoS, padding); then LLC/SNAP.
            case LinkType.IEEE802_11, LinkType.IEEE802_11_RADIOTAP, LinkType.PPI -> new int[] {-1, PL_TAG + 8};
            // HDLC-like framing (address, control), then a 2-byte PPP protocol or Cisco's EtherType.
            case LinkType.PPP, LinkType.PPP_HDLC, LinkType.C_HDLC -> new int[] {2, 4};
            default -> throw new IllegalArgumentException("the filter compiler does not support link type "
                    + LinkType.name(linkType) + " (" + linkType + "); it supports EN10MB, RAW, IPV4, IPV6, LINUX_SLL,"
                    + " LINUX_SLL2, NULL, LOOP, IEEE802_11, IEEE802_11_RADIO, PPI, PPP, PPP_SERIAL and C_HDLC");
        };
        this.link = linkType;
        this.ppp = linkType == LinkType.PPP || linkType == LinkType.PPP_HDLC;
        this.wlan = new BpfWlan(this, linkType);
        this.offLinkType = offs[0];
        this.offNl = offs[1];
    }

    /** How many scratch words the program's prologue sets up for run-time offsets: 0, 2, or 3 more per geneve/vxlan. */
    int offsetWords() {
        return Math.max(offsetRegs, (variable || payloadUsed) && BpfWlan.is80211(dlt) ? 3 : variable ? 2 : 0);
    }

    /** Reserves the scratch words for run-time offsets (radiotap's header length): expressions keep their temporaries above them. */
    void needScratch() {
        variable = true;
    }

    /** Whether some primitive read the network layer (on 802.11: then a prologue finds where it starts). */
    boolean payloadUsed() {
        return payloadUsed;
    }

    /** Whether an offset is relative to a run-time offset (tagged in its high bits), not absolute. */
    static boolean tagged(int off) {
        return tagReg(off) >= 0;
    }

    /** Where the network-layer header starts. */
    int nl() {
        payloadUsed = true;
        return offNl;
    }

    /**
     * Where the LLC header starts (libpcap's OR_LLC): the link layer's payload, before any MPLS label;
     * on 802.11 the 8-byte LLC/SNAP header before the network layer.
     */
    int llc() {
        return BpfWlan.is80211(dlt) ? nl() - 8 : nl() - 4 * labelsHere;
    }

    /**
     * Where an OSI packet's NLPID is (libpcap's OR_LINKPL_NOSNAP): after a 3-byte LLC header, at
     * once on PPP and Cisco HDLC, where Cisco puts a padding byte before it (for {@code iso proto}).
     */
    int isoNlpid() {
        return nosnap() + (link == LinkType.C_HDLC ? 1 : 0);
    }

    /** libpcap's OR_LINKPL_NOSNAP: the network layer under a bare LLC header; no LLC on PPP and Cisco HDLC. */
    int nosnap() {
        return ppp || link == LinkType.C_HDLC ? nl() : llc() + 3;
    }

    /** Whether an MPLS label came before: network protocols are then told by the IP version only. */
    boolean underMpls() {
        return mplsDepth > 0;
    }

    /** Where the link-layer protocol (EtherType) field is. */
    private int linkType() {
        return offLinkType;
    }

    Node lower(BpfAst n) {
        return switch (n) {
            case BpfAst.And a -> {
                Node l = lower(a.a());
                yield new BpfIr.AndN(l, lower(a.b()));
            }
            case BpfAst.Or o -> {
                Node l = lower(o.a());
                yield new BpfIr.OrN(l, lower(o.b()));
            }
            case BpfAst.Not x -> not(lower(x.a()));
            case BpfAst.True t -> new Bool(true);
            default -> leaf(n);
        };
    }

    /** One primitive; its loads go relative once a vlan before it made offsets variable. */
    private Node leaf(BpfAst n) {
        leafPos = position(n);
        if (BpfWlan.is80211(dlt)) {
            // Network-layer offsets are tagged relative to the payload offset the prologue computes.
            return relocateEncap(primitive(n));
        }
        boolean wasVariable = variable;
        boolean wasEncap = encap;
        int linkType = linkType(); // before a vlan here moves it
        Node lowered = primitive(n);
        return wasEncap ? relocateEncap(lowered) : wasVariable ? relocate(lowered, linkType) : lowered;
    }

    /** Where a primitive starts in the filter, for refusals found while lowering it. */
    private static int position(BpfAst n) {
        return switch (n) {
            case BpfAst.Proto p -> p.pos();
            case BpfAst.Cast c -> c.pos();
            case BpfAst.Vlan v -> v.pos();
            case BpfAst.ProtoNum p -> p.pos();
            case BpfAst.EtherProto e -> e.pos();
            case BpfAst.Port p -> p.pos();
            case BpfAst.Ip6Net a -> a.pos();
            case BpfAst.Ip4Net a -> a.pos();
            case BpfAst.DecnetHost d -> d.pos();
            case BpfAst.Mpls m -> m.pos();
            case BpfAst.Pppoe p -> p.pos();
            case BpfAst.Encap e -> e.pos();
            default -> 0;
        };
    }

    private Node primitive(BpfAst n) {
        return switch (n) {
            case BpfAst.Proto p -> BpfNetGen.isNetwork(p.proto()) ? net.proto(p.proto()) : transport.proto(p.proto());
            case BpfAst.Cast c -> switch (c.proto()) {
                case "ether" -> etherCast(c.broadcast(), c.pos());
                default -> c.broadcast() ? net.broadcast(netmask, c.pos()) : net.multicast(c.proto());
            };
            case BpfAst.Inbound i -> inbound(i.outbound(), i.pos());
            case BpfAst.IfIndex i -> ifindex(i.index(), i.pos());
            case BpfAst.ByteOp b -> byteOp(b);
            case BpfAst.Mpls m -> mpls(m.label(), m.pos());
            case BpfAst.Protochain p -> {
                if (variable || BpfWlan.is80211(dlt)) {
                    throw new BpfLexer.FilterError(p.pos(), "'protochain' not supported with variable length headers");
                }
                yield p.proto() == null ? or(net.protochain(false, p.value()), net.protochain(true, p.value()))
                        : net.protochain(p.proto().equals("ip6"), p.value());
            }
            case BpfAst.Pppoe p -> p.session() ? pppoes(p.id()) : etherType(0x8863);
            case BpfAst.Encap e -> encapsulation(e.vxlan(), e.vni(), e.pos());
            case BpfAst.Llc l -> llc(l.type(), l.pos());
            case BpfAst.Vlan v -> vlan(v.id(), v.pos());
            case BpfAst.Length l -> {
                Node gt = new Test(new PktLen(), l.less() ? JGT : JGE, new Num(l.value()));
                yield l.less() ? not(gt) : gt;
            }
            case BpfAst.ProtoNum p -> net.protoNumber(p.proto(), p.value());
            case BpfAst.EtherProto e -> etherType(e.type());
            case BpfAst.Port p -> transport.ports(p.proto(), p.dir(), p.lo(), p.hi(), p.range());
            case BpfAst.EtherHost h -> {
                if (BpfWlan.is80211(dlt)) {
                    yield wlan.host(h.dir(), h.mac());
                }
                if (BpfWlan.wlanOnly(h.dir())) {
                    throw new BpfLexer.FilterError(h.pos(), BpfWlan.qualifierName(h.dir())
                            + " only supported on 802.11 with 802.11 headers");
                }
                ethernetOnly(h.pos(), "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel");
                yield innerLinkHeader(direction(h.dir(), macTest(offLinkHdr + 6, h.mac()), macTest(offLinkHdr, h.mac())));
            }
            case BpfAst.Ip6Net a -> net.ip6Net(a.dir(), a.words(), a.masks());
            case BpfAst.Ip4Net a -> net.ip4Net(a.proto(), a.dir(), a.addr(), a.mask());
            case BpfAst.DecnetHost d -> net.decnetHost(d.dir(), d.addr());
            case BpfAst.Compare c -> compare(c);
            case BpfAst.FrameControl f -> wlan.frameControl(f, dlt);
            case BpfAst.And a -> throw new AssertionError(a);
            case BpfAst.Or o -> throw new AssertionError(o);
            case BpfAst.Not x -> throw new AssertionError(x);
            case BpfAst.True t -> throw new AssertionError(t);
        };
    }

    // ---- the link layer

    /**
     * Whether the packet is of link-layer protocol {@code type}, an EtherType or (at most 1500) an
     * LLC SAP (libpcap's gen_linktype): the protocol field where the link type has one; the IP
     * version of raw IP; the address family of a loopback header; constant where the link type
     * carries one protocol.
     */
    Node etherType(int type) {
        if (mplsDepth > 0) {
            // gen_mpls_linktype: the bottom-of-stack bit of the last label, then the IP version.
            if (type != ETH_IP && type != ETH_IP6) {
                throw new BpfLexer.FilterError(leafPos, "unsupported protocol over mpls");
            }
            return and(eqMasked(B, nl() - 2, 1, 1), eqMasked(B, nl(), 0xf0, type == ETH_IP ? 0x40 : 0x60));
        }
        if (ppp) {
            return eq(H, linkType(), pppProtocol(type));
        }
        return switch (dlt) {
            case LinkType.RAW -> type == ETH_IP ? eqMasked(B, 0, 0xf0, 0x40)
                    : type == ETH_IP6 ? eqMasked(B, 0, 0xf0, 0x60) : new Bool(false);
            case LinkType.IPV4 -> new Bool(type == ETH_IP);
            case LinkType.IPV6 -> new Bool(type == ETH_IP6);
            case LinkType.NULL, LinkType.LOOP -> loopbackFamily(type);
            case LinkType.IEEE802_11, LinkType.IEEE802_11_RADIOTAP, LinkType.PPI -> wlan.dataFrame(llcType(type, llc()));
            // Cisco HDLC carries EtherTypes; OSI as 0xfefe.
            case LinkType.C_HDLC -> eq(H, linkType(), type == LLCSAP_ISONS ? 0xfefe : type);
            default -> llcOrEtherType(type);
        };
    }

    static final int LLCSAP_IP = 0x06, LLCSAP_ISONS = 0xfe, LLCSAP_NETBEUI = 0xf0, LLCSAP_IPX = 0xe0,
            ETH_ATALK = 0x809b, ETH_AARP = 0x80f3, ETH_IPX = 0x8137, ETHERMTU = 1500;

    /**
     * gen_ether_linktype and gen_linux_sll_linktype: where the type field may hold an 802.3 length
     * (Ethernet: at most 1500) or SLL's LINUX_SLL_P_802_2 (4), an LLC header follows at the
     * network-layer offset; some protocols come either way (IPX, AppleTalk through SNAP).
     */
    private Node llcOrEtherType(int type) {
        int lt = linkType();
        int llc = nl();
        boolean eth = dlt == LinkType.ETHERNET;
        Node isLlc = eth ? not(new Test(BpfIr.abs(H, lt), JGT, new Num(ETHERMTU))) : eq(H, lt, 4);
        return switch (type) {
            case LLCSAP_ISONS, LLCSAP_IP, LLCSAP_NETBEUI -> and(isLlc, eq(H, llc, (type << 8) | type));
            case LLCSAP_IPX -> {
                Node ipxLlc = or(snap(llc, 0, ETH_IPX), eq(B, llc, LLCSAP_IPX));
                if (eth) {
                    ipxLlc = or(snap(llc, 0, ETH_IPX), or(eq(B, llc, LLCSAP_IPX), eq(H, llc, 0xffff)));
                    yield or(eq(H, lt, ETH_IPX), and(isLlc, ipxLlc));
                }
                yield or(eq(H, lt, ETH_IPX), or(eq(H, lt, 1), and(isLlc, ipxLlc)));
            }
            case ETH_ATALK, ETH_AARP -> or(eq(H, lt, type),
                    and(isLlc, type == ETH_ATALK ? snap(llc, 0x080007, ETH_ATALK) : snap(llc, 0, ETH_AARP)));
            // Unsigned, as libpcap compares: ether proto 4294967295 is an EtherType that never matches.
            default -> Integer.compareUnsigned(type, ETHERMTU) <= 0 ? and(isLlc, eq(B, llc, type)) : eq(H, lt, type);
        };
    }

    /**
     * gen_llc_linktype, where every frame has an LLC header at {@code llc}: some SAPs by DSAP and
     * SSAP, IPX by DSAP, AppleTalk by its SNAP header, other SAPs by DSAP, an EtherType where a SNAP
     * header (organization code not checked) has it.
     */
    private static Node llcType(int type, int llc) {
        return switch (type) {
            case LLCSAP_IP, LLCSAP_ISONS, LLCSAP_NETBEUI -> eq(H, llc, (type << 8) | type);
            case LLCSAP_IPX -> eq(B, llc, LLCSAP_IPX);
            case ETH_ATALK -> snap(llc, 0x080007, ETH_ATALK);
            default -> type <= ETHERMTU ? eq(B, llc, type) : eq(H, llc + 6, type);
        };
    }

    /** An LLC SNAP header (AA AA 03, organization code, protocol type) at {@code off}. */
    private static Node snap(int off, int org, int ptype) {
        return and(eq(W, off, 0xaaaa0300 | (org >>> 16)), eq(W, off + 4, ((org & 0xffff) << 16) | ptype));
    }

    /**
     * gen_inbound: the SLL packet type (LINUX_SLL_OUTGOING, 4) where the header has it, the
     * socket's {@code SKF_AD_PKTTYPE} on a live Linux socket; refused on a file of another link type.
     */
    private Node inbound(boolean outbound, int pos) {
        Node out = switch (dlt) {
            case LinkType.LINUX_SLL -> eq(H, 0, 4);
            case LinkType.LINUX_SLL2 -> eq(B, 10, 4);
            default -> {
                if (!linux) {
                    throw new BpfLexer.FilterError(pos, "inbound/outbound not supported on " + describe()
                            + " when reading savefiles");
                }
                yield new Test(new Anc(H, BpfProgram.SKF_AD_PKTTYPE), JEQ, new Num(4));
            }
        };
        return outbound ? out : not(out);
    }

    /** gen_ifindex: SLL2's interface index, or the socket's {@code SKF_AD_IFINDEX} on a live Linux socket. */
    private Node ifindex(int index, int pos) {
        if (dlt == LinkType.LINUX_SLL2) {
            return eq(W, 4, index);
        }
        if (!linux) {
            throw new BpfLexer.FilterError(pos, "ifindex not supported on " + describe() + " when reading savefiles");
        }
        return new Test(new Anc(W, BpfProgram.SKF_AD_IFINDEX), JEQ, new Num(index));
    }

    /** The current link type as libpcap's messages name it ({@code pcap_datalink_val_to_description}). */
    private String describe() {
        return LinkType.description(link).orElse(LinkType.name(link));
    }

    /** gen_byteop: a test of the byte at {@code idx} of the (current) link-layer header. */
    private Node byteOp(BpfAst.ByteOp b) {
        Ar load = BpfWlan.is80211(dlt) ? wlan.link(B, offLinkHdr + b.idx(), new Num(0)) : BpfIr.abs(B, offLinkHdr + b.idx());
        return switch (b.op()) {
            case '=' -> new Test(load, JEQ, new Num(b.value()));
            case '<' -> not(new Test(load, JGE, new Num(b.value())));
            case '>' -> new Test(load, JGT, new Num(b.value()));
            // libpcap: "byte 3 & 4" is true when the bits are not all clear (A op k != 0).
            default -> not(new Test(new Bin(b.op() == '&' ? AND : BpfProgram.OR, load, new Num(b.value())), JEQ, new Num(0)));
        };
    }

    /**
     * libpcap's gen_loopback_linktype: AF_INET is 2 everywhere; IPv6 captures carry the BSDs'
     * AF_INET6 (24, 28 or 30), never Linux's 10. LOOP's family is big-endian; NULL's is in the
     * capturing host's order, taken here as little-endian (what every Linux capture writes).
     */
    private Node loopbackFamily(int type) {
        int[] families = type == ETH_IP ? new int[] {2} : type == ETH_IP6 ? new int[] {30, 24, 28} : new int[0];
        if (families.length == 0) {
            return new Bool(false);
        }
        Node[] tests = new Node[families.length];
        for (int i = 0; i < families.length; i++) {
            tests[i] = eq(W, 0, dlt == LinkType.NULL ? Integer.reverseBytes(families[i]) : families[i]);
        }
        return or(tests);
    }

    /** libpcap's ethertype_to_ppptype: the PPP protocol number carrying what an EtherType or SAP names. */
    private static int pppProtocol(int type) {
        return switch (type) {
            case ETH_IP -> 0x21;
            case ETH_IP6 -> 0x57;
            case 0x6003 -> 0x27; // DECnet
            case ETH_ATALK -> 0x29;
            case 0x0600 -> 0x25; // Xerox NS
            case LLCSAP_ISONS -> 0x23;
            case 0x42 -> 0x31; // spanning tree: bridging PDU
            case LLCSAP_IPX -> 0x2b;
            default -> type;
        };
    }

    /**
     * gen_mpls: the first label needs the MPLS EtherType, a later one that the label before it was
     * not the bottom of the stack; every later network-layer offset moves past the label.
     */
    private Node mpls(int label, int pos) {
        Node n;
        if (mplsDepth > 0) {
            n = eqMasked(B, nl() - 2, 1, 0);
        } else if (link == LinkType.PPP) {
            n = eq(H, linkType(), 0x0281); // PPP_MPLS_UCAST
        } else if (link == LinkType.C_HDLC) {
            n = etherType(0x8847);
        } else {
            ethernetOnly(pos, "no MPLS support for " + describe());
            n = etherType(0x8847);
        }
        if (label >= 0) {
            n = and(n, eqMasked(W, nl(), 0xfffff000, label << 12));
        }
        offNl += 4;
        mplsDepth++;
        labelsHere++;
        return n;
    }

    /** gen_pppoes: a PPPoE session frame (of that session); what follows is PPP, 6 bytes past the PPPoE header start. */
    private Node pppoes(int session) {
        Node n = etherType(0x8864);
        if (session >= 0) {
            n = and(n, eqMasked(W, nl(), 0xffff, session));
        }
        offLinkHdr = nl() + 6;
        offLinkType = offLinkHdr;
        offNl = offLinkHdr + 2;
        ppp = true;
        link = LinkType.PPP;
        return n;
    }

    /**
     * gen_geneve and (libpcap's development branch) gen_vxlan: IPv4 or IPv6 UDP to port 6081 (4789)
     * with a Geneve version 0 (VXLAN flags 0x08) header and, if given, that VNI; on a match the
     * offsets of the encapsulated frame go to three new scratch words: Geneve's header length comes
     * from its option length, and its frame has an Ethernet header only for protocol 0x6558 (else the
     * link type is Geneve's protocol field and the payload follows the header); VXLAN always carries
     * Ethernet. Later primitives read the inner frame through those words. The outer headers may sit
     * at run-time offsets themselves (a live socket's vlan, another tunnel), behind MPLS labels or in
     * PPPoE: the UDP header is found from wherever the network layer is now, as libpcap does.
     */
    private Node encapsulation(boolean vxlan, int vni, int pos) {
        if (dlt != LinkType.ETHERNET) {
            throw new BpfLexer.FilterError(pos, "'" + (vxlan ? "vxlan" : "geneve") + "' is compiled only on Ethernet");
        }
        int first = Math.max(offsetRegs, variable ? 2 : 0);
        if (first + 3 > BpfProgram.MEMORY_WORDS) {
            throw new BpfLexer.FilterError(pos, "too many registers needed to evaluate expression");
        }
        int nl = nl();
        // The network layer's run-time part, if any: a tunnel's payload word, or a live socket vlan's.
        int baseReg = encap ? tagReg(nl) : variable ? LINKPL_REG : -1;
        int base = untag(nl);
        int pl = first;
        int lt = first + 1;
        int hdr = first + 2;
        int port = vxlan ? 4789 : 6081;
        Node[] versions = new Node[2];
        for (int v = 0; v < 2; v++) {
            boolean v6 = v == 1;
            Node check = and(transport.ports(v6, new int[] {17}, Dir.DST, port, port, false), vxlan
                    ? new Test(transport.transportLoad(v6, B, 8), JEQ, new Num(0x08))
                    : new Test(new Bin(AND, transport.transportLoad(v6, B, 8), new Num(0xc0)), JEQ, new Num(0)));
            if (vni >= 0) {
                check = and(check, new Test(new Bin(AND, transport.transportLoad(v6, W, 12), new Num(0xffffff00)), JEQ,
                        new Num(vni << 8)));
            }
            List<BpfInstruction> s = new ArrayList<>(ipHeaderEnd(v6, baseReg, base));
            s.add(BpfInstruction.stmt(ALU | ADD | K, base + 8)); // where the tunnel header starts
            Node rest;
            if (vxlan) {
                s.add(BpfInstruction.stmt(ALU | ADD | K, 8));
                s.add(BpfInstruction.stmt(ST, hdr));
                s.add(BpfInstruction.stmt(ALU | ADD | K, 12));
                s.add(BpfInstruction.stmt(ST, lt));
                s.add(BpfInstruction.stmt(ALU | ADD | K, 2));
                s.add(BpfInstruction.stmt(ST, pl));
                rest = new Bool(true);
            } else {
                s.add(BpfInstruction.stmt(BpfProgram.MISC | BpfProgram.TAX, 0));
                s.add(BpfInstruction.stmt(ALU | ADD | K, 2));
                s.add(BpfInstruction.stmt(ST, lt)); // the protocol field, unless Ethernet follows
                s.add(BpfInstruction.stmt(LD | B | BpfProgram.IND, 0));
                s.add(BpfInstruction.stmt(ALU | AND | K, 0x3f));
                s.add(BpfInstruction.stmt(ALU | BpfProgram.MUL | K, 4));
                s.add(BpfInstruction.stmt(ALU | ADD | K, 8));
                s.add(BpfInstruction.stmt(ALU | ADD | BpfProgram.X, 0));
                s.add(BpfInstruction.stmt(ST, hdr));
                s.add(BpfInstruction.stmt(ST, pl));
                List<BpfInstruction> ethernet = List.of(BpfInstruction.stmt(LD | MEM, hdr),
                        BpfInstruction.stmt(ALU | ADD | K, 12), BpfInstruction.stmt(ST, lt),
                        BpfInstruction.stmt(ALU | ADD | K, 2), BpfInstruction.stmt(ST, pl));
                Node teb = new Test(new Load(H, 0, -1, new Num(0), lt), JEQ, new Num(0x6558));
                rest = or(and(teb, new Prefixed(ethernet, new Bool(true))), new Bool(true));
            }
            versions[v] = and(check, new Prefixed(List.copyOf(s), rest));
        }
        encap = true;
        variable = true;
        offsetRegs = first + 3;
        plReg = pl;
        ltReg = lt;
        hdrReg = hdr;
        // What follows is Ethernet (or a bare network layer Geneve names), even inside PPPoE; MPLS
        // labels stay counted, as libpcap keeps its label depth.
        ppp = false;
        link = LinkType.ETHERNET;
        labelsHere = 0;
        offLinkHdr = tagged(hdr, 0);
        offLinkType = tagged(lt, 0);
        offNl = tagged(pl, 0);
        return or(versions[0], versions[1]);
    }

    /**
     * Statements leaving in A the run-time part of the network layer's offset plus the IP header's
     * length (libpcap's gen_loadx_iphdrlen; 40 for IPv6): with no run-time part, {@code ldxb 4*([k]&0xf)}.
     */
    private static List<BpfInstruction> ipHeaderEnd(boolean v6, int reg, int nl) {
        if (reg < 0) {
            return v6 ? List.of(BpfInstruction.stmt(LD | BpfProgram.IMM, 40))
                    : List.of(BpfInstruction.stmt(BpfProgram.LDX | B | BpfProgram.MSH, nl),
                            BpfInstruction.stmt(BpfProgram.MISC | BpfProgram.TXA, 0));
        }
        if (v6) {
            return List.of(BpfInstruction.stmt(BpfProgram.LDX | MEM, reg), BpfInstruction.stmt(LD | BpfProgram.IMM, 40),
                    BpfInstruction.stmt(ALU | ADD | BpfProgram.X, 0));
        }
        return List.of(BpfInstruction.stmt(BpfProgram.LDX | MEM, reg), BpfInstruction.stmt(LD | B | BpfProgram.IND, nl),
                BpfInstruction.stmt(ALU | AND | K, 0xf), BpfInstruction.stmt(ALU | BpfProgram.LSH | K, 2),
                BpfInstruction.stmt(ALU | ADD | BpfProgram.X, 0));
    }

    /** An offset of {@code constant} past the run-time offset in scratch word {@code reg}, until relocated. */
    private static int tagged(int reg, int constant) {
        return ((reg + 1) << TAG_SHIFT) + constant;
    }

    /** The scratch word a {@link #tagged} offset is relative to, or -1 for a fixed offset. */
    private static int tagReg(int off) {
        return ((off + (1 << (TAG_SHIFT - 1))) >> TAG_SHIFT) - 1;
    }

    /** The constant part of a (maybe {@link #tagged}) offset; it may be negative (the MPLS label before the payload). */
    private static int untag(int off) {
        int reg = tagReg(off);
        return reg < 0 ? off : off - ((reg + 1) << TAG_SHIFT);
    }

    /**
     * libpcap's gen_prevlinkhdr_check after geneve or vxlan: Ethernet addresses are tested only when
     * the encapsulated frame has an Ethernet header (its link header and payload offsets differ).
     */
    private Node innerLinkHeader(Node n) {
        if (!encap) {
            return n;
        }
        return and(not(new Test(new BpfIr.Mem(hdrReg), JEQ, new BpfIr.Mem(plReg))), n);
    }

    /** A node lowered after geneve or vxlan: its tagged offsets become loads relative to their scratch words. */
    private static Node relocateEncap(Node n) {
        return switch (n) {
            case Test t -> new Test(relocateEncap(t.lhs()), t.jop(), relocateEncap(t.rhs()));
            case BpfIr.AndN a -> new BpfIr.AndN(relocateEncap(a.a()), relocateEncap(a.b()));
            case BpfIr.OrN o -> new BpfIr.OrN(relocateEncap(o.a()), relocateEncap(o.b()));
            case BpfIr.NotN x -> new BpfIr.NotN(relocateEncap(x.a()));
            case Prefixed p -> new Prefixed(p.stmts(), relocateEncap(p.n()));
            case Bool b -> b;
            case BpfIr.Chain c -> c;
        };
    }

    private static Ar relocateEncap(Ar e) {
        return switch (e) {
            case Load l when l.var() < 0 && tagReg(l.base()) >= 0 -> new Load(l.size(), untag(l.base()),
                    l.msh() < 0 ? -1 : untag(l.msh()), relocateEncap(l.idx()), tagReg(l.base()));
            case Load l -> new Load(l.size(), l.base(), l.msh(), relocateEncap(l.idx()), l.var());
            case Bin b -> new Bin(b.op(), relocateEncap(b.left()), relocateEncap(b.right()));
            case Neg x -> new Neg(relocateEncap(x.e()));
            default -> e;
        };
    }

    /** gen_llc and its frame types: an 802.3 frame whose LLC header is not Novell's raw 0xffff. */
    private Node llc(String type, int pos) {
        if (link != LinkType.ETHERNET) {
            throw new BpfLexer.FilterError(pos, "'llc' not supported for " + describe());
        }
        int llc = llc();
        Node is = and(not(new Test(BpfIr.abs(H, linkType()), JGT, new Num(ETHERMTU))), not(eq(H, llc, 0xffff)));
        if (type == null) {
            return is;
        }
        Node frame = switch (type) {
            case "i" -> not(new Test(BpfIr.abs(B, llc + 2), JSET, new Num(1)));
            case "s" -> eqMasked(B, llc + 2, 0x03, 1);
            case "u" -> eqMasked(B, llc + 2, 0x03, 3);
            case "rr" -> eqMasked(B, llc + 2, 0x0f, 0x01);
            case "rnr" -> eqMasked(B, llc + 2, 0x0f, 0x05);
            case "rej" -> eqMasked(B, llc + 2, 0x0f, 0x09);
            default -> eqMasked(B, llc + 2, 0xef, switch (type) {
                case "ui" -> 0x03;
                case "ua" -> 0x63;
                case "disc" -> 0x43;
                case "dm" -> 0x0f;
                case "sabme" -> 0x6f;
                case "test" -> 0xe3;
                case "xid" -> 0xaf;
                default -> 0x87; // frmr
            });
        };
        return and(is, frame);
    }

    /** Refuses, at {@code pos}, a keyword that needs an Ethernet header. */
    private void ethernetOnly(int pos, String message) {
        if (link != LinkType.ETHERNET) {
            throw new BpfLexer.FilterError(pos, message);
        }
    }

    private Node etherCast(boolean broadcast, int pos) {
        if (BpfWlan.is80211(dlt)) {
            return broadcast ? wlan.broadcast() : wlan.multicast();
        }
        ethernetOnly(pos, broadcast ? "not a broadcast link" : "link-layer multicast filters supported only on"
                + " ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel");
        return innerLinkHeader(broadcast
                ? and(eq(W, offLinkHdr + 2, 0xffffffff), eq(H, offLinkHdr, 0xffff))
                : new Test(BpfIr.abs(B, offLinkHdr), JSET, new Num(1)));
    }

    private static Node macTest(int off, byte[] m) {
        int tail = ((m[2] & 0xff) << 24) | ((m[3] & 0xff) << 16) | ((m[4] & 0xff) << 8) | (m[5] & 0xff);
        int head = ((m[0] & 0xff) << 8) | (m[1] & 0xff);
        return and(eq(W, off + 2, tail), eq(H, off, head));
    }

    private Node vlan(int id, int pos) {
        if (BpfWlan.is80211(dlt) && dlt != LinkType.PPI) { // libpcap 1.10 has no VLAN on PPI
            // In the LLC/SNAP header: the tag's type where the EtherType is, the TCI where the payload starts.
            Node tpid = or(etherType(0x8100), etherType(0x88a8), etherType(0x9100));
            Node n = id < 0 ? tpid : and(tpid, eqMasked(H, nl(), 0x0fff, id));
            vlans++;
            offNl += 4;
            return n;
        }
        ethernetOnly(pos, "no VLAN support for " + describe());
        if (mplsDepth > 0) {
            throw new BpfLexer.FilterError(pos, "no VLAN match after MPLS");
        }
        Node tpid = or(eq(H, linkType(), 0x8100), eq(H, linkType(), 0x88a8), eq(H, linkType(), 0x9100));
        boolean first = vlans++ == 0;
        if (linux && first && !encap) {
            return linuxVlan(tpid, id);
        }
        // The TCI at the payload's start, as libpcap reads it: right after the type field, except after
        // a Geneve header without an Ethernet frame, where the type is Geneve's protocol field.
        Node n = id < 0 ? tpid : and(tpid, eqMasked(H, nl(), 0x0fff, id));
        offLinkType += 4;
        offNl += 4;
        return n;
    }

    /**
     * The first vlan on a live Linux socket, shaped as libpcap's {@code gen_vlan_bpf_extensions}:
     * a tag in the metadata passes at once and leaves the offsets alone; otherwise both run-time
     * offsets grow by 4 and the tag must be in the packet. The id test reads the TCI from where
     * the tag was found. The offsets start at 0 (the program's prologue, see {@link BpfEmitter}).
     */
    private Node linuxVlan(Node tpidInPacket, int id) {
        variable = true;
        Node present = new Test(new Anc(B, BpfProgram.SKF_AD_VLAN_TAG_PRESENT), JEQ, new Num(1));
        List<BpfInstruction> grow = new ArrayList<>();
        for (int reg : new int[] {LINKPL_REG, LINKTYPE_REG}) {
            grow.add(BpfInstruction.stmt(LD | MEM, reg));
            grow.add(BpfInstruction.stmt(ALU | ADD | K, 4));
            grow.add(BpfInstruction.stmt(ST, reg));
        }
        Node n = or(present, new Prefixed(List.copyOf(grow), tpidInPacket));
        if (id >= 0) {
            n = and(n, new Test(new Bin(AND, new VlanTci(nl()), new Num(0x0fff)), JEQ, new Num(id)));
        }
        return n;
    }

    /**
     * The node with its network-layer and link-type loads made relative to the run-time offsets,
     * once a LINUX_SOCKET vlan made them variable (libpcap's {@code gen_abs_offset_varpart}). A
     * load's base tells its layer: below 12 the link-layer header (MAC addresses, {@code ether[]}),
     * which never moves; exactly the link type's offset; else the payload.
     */
    private static Node relocate(Node n, int linkType) {
        return switch (n) {
            case Test t -> new Test(relocate(t.lhs(), linkType), t.jop(), relocate(t.rhs(), linkType));
            case BpfIr.AndN a -> new BpfIr.AndN(relocate(a.a(), linkType), relocate(a.b(), linkType));
            case BpfIr.OrN o -> new BpfIr.OrN(relocate(o.a(), linkType), relocate(o.b(), linkType));
            case BpfIr.NotN x -> new BpfIr.NotN(relocate(x.a(), linkType));
            case Prefixed p -> new Prefixed(p.stmts(), relocate(p.n(), linkType));
            case Bool b -> b;
            case BpfIr.Chain c -> c;
        };
    }

    private static Ar relocate(Ar e, int linkType) {
        return switch (e) {
            case Load l when l.var() < 0 && l.base() >= 12 -> new Load(l.size(), l.base(), l.msh(),
                    relocate(l.idx(), linkType), l.base() == linkType && l.msh() < 0 ? LINKTYPE_REG : LINKPL_REG);
            case Load l -> new Load(l.size(), l.base(), l.msh(), relocate(l.idx(), linkType), l.var());
            case Bin b -> new Bin(b.op(), relocate(b.left(), linkType), relocate(b.right(), linkType));
            case Neg x -> new Neg(relocate(x.e(), linkType));
            case Num n -> n;
            case PktLen p -> p;
            case Anc a -> a;
            case VlanTci v -> v;
            case BpfIr.Mem m -> m;
        };
    }

    // ---- shared by the layers

    static Node direction(Dir dir, Node src, Node dst) {
        return switch (dir) {
            case SRC -> src;
            case DST -> dst;
            case AND -> and(src, dst);
            case DEFAULT, OR -> or(src, dst);
            case ADDR1, ADDR2, ADDR3, ADDR4, RA, TA -> throw new IllegalArgumentException("bad pcap filter: "
                    + BpfWlan.qualifierName(dir) + " are not valid qualifiers for addresses other than 802.11 MAC addresses");
        };
    }

    // ---- comparisons: arithmetic over packet bytes, each load guarded by its protocol test

    private Node compare(BpfAst.Compare c) {
        List<Node> checks = new ArrayList<>();
        Ar l = arith(c.left(), checks);
        Ar r = arith(c.right(), checks);
        Node cmp = switch (c.op()) {
            case ">" -> new Test(l, JGT, r);
            case ">=" -> new Test(l, JGE, r);
            case "<" -> not(new Test(l, JGE, r));
            case "<=" -> not(new Test(l, JGT, r));
            case "!=" -> not(new Test(l, JEQ, r));
            default -> new Test(l, JEQ, r);
        };
        checks.add(cmp);
        return and(checks.toArray(Node[]::new));
    }

    /** The arithmetic, adding to {@code checks} the protocol tests its loads need, in the order written. */
    private Ar arith(BpfAst.Arith e, List<Node> checks) {
        return switch (e) {
            case BpfAst.Const k -> new Num(k.value());
            case BpfAst.Len l -> new PktLen();
            case BpfAst.Minus m -> new Neg(arith(m.e(), checks));
            case BpfAst.Op o -> {
                Ar l = arith(o.left(), checks);
                yield new Bin(o.op(), l, arith(o.right(), checks));
            }
            case BpfAst.PacketLoad p -> {
                Ar idx = arith(p.idx(), checks);
                yield switch (p.proto()) {
                    case "ether" -> BpfWlan.is80211(dlt) ? wlan.link(p.size(), offLinkHdr, idx) : new Load(p.size(), offLinkHdr, -1, idx);
                    case String s when BpfNetGen.isNetwork(s) -> net.load(s, p.size(), idx, checks);
                    default -> transport.load(p.proto(), p.size(), idx, checks);
                };
            }
        };
    }
}
