package dev.rawsock.packet;

import static dev.rawsock.packet.BpfProgram.AND;
import static dev.rawsock.packet.BpfProgram.JEQ;

import java.util.List;

/**
 * What code generation lowers a filter to before laying it out: tests of loads (with their offsets
 * fixed or relative to a run-time offset) joined by and/or/not. {@link BpfEmitter} turns it into
 * short-circuit jumps.
 */
final class BpfIr {

    private BpfIr() {
    }

    /**
     * Scratch words holding the run-time parts of the link-layer payload and link-type offsets (as
     * libpcap's), and on 802.11 link types the radio header's length. Each {@code geneve} or
     * {@code vxlan} (Ethernet only) takes three more words above those in use.
     */
    static final int LINKPL_REG = 0, LINKTYPE_REG = 1, LINKHDR_REG = 2;

    /** Arithmetic: what ends up in the A register. */
    sealed interface Ar permits Num, PktLen, Load, Bin, Neg, Anc, VlanTci, Mem {
    }

    /** Scratch word {@code M[reg]}: one of the run-time offsets. */
    record Mem(int reg) implements Ar {
    }

    /** An ancillary load {@code ld [SKF_AD_OFF + which]} of the given size: socket metadata. */
    record Anc(int size, int which) implements Ar {
    }

    /**
     * The outer VLAN tag's TCI on a live Linux socket, as libpcap loads it: from the metadata if the
     * kernel took the tag off, else from the packet at {@code inPacket}.
     */
    record VlanTci(int inPacket) implements Ar {
    }

    record Num(int value) implements Ar {
    }

    record PktLen() implements Ar {
    }

    /**
     * A packet load of {@code size} (W/H/B) at {@code base + idx}, where {@code msh >= 0} adds the
     * IPv4 header length read from that offset, as libpcap's {@code ldxb 4*([msh]&0xf)} does, and
     * {@code var >= 0} adds the run-time offset kept in scratch word {@code M[var]} (to both).
     */
    record Load(int size, int base, int msh, Ar idx, int var) implements Ar {
        Load(int size, int base, int msh, Ar idx) {
            this(size, base, msh, idx, -1);
        }
    }

    record Bin(int op, Ar left, Ar right) implements Ar {
    }

    record Neg(Ar e) implements Ar {
    }

    /** A boolean filter. */
    sealed interface Node permits Test, AndN, OrN, NotN, Bool, Prefixed, Chain {
    }

    /**
     * Statements run before {@code n}'s code, on every path into it. They may hold forward jumps
     * (relative, as laid out) that land inside them or just past their end, never a return: every
     * path through them falls into {@code n}.
     */
    record Prefixed(List<BpfInstruction> stmts, Node n) implements Node {
    }

    /**
     * Laid-out code with jumps of its own (relative, inside it, a loop back included) that leaves a
     * value in A, then the test {@code A == value}: libpcap's protochain.
     */
    record Chain(List<BpfInstruction> code, int value) implements Node {
    }

    /** {@code lhs jop rhs} with jop one of JEQ/JGT/JGE/JSET. */
    record Test(Ar lhs, int jop, Ar rhs) implements Node {
    }

    record AndN(Node a, Node b) implements Node {
    }

    record OrN(Node a, Node b) implements Node {
    }

    record NotN(Node a) implements Node {
    }

    record Bool(boolean value) implements Node {
    }

    static Node and(Node... ns) {
        Node r = ns[0];
        for (int i = 1; i < ns.length; i++) {
            r = new AndN(r, ns[i]);
        }
        return r;
    }

    static Node or(Node... ns) {
        Node r = ns[0];
        for (int i = 1; i < ns.length; i++) {
            r = new OrN(r, ns[i]);
        }
        return r;
    }

    static Node not(Node n) {
        return new NotN(n);
    }

    static Ar abs(int size, int off) {
        return new Load(size, off, -1, new Num(0));
    }

    static Node eq(int size, int off, int value) {
        return new Test(abs(size, off), JEQ, new Num(value));
    }

    static Node eqMasked(int size, int off, int mask, int value) {
        if (mask == 0) {
            // No bits to test, so no load: libpcap's optimizer drops it too, which matters for short frames.
            return new Bool(value == 0);
        }
        if (mask == -1) {
            return eq(size, off, value);
        }
        return new Test(new Bin(AND, abs(size, off), new Num(mask)), JEQ, new Num(value));
    }
}
