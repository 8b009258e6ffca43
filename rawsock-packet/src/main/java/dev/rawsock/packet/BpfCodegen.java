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
    private final int offLinkType;
    private final int offNl;
    /** For a live Linux socket: the first vlan tests metadata and packet, later offsets vary at run time. */
    private final boolean linux;
    /** VLAN primitives lowered so far. */
    private int vlans;
    /** Of them, those that move later offsets by a constant 4 bytes (all, offline). */
    private int shift;
    /** Whether some offsets depend on M[LINKPL]/M[LINKTYPE] (a LINUX_SOCKET vlan was compiled). */
    private boolean variable;

    final BpfNetGen net = new BpfNetGen(this);
    final BpfTransportGen transport = new BpfTransportGen(this);

    /**
     * @throws IllegalArgumentException for a link type this compiler has no offsets for
     */
    BpfCodegen(int linkType, BpfProgram.Options options) {
        this.dlt = linkType;
        this.linux = options.target() == BpfProgram.Target.LINUX_SOCKET;
        // libpcap's init_linktype: off_linktype and off_nl (off_linkpl + off_nl) per link type.
        int[] offs = switch (linkType) {
            case LinkType.ETHERNET -> new int[] {12, 14};
            case LinkType.LINUX_SLL -> new int[] {14, 16};
            case LinkType.LINUX_SLL2 -> new int[] {0, 20};
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> new int[] {-1, 0};
            case LinkType.NULL, LinkType.LOOP -> new int[] {-1, 4};
            default -> throw new IllegalArgumentException("the filter compiler does not support link type "
                    + LinkType.name(linkType) + " (" + linkType + "); it supports EN10MB, RAW, IPV4, IPV6, LINUX_SLL,"
                    + " LINUX_SLL2, NULL and LOOP");
        };
        this.offLinkType = offs[0];
        this.offNl = offs[1];
    }

    /** Whether the code needs M[LINKPL]/M[LINKTYPE] set up in a prologue. */
    boolean variable() {
        return variable;
    }

    /** Where the network-layer header starts. */
    int nl() {
        return offNl + 4 * shift;
    }

    /** Where the link-layer protocol (EtherType) field is. */
    private int linkType() {
        return offLinkType + 4 * shift;
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
        boolean wasVariable = variable;
        int linkType = linkType(); // before a vlan here moves it
        Node lowered = primitive(n);
        return wasVariable ? relocate(lowered, linkType) : lowered;
    }

    private Node primitive(BpfAst n) {
        return switch (n) {
            case BpfAst.Proto p -> switch (p.proto()) {
                case "ip", "ip6", "arp", "rarp" -> net.proto(p.proto());
                default -> transport.proto(p.proto());
            };
            case BpfAst.Cast c -> c.proto().equals("ether") ? etherCast(c.broadcast(), c.pos()) : net.multicast(c.proto());
            case BpfAst.Vlan v -> vlan(v.id(), v.pos());
            case BpfAst.Length l -> {
                Node gt = new Test(new PktLen(), l.less() ? JGT : JGE, new Num(l.value()));
                yield l.less() ? not(gt) : gt;
            }
            case BpfAst.ProtoNum p -> net.protoNumber(p.proto(), p.value());
            case BpfAst.EtherProto e -> etherType(e.type());
            case BpfAst.Port p -> transport.ports(p.proto(), p.dir(), p.lo(), p.hi(), p.range());
            case BpfAst.EtherHost h -> {
                ethernetOnly(h.pos(), "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel");
                yield direction(h.dir(), macTest(6, h.mac()), macTest(0, h.mac()));
            }
            case BpfAst.Ip6Net a -> net.ip6Net(a.dir(), a.words(), a.masks());
            case BpfAst.Ip4Net a -> net.ip4Net(a.proto(), a.dir(), a.addr(), a.mask());
            case BpfAst.Compare c -> compare(c);
            case BpfAst.And a -> throw new AssertionError(a);
            case BpfAst.Or o -> throw new AssertionError(o);
            case BpfAst.Not x -> throw new AssertionError(x);
            case BpfAst.True t -> throw new AssertionError(t);
        };
    }

    // ---- the link layer

    /**
     * Whether the packet is of link-layer protocol {@code type}, an EtherType (libpcap's
     * gen_linktype): the protocol field where the link type has one; the IP version of raw IP;
     * the address family of a loopback header; constant where the link type carries one protocol.
     */
    Node etherType(int type) {
        return switch (dlt) {
            case LinkType.RAW -> type == ETH_IP ? eqMasked(B, 0, 0xf0, 0x40)
                    : type == ETH_IP6 ? eqMasked(B, 0, 0xf0, 0x60) : new Bool(false);
            case LinkType.IPV4 -> new Bool(type == ETH_IP);
            case LinkType.IPV6 -> new Bool(type == ETH_IP6);
            case LinkType.NULL, LinkType.LOOP -> loopbackFamily(type);
            default -> eq(H, linkType(), type);
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

    /** Refuses, at {@code pos}, a keyword that needs an Ethernet header. */
    private void ethernetOnly(int pos, String message) {
        if (dlt != LinkType.ETHERNET) {
            throw new BpfLexer.FilterError(pos, message);
        }
    }

    private Node etherCast(boolean broadcast, int pos) {
        ethernetOnly(pos, broadcast ? "not a broadcast link" : "link-layer multicast filters supported only on"
                + " ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel");
        return broadcast
                ? and(eq(W, 2, 0xffffffff), eq(H, 0, 0xffff))
                : new Test(BpfIr.abs(B, 0), JSET, new Num(1));
    }

    private static Node macTest(int off, byte[] m) {
        int tail = ((m[2] & 0xff) << 24) | ((m[3] & 0xff) << 16) | ((m[4] & 0xff) << 8) | (m[5] & 0xff);
        int head = ((m[0] & 0xff) << 8) | (m[1] & 0xff);
        return and(eq(W, off + 2, tail), eq(H, off, head));
    }

    private Node vlan(int id, int pos) {
        ethernetOnly(pos, "no VLAN support for " + LinkType.description(dlt).orElse(LinkType.name(dlt)));
        Node tpid = or(eq(H, linkType(), 0x8100), eq(H, linkType(), 0x88a8), eq(H, linkType(), 0x9100));
        boolean first = vlans++ == 0;
        if (linux && first) {
            return linuxVlan(tpid, id);
        }
        Node n = id < 0 ? tpid : and(tpid, eqMasked(H, linkType() + 2, 0x0fff, id));
        shift++;
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
        };
    }

    // ---- shared by the layers

    static Node direction(Dir dir, Node src, Node dst) {
        return switch (dir) {
            case SRC -> src;
            case DST -> dst;
            case AND -> and(src, dst);
            case DEFAULT, OR -> or(src, dst);
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
                    case "ether" -> new Load(p.size(), 0, -1, idx);
                    case "ip", "ip6", "arp", "rarp" -> net.load(p.proto(), p.size(), idx, checks);
                    default -> transport.load(p.proto(), p.size(), idx, checks);
                };
            }
        };
    }
}
