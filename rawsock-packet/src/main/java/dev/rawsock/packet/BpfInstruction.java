package dev.rawsock.packet;

/**
 * One classic BPF instruction, exactly a Linux {@code struct sock_filter} (see {@code
 * <linux/filter.h>} and {@code bpf(4)}/{@code socket(7)} {@code SO_ATTACH_FILTER}): a 16-bit opcode,
 * two 8-bit relative jump offsets (taken when the condition holds / does not hold) and a 32-bit
 * operand.
 *
 * @param code the opcode, 0..0xffff
 * @param jt   jump offset if true, 0..255
 * @param jf   jump offset if false, 0..255
 * @param k    the operand; its 32 bits are the unsigned value the kernel sees
 */
public record BpfInstruction(int code, int jt, int jf, int k) {

    /** Checks the field ranges that {@code struct sock_filter} can hold; never truncates. */
    public BpfInstruction {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("BPF opcode out of range 0..0xffff: " + code);
        }
        if (jt < 0 || jt > 0xff) {
            throw new IllegalArgumentException("BPF jt out of range 0..255: " + jt);
        }
        if (jf < 0 || jf > 0xff) {
            throw new IllegalArgumentException("BPF jf out of range 0..255: " + jf);
        }
    }

    /**
     * {@return an instruction without jumps}
     *
     * @param code the opcode ({@code BPF_*} class, size, mode and source or-ed together)
     * @param k the operand
     */
    public static BpfInstruction stmt(int code, int k) {
        return new BpfInstruction(code, 0, 0, k);
    }

    /**
     * {@return a conditional jump}
     *
     * @param code the opcode ({@code BPF_*} class, size, mode and source or-ed together)
     * @param k the operand
     * @param jt the instructions to skip when the test is true, 0..255
     * @param jf the instructions to skip when it is false, 0..255
     */
    public static BpfInstruction jump(int code, int k, int jt, int jf) {
        return new BpfInstruction(code, jt, jf, k);
    }

    /** {@return the operand as the unsigned 32-bit value the kernel sees} */
    public long unsignedK() {
        return Integer.toUnsignedLong(k);
    }

    /** The line {@code tcpdump -dd} prints for this instruction, e.g. {@code { 0x28, 0, 0, 0x0000000c },}. */
    @Override
    public String toString() {
        return String.format("{ 0x%x, %d, %d, 0x%08x },", code, jt, jf, k);
    }
}
