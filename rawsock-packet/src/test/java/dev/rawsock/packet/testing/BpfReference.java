package dev.rawsock.packet.testing;

import dev.rawsock.packet.BpfInstruction;
import dev.rawsock.packet.BpfProgram;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A second classic BPF interpreter, written from {@code bpf(4)} and the kernel's
 * {@code net/core/filter.c} without looking at {@link BpfProgram#run}: a plain switch over the opcode
 * with the program counter, so that a bug in the fast interpreter's decoding cannot hide one in the
 * optimizer or the compiler. It also reports where the program read the packet, to cut frames short
 * at every load. A program that jumps backward (protochain's loop, run in user space only) is bounded
 * in steps and rejects when it runs out.
 */
public final class BpfReference {
    private BpfReference() {
    }

    /** Metadata for the ancillary loads of a live socket: a stripped VLAN tag, or none ({@code tci < 0}). */
    public record Meta(int tci, int tpid) {
        /** No tag. */
        public static final Meta NONE = new Meta(-1, 0);
    }

    /**
     * {@return what the program returns for the first {@code captured} bytes of {@code packet}, a
     * packet of {@code wire} bytes; null {@code meta} makes every ancillary load reject}
     *
     * @param loads if not null, gets the end (offset + size) of every packet load the run makes
     */
    public static long run(List<BpfInstruction> prog, byte[] packet, int captured, int wire, Meta meta, TreeSet<Integer> loads) {
        boolean backward = prog.stream().anyMatch(in -> in.code() == 0x05 && in.k() < 0);
        int limit = backward ? 100_000 : prog.size();
        long a = 0;
        long x = 0;
        long[] m = new long[16];
        int pc = 0;
        for (int steps = 0; steps <= limit; steps++) {
            BpfInstruction in = prog.get(pc++);
            int code = in.code();
            long k = in.unsignedK();
            switch (code & 0x07) {
                case 0x00, 0x01 -> { // BPF_LD, BPF_LDX
                    boolean toX = (code & 0x07) == 0x01;
                    int size = switch (code & 0x18) {
                        case 0x00 -> 4;
                        case 0x08 -> 2;
                        default -> 1;
                    };
                    long v;
                    switch (code & 0xe0) {
                        case 0x00 -> v = k; // IMM
                        case 0x80 -> v = wire; // LEN
                        case 0x60 -> v = m[(int) k]; // MEM
                        case 0x20, 0x40 -> { // ABS, IND
                            long at = (code & 0xe0) == 0x20 ? k : (int) (x + k);
                            if ((code & 0xe0) == 0x20 && k >= 0x80000000L) {
                                Long anc = ancillary((int) k, meta);
                                if (anc == null) {
                                    return 0;
                                }
                                v = anc;
                                break;
                            }
                            if (loads != null && at >= 0) {
                                loads.add((int) Math.min(Integer.MAX_VALUE, at + size));
                            }
                            if (at < 0 || at + size > captured) {
                                return 0;
                            }
                            v = 0;
                            for (int i = 0; i < size; i++) {
                                v = (v << 8) | (packet[(int) at + i] & 0xff);
                            }
                        }
                        default -> { // MSH: 4 * (P[k] & 0xf)
                            if (loads != null) {
                                loads.add((int) Math.min(Integer.MAX_VALUE, k + 1));
                            }
                            if (k >= captured) {
                                return 0;
                            }
                            v = 4L * (packet[(int) k] & 0xf);
                        }
                    }
                    if (toX) {
                        x = v;
                    } else {
                        a = v;
                    }
                }
                case 0x02 -> m[(int) k] = a;
                case 0x03 -> m[(int) k] = x;
                case 0x04 -> { // ALU
                    long b = (code & 0x08) != 0 ? x : k;
                    a = switch (code & 0xf0) {
                        case 0x00 -> a + b;
                        case 0x10 -> a - b;
                        case 0x20 -> a * b;
                        case 0x30 -> {
                            if (b == 0) {
                                yield -1;
                            }
                            yield a / b;
                        }
                        case 0x90 -> {
                            if (b == 0) {
                                yield -1;
                            }
                            yield a % b;
                        }
                        case 0x40 -> a | b;
                        case 0x50 -> a & b;
                        case 0xa0 -> a ^ b;
                        case 0x60 -> a << (b & 31);
                        case 0x70 -> a >>> (b & 31);
                        case 0x80 -> -a;
                        default -> throw new AssertionError("ALU op " + code);
                    };
                    if (a == -1 && ((code & 0xf0) == 0x30 || (code & 0xf0) == 0x90)) {
                        return 0;
                    }
                    a &= 0xffffffffL;
                }
                case 0x05 -> { // JMP
                    if (code == 0x05) {
                        pc += (int) k;
                        continue;
                    }
                    long b = (code & 0x08) != 0 ? x : k;
                    boolean t = switch (code & 0xf0) {
                        case 0x10 -> a == b;
                        case 0x20 -> a > b;
                        case 0x30 -> a >= b;
                        case 0x40 -> (a & b) != 0;
                        default -> throw new AssertionError("jump op " + code);
                    };
                    pc += t ? in.jt() : in.jf();
                }
                case 0x06 -> {
                    return (code & 0x18) == 0x10 ? a : k;
                }
                default -> {
                    if (code == 0x07) {
                        x = a;
                    } else {
                        a = x;
                    }
                }
            }
        }
        if (backward) {
            return 0; // a loop that did not end within the bound
        }
        throw new AssertionError("ran more instructions than the program has");
    }

    /** {@return the program as {@code {code, jt, jf, k}} rows, the form tcpdump -dd prints} */
    public static int[][] of(BpfProgram p) {
        return p.instructions().stream().map(i -> new int[] {i.code(), i.jt(), i.jf(), i.k()}).toArray(int[][]::new);
    }

    /** {@return what a program of {@code {code, jt, jf, k}} rows returns for the whole packet, no socket metadata} */
    public static int run(int[][] prog, byte[] packet) {
        List<BpfInstruction> list = Arrays.stream(prog).map(r -> new BpfInstruction(r[0], r[1], r[2], r[3])).toList();
        return (int) run(list, packet, packet.length, packet.length, null, null);
    }

    private static Long ancillary(int k, Meta meta) {
        if (meta == null) {
            return null;
        }
        return switch (k - BpfProgram.SKF_AD_OFF) {
            case BpfProgram.SKF_AD_VLAN_TAG_PRESENT -> meta.tci() >= 0 ? 1L : 0L;
            case BpfProgram.SKF_AD_VLAN_TAG -> meta.tci() >= 0 ? (long) meta.tci() : 0L;
            case BpfProgram.SKF_AD_VLAN_TPID -> meta.tci() >= 0 ? (long) meta.tpid() : 0L;
            default -> null;
        };
    }
}
