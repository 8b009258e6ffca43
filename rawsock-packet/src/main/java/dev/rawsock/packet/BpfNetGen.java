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

    /** {@code ip}, {@code ip6}, {@code arp}, {@code rarp} alone. */
    Node proto(String proto) {
        return g.etherType(etherTypeOf(proto));
    }

    private static int etherTypeOf(String proto) {
        return switch (proto) {
            case "ip" -> ETH_IP;
            case "ip6" -> ETH_IP6;
            case "arp" -> ETH_ARP;
            case "rarp" -> ETH_RARP;
            default -> throw new AssertionError(proto);
        };
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
        return proto.equals("ip") ? ipProto(value) : ip6Proto(value);
    }

    Node ipProto(int proto) {
        return and(g.etherType(ETH_IP), eq(B, g.nl() + 9, proto));
    }

    /** IPv6 next header, looking through one fragment header as libpcap's gen_proto does. */
    Node ip6Proto(int proto) {
        int nl = g.nl();
        return and(g.etherType(ETH_IP6), or(eq(B, nl + 6, proto), and(eq(B, nl + 6, 44), eq(B, nl + 40, proto))));
    }

    /** An IPv4 host or network; proto null covers IPv4, ARP and RARP as libpcap's gen_host does. */
    Node ip4Net(String proto, Dir dir, int addr, int mask) {
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

    /** {@code ip[idx:size]} and the like: a load from the network header, guarded by the protocol test. */
    Ar load(String proto, int size, Ar idx, List<Node> checks) {
        checks.add(g.etherType(etherTypeOf(proto)));
        return new Load(size, g.nl(), -1, idx);
    }
}
