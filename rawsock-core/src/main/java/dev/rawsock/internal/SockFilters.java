package dev.rawsock.internal;

import dev.rawsock.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Classic BPF programs as the kernel takes them: a {@code struct sock_filter} array behind a
 * {@code struct sock_fprog}, for {@code SO_ATTACH_FILTER} ({@code socket(7)}, {@code <linux/filter.h>}).
 * Takes the instructions as parallel arrays so that this layer does not depend on the shape of the
 * public program class.
 */
public final class SockFilters {
    private SockFilters() {}

    /**
     * Encodes the program into native {@code struct sock_filter}s (allocated in {@code arena}) and
     * returns the {@code struct sock_fprog} pointing at them.
     */
    public static MemorySegment encode(Arena arena, int[] code, int[] jt, int[] jf, int[] k) {
        int n = code.length;
        if (n == 0 || n > Consts.BPF_MAXINSNS)
            throw new IllegalArgumentException("a classic BPF program has 1.." + Consts.BPF_MAXINSNS + " instructions: " + n);
        if (jt.length != n || jf.length != n || k.length != n) throw new IllegalArgumentException("instruction arrays differ in length");
        long stride = Layouts.SOCK_FILTER.byteSize();
        MemorySegment insns = arena.allocate(stride * n, 8);
        for (int i = 0; i < n; i++) {
            if (code[i] < 0 || code[i] > 0xFFFF || jt[i] < 0 || jt[i] > 0xFF || jf[i] < 0 || jf[i] > 0xFF)
                throw new IllegalArgumentException("instruction " + i + " does not fit struct sock_filter: code=" + code[i]
                        + " jt=" + jt[i] + " jf=" + jf[i]);
            long o = i * stride;
            insns.set(JAVA_SHORT, o + Layouts.SF_CODE, (short) code[i]);
            insns.set(JAVA_BYTE, o + Layouts.SF_JT, (byte) jt[i]);
            insns.set(JAVA_BYTE, o + Layouts.SF_JF, (byte) jf[i]);
            insns.set(JAVA_INT, o + Layouts.SF_K, k[i]);
        }
        MemorySegment prog = arena.allocate(Layouts.SOCK_FPROG);
        prog.set(JAVA_SHORT, Layouts.FPROG_LEN, (short) n);
        prog.set(ADDRESS, Layouts.FPROG_FILTER, insns);
        return prog;
    }

    /** {@code setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog)}: replaces any filter the socket had. */
    public static void attach(int fd, int[] code, int[] jt, int[] jf, int[] k) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment prog = encode(arena, code, jt, jf, k);
            Sys.setsockopt(fd, Consts.SOL_SOCKET, Consts.SO_ATTACH_FILTER, prog, "setsockopt(SO_ATTACH_FILTER)");
        }
    }

    /** {@code setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER)}; returns false when there was no filter (ENOENT). */
    public static boolean detach(int fd) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment v = s.misc(4);
            try {
                Sys.setsockopt(fd, Consts.SOL_SOCKET, Consts.SO_DETACH_FILTER, v, "setsockopt(SO_DETACH_FILTER)");
                return true;
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ENOENT) return false;
                throw e;
            }
        }
    }
}
