package dev.rawsock.internal;

import dev.rawsock.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Classic BPF programs as the kernel takes them: a {@code struct sock_filter} array behind a
 * {@code struct sock_fprog}, for {@code SO_ATTACH_FILTER} ({@code socket(7)}, {@code <linux/filter.h>}).
 * Takes the instructions already encoded ({@code BpfProgram.toBytes()}), so that this layer does not
 * depend on the public program class.
 */
public final class SockFilters {
    private SockFilters() {}

    /**
     * {@code setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog)} with {@code insns}, the program's
     * {@code struct sock_filter} array in native byte order (8 bytes per instruction); replaces any
     * filter the socket had.
     */
    public static void attach(int fd, byte[] insns) throws ErrnoException {
        long stride = Layouts.SOCK_FILTER.byteSize();
        int n = (int) (insns.length / stride);
        if (n == 0 || n > Consts.BPF_MAXINSNS || n * stride != insns.length)
            throw new IllegalArgumentException("a classic BPF program is 1.." + Consts.BPF_MAXINSNS
                    + " struct sock_filter of " + stride + " bytes: got " + insns.length + " bytes");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(insns.length, 8);
            MemorySegment.copy(insns, 0, array, JAVA_BYTE, 0, insns.length);
            MemorySegment prog = arena.allocate(Layouts.SOCK_FPROG);
            prog.set(JAVA_SHORT, Layouts.FPROG_LEN, (short) n);
            prog.set(ADDRESS, Layouts.FPROG_FILTER, array);
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
