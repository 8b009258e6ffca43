package dev.rawsock.internal;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code struct mmsghdr} (a {@code msghdr} and its {@code msg_len}) and {@code struct iovec}
 * fields, written and read at offsets in one staging segment, beside {@link Cmsg} which knows the
 * control buffer they point to. Pointers are written as 64-bit addresses (LP64), so staging makes
 * no slice objects. Whoever fills one checks that every pointer and length stays inside memory it
 * owns; these methods only place the values.
 */
public final class MsgHdr {
    private MsgHdr() {}

    /** {@code sizeof(struct mmsghdr)}; a lone {@code msghdr} is its first part. */
    public static final long SIZE = Layouts.MMSGHDR.byteSize();
    /** {@code sizeof(struct iovec)}. */
    public static final long IOV = Layouts.IOVEC.byteSize();

    /** Writes the header at {@code hdr}: name, iovec array, control buffer (0 addresses for none); flags and msg_len 0. */
    public static void set(MemorySegment all, long hdr, long name, int nameLen, long iov, long iovLen, long control, long controlLen) {
        all.set(JAVA_LONG, hdr + Layouts.MSG_NAME, name);
        all.set(JAVA_INT, hdr + Layouts.MSG_NAMELEN, nameLen);
        all.set(JAVA_LONG, hdr + Layouts.MSG_IOV, iov);
        all.set(JAVA_LONG, hdr + Layouts.MSG_IOVLEN, iovLen);
        all.set(JAVA_LONG, hdr + Layouts.MSG_CONTROL, control);
        all.set(JAVA_LONG, hdr + Layouts.MSG_CONTROLLEN, controlLen);
        all.set(JAVA_INT, hdr + Layouts.MSG_FLAGS, 0);
        all.set(JAVA_INT, hdr + Layouts.MMSG_LEN, 0);
    }

    /** Writes one {@code struct iovec} at {@code at}. */
    public static void iovec(MemorySegment all, long at, long base, long len) {
        all.set(JAVA_LONG, at + Layouts.IOV_BASE, base);
        all.set(JAVA_LONG, at + Layouts.IOV_LEN, len);
    }

    /** {@code msg_flags} as the kernel left them. */
    public static int flags(MemorySegment all, long hdr) {
        return all.get(JAVA_INT, hdr + Layouts.MSG_FLAGS);
    }

    /** {@code msg_namelen} as the kernel left it. */
    public static int nameLen(MemorySegment all, long hdr) {
        return all.get(JAVA_INT, hdr + Layouts.MSG_NAMELEN);
    }

    /** {@code msg_controllen} as the kernel left it. */
    public static long controlLen(MemorySegment all, long hdr) {
        return all.get(JAVA_LONG, hdr + Layouts.MSG_CONTROLLEN);
    }

    /** {@code msg_len} of an mmsghdr, unsigned: the bytes that message moved. */
    public static long moved(MemorySegment all, long hdr) {
        return all.get(JAVA_INT, hdr + Layouts.MMSG_LEN) & 0xffffffffL;
    }
}
