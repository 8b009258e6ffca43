package dev.rawsock.packet;

import static dev.rawsock.packet.BpfCodegen.ETH_ARP;
import static dev.rawsock.packet.BpfCodegen.ETH_IP;
import static dev.rawsock.packet.BpfCodegen.ETH_IP6;
import static dev.rawsock.packet.BpfCodegen.ETH_RARP;
import static dev.rawsock.packet.BpfCodegen.direction;
import static dev.rawsock.packet.BpfIr.and;
import static dev.rawsock.packet.BpfIr.eq;
import static dev.rawsock.packet.BpfIr.eqMasked;
import static dev.rawsock.packet.BpfIr.or;
import static dev.rawsock.packet.BpfProgram.B;
import static dev.rawsock.packet.BpfProgram.JGE;
import static dev.rawsock.packet.BpfProgram.W;

import dev.rawsock.packet.BpfAst.Dir;
import dev.rawsock.packet.BpfIr.Ar;
import dev.rawsock.packet.BpfIr.Bool;
import dev.rawsock.packet.BpfIr.Load;
import dev.rawsock.packet.BpfIr.Node;
import dev.rawsock.packet.BpfIr.Num;
import dev.rawsock.packet.BpfIr.Test;
import java.util.ArrayList;
import java.util.List;

/**
 * Code generation for the network layer: IPv4, IPv6, ARP and RARP (hosts, networks, protocol
 * numbers, multicast, {@code ip[]}-style loads), at the offset {@link BpfCodegen#nl()} gives.
 */
final class BpfNetGen {
    private final BpfCodegen g;

    BpfNetGen(BpfCodegen g) {
        this.g = g;
    }

    /** The protocols named by what carries them at the link layer (an EtherType or LLC SAP), as libpcap's gen_proto_abbrev. */
    private static final java.util.Map<String, Integer> LINK_PROTOS = java.util.Map.ofEntries(
            java.util.Map.entry("ip", ETH_IP), java.util.Map.entry("ip6", ETH_IP6), java.util.Map.entry("arp", ETH_ARP),
            java.util.Map.entry("rarp", ETH_RARP), java.util.Map.entry("atalk", BpfCodegen.ETH_ATALK),
            java.util.Map.entry("aarp", BpfCodegen.ETH_AARP), java.util.Map.entry("decnet", 0x6003),
            java.util.Map.entry("sca", 0x6007), java.util.Map.entry("lat", 0x6004), java.util.Map.entry("mopdl", 0x6001),
            java.util.Map.entry("moprc", 0x6002), java.util.Map.entry("iso", BpfCodegen.LLCSAP_ISONS),
            java.util.Map.entry("stp", 0x42), java.util.Map.entry("ipx", BpfCodegen.LLCSAP_IPX),
            java.util.Map.entry("netbeui", BpfCodegen.LLCSAP_NETBEUI));

    /** Whether a protocol name is one this layer tests (by its link-layer type, or the ISO NLPID under it). */
    static boolean isNetwork(String proto) {
        return LINK_PROTOS.containsKey(proto) || ISO_PROTOS.containsKey(proto) || ISIS_PDUS.containsKey(proto);
    }

    /** ISO network-layer protocol ids (NLPID) named by keywords: CLNP, ES-IS, IS-IS. */
    private static final java.util.Map<String, Integer> ISO_PROTOS = java.util.Map.of("clnp", 0x81, "esis", 0x82,
            "isis", 0x83);

    /** IS-IS PDU types each keyword covers (gen_proto_abbrev): level 1 and 2 hellos, LSPs, CSNPs, PSNPs. */
    private static final java.util.Map<String, int[]> ISIS_PDUS = java.util.Map.of(
            "l1", new int[] {15, 17, 18, 24, 26}, "l2", new int[] {16, 17, 20, 25, 27}, "iih", new int[] {15, 16, 17},
            "lsp", new int[] {18, 20}, "snp", new int[] {24, 25, 26, 27}, "csnp", new int[] {24, 25},
            "psnp", new int[] {26, 27});

    /** {@code iso proto N}: an OSI frame (LLC SAP 0xfe) whose NLPID, after the 3-byte LLC header, is N. */
    private Node isoProto(int nlpid) {
        return and(g.etherType(BpfCodegen.LLCSAP_ISONS), eq(B, g.isoNlpid(), nlpid));
    }

    /** {@code isis proto N}: an IS-IS PDU of type N (the type is 4 bytes into the IS-IS header). */
    private Node isisPdu(int type) {
        return and(isoProto(0x83), eq(B, g.nosnap() + 4, type));
    }

    /** {@code ip}, {@code ip6}, {@code arp}, {@code decnet}, {@code stp}, ... alone. */
    Node proto(String proto) {
        if (ISO_PROTOS.containsKey(proto)) {
            return isoProto(ISO_PROTOS.get(proto));
        }
        if (ISIS_PDUS.containsKey(proto)) {
            int[] types = ISIS_PDUS.get(proto);
            Node n = isisPdu(types[0]);
            for (int i = 1; i < types.length; i++) {
                n = or(n, isisPdu(types[i]));
            }
            return n;
        }
        return g.etherType(LINK_PROTOS.get(proto));
    }

    /**
     * {@code ip broadcast}: the destination's host part all zeros or all ones under the caller's
     * netmask (libpcap's gen_broadcast), refused as libpcap refuses it when the netmask is unknown.
     */
    Node broadcast(int netmask, int pos) {
        if (netmask == BpfProgram.Options.NETMASK_UNKNOWN) {
            throw new BpfLexer.FilterError(pos, "netmask not known, so 'ip broadcast' not supported");
        }
        int hostmask = ~netmask;
        int dst = g.nl() + 16;
        return and(g.etherType(ETH_IP), or(eqMasked(W, dst, hostmask, 0), eqMasked(W, dst, hostmask, hostmask)));
    }

    /** {@code ip multicast} or {@code ip6 multicast}. */
    Node multicast(String proto) {
        return proto.equals("ip")
                ? and(g.etherType(ETH_IP), new Test(BpfIr.abs(B, g.nl() + 16), JGE, new Num(224)))
                : and(g.etherType(ETH_IP6), eq(B, g.nl() + 24, 255));
    }

    /** {@code [ip|ip6] proto N}; proto null for both. */
    Node protoNumber(String proto, int value) {
        if (proto == null) {
            return or(ipProto(value), ip6Proto(value));
        }
        return switch (proto) {
            case "ip" -> ipProto(value);
            case "iso" -> isoProto(value);
            case "isis" -> isisPdu(value);
            default -> ip6Proto(value);
        };
    }

    Node ipProto(int proto) {
        return and(g.etherType(ETH_IP), eq(B, g.nl() + 9, proto));
    }

    /** IPv6 next header, looking through one fragment header as libpcap's gen_proto does. */
    Node ip6Proto(int proto) {
        int nl = g.nl();
        return and(g.etherType(ETH_IP6), or(eq(B, nl + 6, proto), and(eq(B, nl + 6, 44), eq(B, nl + 40, proto))));
    }

    /**
     * An IPv4 host or network; proto null covers IPv4, ARP and RARP as libpcap's gen_host does,
     * only IPv4 under an MPLS label (which says nothing of ARP).
     */
    Node ip4Net(String proto, Dir dir, int addr, int mask) {
        if (proto == null && g.underMpls()) {
            return ip4Net(ETH_IP, 12, 16, dir, addr, mask);
        }
        if (proto == null) {
            return or(ip4Net(ETH_IP, 12, 16, dir, addr, mask), ip4Net(ETH_ARP, 14, 24, dir, addr, mask),
                    ip4Net(ETH_RARP, 14, 24, dir, addr, mask));
        }
        return switch (proto) {
            case "ip" -> ip4Net(ETH_IP, 12, 16, dir, addr, mask);
            case "arp" -> ip4Net(ETH_ARP, 14, 24, dir, addr, mask);
            default -> ip4Net(ETH_RARP, 14, 24, dir, addr, mask);
        };
    }

    private Node ip4Net(int etherType, int srcOff, int dstOff, Dir dir, int addr, int mask) {
        int nl = g.nl();
        return and(g.etherType(etherType),
                direction(dir, eqMasked(W, nl + srcOff, mask, addr), eqMasked(W, nl + dstOff, mask, addr)));
    }

    Node ip6Net(Dir dir, int[] words, int[] masks) {
        int nl = g.nl();
        return and(g.etherType(ETH_IP6), direction(dir, ip6Words(nl + 8, words, masks), ip6Words(nl + 24, words, masks)));
    }

    private static Node ip6Words(int off, int[] words, int[] masks) {
        List<Node> tests = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            if (masks[w] != 0) {
                tests.add(eqMasked(W, off + 4 * w, masks[w], words[w]));
            }
        }
        return tests.isEmpty() ? new Bool(true) : and(tests.toArray(Node[]::new));
    }

    /**
     * gen_dnhostop: a DECnet data packet from or to {@code addr}, with or without one byte of padding
     * before the route header, in its long or short form; the address is little-endian on the wire.
     * Other DECnet packet formats are not matched, as in libpcap.
     */
    Node decnetHost(Dir dir, int addr) {
        if (dir == Dir.AND) {
            return and(decnetHost(Dir.SRC, addr), decnetHost(Dir.DST, addr));
        }
        if (dir == Dir.DEFAULT || dir == Dir.OR) {
            return or(decnetHost(Dir.SRC, addr), decnetHost(Dir.DST, addr));
        }
        int sh = dir == Dir.DST ? 1 : 3;
        int lh = dir == Dir.DST ? 7 : 15;
        int pl = g.nl(); // libpcap's OR_LINKPL: past any LLC/SNAP header
        int swapped = Short.toUnsignedInt(Short.reverseBytes((short) addr));
        Node longPad = and(eqMasked(BpfProgram.H, pl + 2, 0xff07, 0x8106), eq(BpfProgram.H, pl + 2 + 1 + lh, swapped));
        Node longNoPad = and(eqMasked(B, pl + 2, 0x07, 0x06), eq(BpfProgram.H, pl + 2 + lh, swapped));
        Node shortPad = and(eqMasked(BpfProgram.H, pl + 2, 0xff07, 0x8102), eq(BpfProgram.H, pl + 2 + 1 + sh, swapped));
        Node shortNoPad = and(eqMasked(B, pl + 2, 0x07, 0x02), eq(BpfProgram.H, pl + 2 + sh, swapped));
        return and(g.etherType(0x6003), or(shortNoPad, shortPad, longNoPad, longPad));
    }

    /**
     * gen_protochain, instruction for instruction (its quirks included, such as an AH header
     * setting X to its own length rather than adding it): walk the header chain from the IPv4
     * protocol or IPv6 next header, through IPv6 hop-by-hop, destination, routing and fragment
     * headers and AH, looping back (a backward {@code ja}: user space only) until the protocol is
     * found or none is left. Scratch word 15 holds the next header across a step.
     */
    Node protochain(boolean v6, int value) {
        int nl = g.nl();
        int reg = BpfProgram.MEMORY_WORDS - 1;
        List<int[]> c = new ArrayList<>(); // {code, jt target, jf target, k}: targets are indices, fixed below
        int ldb = BpfProgram.LD | B | BpfProgram.ABS;
        int ldbInd = BpfProgram.LD | B | BpfProgram.IND;
        int jeq = BpfProgram.JMP | BpfProgram.JEQ | BpfProgram.K;
        int alu = BpfProgram.ALU;
        int tax = BpfProgram.MISC | BpfProgram.TAX;
        int txa = BpfProgram.MISC | BpfProgram.TXA;
        final int end = -1;
        final int next = -2;
        if (v6) {
            c.add(new int[] {ldb, 0, 0, nl + 6});
            c.add(new int[] {BpfProgram.LDX | BpfProgram.IMM, 0, 0, 40});
        } else {
            c.add(new int[] {ldb, 0, 0, nl + 9});
            c.add(new int[] {BpfProgram.LDX | B | BpfProgram.MSH, 0, 0, nl});
        }
        int again = c.size();
        c.add(new int[] {jeq, end, next, value});
        c.add(new int[] {jeq, end, next, 59}); // IPPROTO_NONE
        int ahcheck;
        if (v6) {
            int advance = c.size() + 4;
            ahcheck = advance + 9;
            for (int hdr : new int[] {0, 60, 43}) { // hop-by-hop, destination options, routing
                c.add(new int[] {jeq, advance, next, hdr});
            }
            c.add(new int[] {jeq, advance, ahcheck, 44}); // fragment
            c.add(new int[] {ldbInd, 0, 0, nl});
            c.add(new int[] {BpfProgram.ST, 0, 0, reg});
            c.add(new int[] {ldbInd, 0, 0, nl + 1});
            c.add(new int[] {alu | BpfProgram.ADD | BpfProgram.K, 0, 0, 1});
            c.add(new int[] {alu | BpfProgram.MUL | BpfProgram.K, 0, 0, 8});
            c.add(new int[] {alu | BpfProgram.ADD | BpfProgram.X, 0, 0, 0});
            c.add(new int[] {tax, 0, 0, 0});
            c.add(new int[] {BpfProgram.LD | BpfProgram.MEM, 0, 0, reg});
            c.add(new int[] {BpfProgram.JMP | BpfProgram.JA, 0, 0, again - c.size() - 1});
        } else {
            c.add(new int[] {alu | BpfProgram.ADD | BpfProgram.K, 0, 0, 0});
            ahcheck = c.size();
        }
        c.add(new int[] {jeq, next, end, 51}); // AH
        c.add(new int[] {txa, 0, 0, 0});
        c.add(new int[] {ldbInd, 0, 0, nl});
        c.add(new int[] {BpfProgram.ST, 0, 0, reg});
        c.add(new int[] {txa, 0, 0, 0});
        c.add(new int[] {alu | BpfProgram.ADD | BpfProgram.K, 0, 0, 1});
        c.add(new int[] {tax, 0, 0, 0});
        c.add(new int[] {ldbInd, 0, 0, nl});
        c.add(new int[] {alu | BpfProgram.ADD | BpfProgram.K, 0, 0, 2});
        c.add(new int[] {alu | BpfProgram.MUL | BpfProgram.K, 0, 0, 4});
        c.add(new int[] {tax, 0, 0, 0});
        c.add(new int[] {BpfProgram.LD | BpfProgram.MEM, 0, 0, reg});
        c.add(new int[] {BpfProgram.JMP | BpfProgram.JA, 0, 0, again - c.size() - 1});
        int endAt = c.size();
        c.add(new int[] {alu | BpfProgram.ADD | BpfProgram.K, 0, 0, 0});
        List<BpfInstruction> code = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            int[] in = c.get(i);
            if ((in[0] & 0x07) == BpfProgram.JMP && in[0] != (BpfProgram.JMP | BpfProgram.JA)) {
                int jt = in[1] == end ? endAt : in[1] == next ? i + 1 : in[1];
                int jf = in[2] == end ? endAt : in[2] == next ? i + 1 : in[2];
                code.add(BpfInstruction.jump(in[0], in[3], jt - i - 1, jf - i - 1));
            } else {
                code.add(BpfInstruction.stmt(in[0], in[3]));
            }
        }
        return and(g.etherType(v6 ? ETH_IP6 : ETH_IP), new BpfIr.Chain(List.copyOf(code), value));
    }

    /** {@code ip[idx:size]} and the like: a load from the network header, guarded by the protocol test. */
    Ar load(String proto, int size, Ar idx, List<Node> checks) {
        checks.add(proto(proto));
        return new Load(size, g.nl(), -1, idx);
    }
}
