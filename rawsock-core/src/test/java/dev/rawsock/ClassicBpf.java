package dev.rawsock;

import dev.rawsock.packet.BpfProgram;

/**
 * A second classic-BPF interpreter, written from {@code bpf(4)} / the kernel's
 * {@code Documentation/networking/filter.rst} and sharing nothing with {@link BpfProgram#run}, so
 * that a bug there cannot hide the same bug in a compiled program. Programs are arrays of
 * {@code {code, jt, jf, k}}; a load past the packet's end or a division by zero rejects (returns 0).
 * Steps are bounded, so a backward jump cannot loop for ever.
 */
final class ClassicBpf {
    private ClassicBpf() {
    }

    static int[][] of(BpfProgram p) {
        return p.instructions().stream().map(i -> new int[] {i.code(), i.jt(), i.jf(), i.k()}).toArray(int[][]::new);
    }

    static int run(int[][] prog, byte[] pkt) {
        long a = 0;
        long x = 0;
        long[] m = new long[16];
        int pc = 0;
        for (int steps = 0; steps < 100_000 && pc >= 0 && pc < prog.length; steps++) {
            int code = prog[pc][0];
            int jt = prog[pc][1];
            int jf = prog[pc][2];
            long k = prog[pc][3] & 0xffffffffL;
            pc++;
            switch (code & 7) {
                case 0, 1 -> { // LD, LDX
                    int mode = code & 0xe0;
                    int size = code & 0x18;
                    long v;
                    if (mode == 0x00) {
                        v = k;
                    } else if (mode == 0x60) {
                        v = m[(int) k];
                    } else if (mode == 0x80) {
                        v = pkt.length;
                    } else if (mode == 0xa0) { // ldxb 4*([k]&0xf)
                        if (k >= pkt.length) {
                            return 0;
                        }
                        v = 4L * (pkt[(int) k] & 0xf);
                    } else {
                        long off = mode == 0x40 ? (x + k) & 0xffffffffL : k;
                        int n = size == 0x00 ? 4 : size == 0x08 ? 2 : 1;
                        if (off + n > pkt.length) {
                            return 0;
                        }
                        v = 0;
                        for (int i = 0; i < n; i++) {
                            v = (v << 8) | (pkt[(int) off + i] & 0xff);
                        }
                    }
                    if ((code & 7) == 0) {
                        a = v;
                    } else {
                        x = v;
                    }
                }
                case 2 -> m[(int) k] = a;
                case 3 -> m[(int) k] = x;
                case 4 -> { // ALU
                    long src = (code & 0x08) != 0 ? x : k;
                    switch (code & 0xf0) {
                        case 0x00 -> a = a + src;
                        case 0x10 -> a = a - src;
                        case 0x20 -> a = a * src;
                        case 0x30 -> {
                            if (src == 0) {
                                return 0;
                            }
                            a = a / src;
                        }
                        case 0x40 -> a = a | src;
                        case 0x50 -> a = a & src;
                        case 0x60 -> a = src >= 32 ? 0 : a << src;
                        case 0x70 -> a = src >= 32 ? 0 : a >>> src;
                        case 0x80 -> a = -a;
                        case 0x90 -> {
                            if (src == 0) {
                                return 0;
                            }
                            a = a % src;
                        }
                        case 0xa0 -> a = a ^ src;
                        default -> throw new IllegalStateException("alu " + code);
                    }
                    a &= 0xffffffffL;
                }
                case 5 -> { // JMP
                    long src = (code & 0x08) != 0 ? x : k;
                    boolean c;
                    switch (code & 0xf0) {
                        case 0x00 -> {
                            pc += (int) k; // ja: k may be "negative" (libpcap's protochain loops back)
                            continue;
                        }
                        case 0x10 -> c = a == src;
                        case 0x20 -> c = a > src;
                        case 0x30 -> c = a >= src;
                        case 0x40 -> c = (a & src) != 0;
                        default -> throw new IllegalStateException("jmp " + code);
                    }
                    pc += c ? jt : jf;
                }
                case 6 -> {
                    return (int) ((code & 0x18) == 0x10 ? a : k);
                }
                default -> { // MISC
                    if ((code & 0xf8) == 0x80) {
                        a = x;
                    } else {
                        x = a;
                    }
                }
            }
        }
        return 0;
    }
}
