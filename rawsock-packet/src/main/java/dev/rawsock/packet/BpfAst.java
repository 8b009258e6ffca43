package dev.rawsock.packet;

/**
 * The filter as the parser understands it: what each primitive asks, with its qualifiers and values
 * already checked and read, and no offsets. {@link BpfCodegen} turns it into tests on a link type;
 * every leaf keeps the character position of its value for errors found there.
 */
sealed interface BpfAst {

    /** Which end of a packet an address or port test looks at ({@code src}, {@code dst}, both, either). */
    enum Dir { DEFAULT, SRC, DST, OR, AND }

    record And(BpfAst a, BpfAst b) implements BpfAst {
    }

    record Or(BpfAst a, BpfAst b) implements BpfAst {
    }

    record Not(BpfAst a) implements BpfAst {
    }

    /** The empty filter. */
    record True() implements BpfAst {
    }

    /** A protocol name alone: {@code ip}, {@code tcp}, {@code icmp6}, ... */
    record Proto(String proto, int pos) implements BpfAst {
    }

    /** {@code [ether|ip|ip6] broadcast|multicast}. */
    record Cast(String proto, boolean broadcast, int pos) implements BpfAst {
    }

    /** {@code vlan [id]}; {@code id} -1 when absent. */
    record Vlan(int id, int pos) implements BpfAst {
    }

    /** {@code less N} or {@code greater N}. */
    record Length(boolean less, int value) implements BpfAst {
    }

    /** {@code [ip|ip6] proto N}; {@code proto} null for both. */
    record ProtoNum(String proto, int value, int pos) implements BpfAst {
    }

    /** {@code ether proto N}. */
    record EtherProto(int type, int pos) implements BpfAst {
    }

    /** {@code [tcp|udp|sctp] [dir] port|portrange}; {@code proto} null for all three. */
    record Port(String proto, Dir dir, int lo, int hi, boolean range, int pos) implements BpfAst {
    }

    /** {@code ether [dir] host MAC}. */
    record EtherHost(Dir dir, byte[] mac, int pos) implements BpfAst {
    }

    /** An IPv6 host or network: four words and their masks. */
    record Ip6Net(Dir dir, int[] words, int[] masks, int pos) implements BpfAst {
    }

    /** An IPv4 host or network; {@code proto} is null (IPv4, ARP and RARP), ip, arp or rarp. */
    record Ip4Net(String proto, Dir dir, int addr, int mask, int pos) implements BpfAst {
    }

    /** {@code arith relop arith} with relop one of {@code > >= < <= = == !=}. */
    record Compare(Arith left, String op, Arith right) implements BpfAst {
    }

    /** Arithmetic over packet bytes. */
    sealed interface Arith {
    }

    record Const(int value) implements Arith {
    }

    /** {@code len}: the packet's length on the wire. */
    record Len() implements Arith {
    }

    /** {@code proto[idx:size]}, size a BPF size code (W, H, B); proto {@code ether} for link. */
    record PacketLoad(String proto, int size, Arith idx) implements Arith {
    }

    /** A binary operator, op a BPF ALU code. */
    record Op(int op, Arith left, Arith right) implements Arith {
    }

    record Minus(Arith e) implements Arith {
    }
}
