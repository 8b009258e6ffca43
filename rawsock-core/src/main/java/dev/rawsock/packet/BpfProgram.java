package dev.rawsock.packet;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PLACEHOLDER until branch issue7-bpf is merged: the shape Capture and RawSocket.attachFilter are
 * written against (instructions as (code, jt, jf, k), a verifier, tcpdump -dd parsing). The real
 * class (compiler, interpreter) replaces this file wholesale on merge.
 */
public final class BpfProgram {
    /** One classic BPF instruction, as {@code struct sock_filter}. */
    public record Instruction(int code, int jt, int jf, int k) {}

    private final List<Instruction> instructions;

    private BpfProgram(List<Instruction> instructions) {
        this.instructions = List.copyOf(instructions);
    }

    /** A program of these instructions. */
    public static BpfProgram of(List<Instruction> instructions) {
        return new BpfProgram(instructions);
    }

    private static final Pattern DD = Pattern.compile(
            "\\{\\s*(0x[0-9a-fA-F]+|\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(0x[0-9a-fA-F]+|\\d+)\\s*}");

    /** Reads {@code tcpdump -dd} output. */
    public static BpfProgram parse(String tcpdumpDd) {
        List<Instruction> out = new ArrayList<>();
        Matcher m = DD.matcher(tcpdumpDd);
        while (m.find()) out.add(new Instruction(num(m.group(1)), num(m.group(2)), num(m.group(3)), (int) Long.decode(m.group(4)).longValue()));
        if (out.isEmpty()) throw new IllegalArgumentException("no instructions");
        return new BpfProgram(out);
    }

    private static int num(String s) {
        return (int) (long) Long.decode(s);
    }

    /** Not in the placeholder. */
    public static BpfProgram compile(String filter) {
        throw new UnsupportedOperationException("BpfProgram.compile arrives with branch issue7-bpf");
    }

    /** The instructions. */
    public List<Instruction> instructions() {
        return instructions;
    }

    /** Checks length, jumps and the final return; throws IllegalArgumentException. */
    public void verify() {
        int n = instructions.size();
        if (n == 0 || n > 4096) throw new IllegalArgumentException("program length " + n);
        for (int i = 0; i < n; i++) {
            Instruction in = instructions.get(i);
            if ((in.code() & 0x07) == 0x05 && (in.code() & 0xf0) != 0) {
                if (i + 1 + in.jt() >= n || i + 1 + in.jf() >= n) throw new IllegalArgumentException("jump out of range at " + i);
            }
        }
        if ((instructions.get(n - 1).code() & 0x07) != 0x06) throw new IllegalArgumentException("does not end in a return");
    }
}
