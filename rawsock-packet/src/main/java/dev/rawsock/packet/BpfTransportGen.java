package dev.rawsock.packet;

import static dev.rawsock.packet.BpfCodegen.ETH_IP;
import static dev.rawsock.packet.BpfCodegen.ETH_IP6;
import static dev.rawsock.packet.BpfCodegen.direction;
import static dev.rawsock.packet.BpfIr.and;
import static dev.rawsock.packet.BpfIr.eq;
import static dev.rawsock.packet.BpfIr.not;
import static dev.rawsock.packet.BpfIr.or;
import static dev.rawsock.packet.BpfProgram.B;
import static dev.rawsock.packet.BpfProgram.H;
import static dev.rawsock.packet.BpfProgram.JEQ;
import static dev.rawsock.packet.BpfProgram.JGE;
import static dev.rawsock.packet.BpfProgram.JGT;
import static dev.rawsock.packet.BpfProgram.JSET;

import dev.rawsock.packet.BpfAst.Dir;
import dev.rawsock.packet.BpfIr.Ar;
import dev.rawsock.packet.BpfIr.Load;
import dev.rawsock.packet.BpfIr.Node;
import dev.rawsock.packet.BpfIr.Num;
import dev.rawsock.packet.BpfIr.Test;
import java.util.List;

/**
 * Code generation for the transport layer: {@code tcp udp sctp icmp igmp icmp6} alone, ports and
 * port ranges, and {@code tcp[]}-style loads. IPv4 transport data is read only from the first
 * fragment, after a header whose length comes from IHL; IPv6's right after the fixed header.
 */
final class BpfTransportGen {
    private final BpfCodegen g;

    BpfTransportGen(BpfCodegen g) {
        this.g = g;
    }

    private static int number(String proto) {
        return switch (proto) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "sctp" -> 132;
            case "icmp" -> 1;
            case "igmp" -> 2;
            case "icmp6" -> 58;
            default -> throw new AssertionError(proto);
        };
    }

    /** A transport protocol alone: {@code tcp}, {@code icmp}, ... */
    Node proto(String proto) {
        return switch (proto) {
            case "tcp", "udp", "sctp" -> or(g.net.ipProto(number(proto)), g.net.ip6Proto(number(proto)));
            case "icmp", "igmp" -> g.net.ipProto(number(proto));
            case "icmp6" -> g.net.ip6Proto(58);
            default -> throw new AssertionError(proto);
        };
    }

    private Node firstFragment() {
        return not(new Test(BpfIr.abs(H, g.nl() + 6), JSET, new Num(0x1fff)));
    }

    Node ports(String proto, Dir dir, int lo, int hi, boolean range) {
        int nl = g.nl();
        int[] protos = proto == null ? new int[] {132, 6, 17} : new int[] {number(proto)};
        Node[] p4 = new Node[protos.length];
        Node[] p6 = new Node[protos.length];
        for (int i = 0; i < protos.length; i++) {
            p4[i] = eq(B, nl + 9, protos[i]);
            p6[i] = eq(B, nl + 6, protos[i]);
        }
        Ar src4 = new Load(H, nl, nl, new Num(0));
        Ar dst4 = new Load(H, nl + 2, nl, new Num(0));
        Node v4 = and(g.etherType(ETH_IP), or(p4), firstFragment(),
                direction(dir, portTest(src4, lo, hi, range), portTest(dst4, lo, hi, range)));
        // IPv6: the transport header right after the fixed header; no extension headers.
        Node v6 = and(g.etherType(ETH_IP6), or(p6), direction(dir,
                portTest(BpfIr.abs(H, nl + 40), lo, hi, range), portTest(BpfIr.abs(H, nl + 42), lo, hi, range)));
        return or(v6, v4);
    }

    private static Node portTest(Ar load, int lo, int hi, boolean range) {
        if (!range) {
            return new Test(load, JEQ, new Num(lo));
        }
        return and(new Test(load, JGE, new Num(lo)), not(new Test(load, JGT, new Num(hi))));
    }

    /** {@code tcp[idx:size]} and the like, guarded by the protocol (and first-fragment) test. */
    Ar load(String proto, int size, Ar idx, List<Node> checks) {
        int nl = g.nl();
        if (proto.equals("icmp6")) {
            checks.add(and(g.etherType(ETH_IP6), eq(B, nl + 6, 58)));
            return new Load(size, nl + 40, -1, idx);
        }
        checks.add(and(g.etherType(ETH_IP), eq(B, nl + 9, number(proto)), firstFragment()));
        return new Load(size, nl, nl, idx);
    }
}
