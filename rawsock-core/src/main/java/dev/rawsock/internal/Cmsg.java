package dev.rawsock.internal;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code CMSG_*} macros of {@code <bits/socket.h>} in Java, and the one walk over a control
 * buffer that every parser uses. This is the only place that knows how control messages are laid
 * out (LP64 Linux: a 16-byte {@code cmsghdr}, 8-byte alignment).
 *
 * <p>The walk trusts nothing in the buffer: a {@code cmsg_len} smaller than the header, larger than
 * what is left, or absurd (a negative 64-bit value) ends the walk or marks the message as cut short;
 * no offset it returns ever points past {@code limit}. It is glibc's {@code __cmsg_nxthdr} with
 * the arithmetic made overflow-proof.
 */
public final class Cmsg {
    private Cmsg() {}

    /** {@code sizeof(long)}: the alignment CMSG_ALIGN rounds to on LP64. */
    public static final int ALIGNMENT = 8;
    /** {@code sizeof(struct cmsghdr)}. */
    public static final int HDR = (int) Layouts.CMSGHDR.byteSize();

    /** {@code CMSG_ALIGN(len)}. */
    public static long align(long len) {
        return (len + ALIGNMENT - 1) & ~(long) (ALIGNMENT - 1);
    }

    /** {@code CMSG_LEN(dataLength)}: the cmsg_len of a message carrying {@code dataLength} bytes. */
    public static long len(long dataLength) {
        return align(HDR) + dataLength;
    }

    /** {@code CMSG_SPACE(dataLength)}: the bytes a message carrying {@code dataLength} bytes takes, padding included. */
    public static long space(long dataLength) {
        return align(HDR) + align(dataLength);
    }

    /** Offset of the data of the message at {@code off} ({@code CMSG_DATA}). */
    public static long data(long off) {
        return off + align(HDR);
    }

    /**
     * {@code CMSG_FIRSTHDR}: 0 when the first {@code limit} bytes of {@code control} hold at least a
     * header, else -1.
     */
    public static long first(MemorySegment control, long limit) {
        return limit >= HDR && control.byteSize() >= HDR ? 0 : -1;
    }

    /** The cmsg_len field of the message at {@code off} (as the buffer says: may lie). */
    public static long cmsgLen(MemorySegment control, long off) {
        return control.get(JAVA_LONG.withByteAlignment(1), off + Layouts.CMSG_LEN_FIELD);
    }

    public static int level(MemorySegment control, long off) {
        return control.get(JAVA_INT.withByteAlignment(1), off + Layouts.CMSG_LEVEL);
    }

    public static int type(MemorySegment control, long off) {
        return control.get(JAVA_INT.withByteAlignment(1), off + Layouts.CMSG_TYPE);
    }

    /**
     * Whether the message at {@code off} is whole: its cmsg_len covers at least the header and ends
     * within {@code limit}. A message that is not whole was cut short (MSG_CTRUNC) or lies.
     */
    public static boolean whole(MemorySegment control, long limit, long off) {
        long l = cmsgLen(control, off);
        return l >= HDR && l <= limit - off;
    }

    /**
     * The data length of the message at {@code off} that actually lies within the buffer: its
     * cmsg_len minus the header, capped to what is left before {@code limit}; 0 for a bad length.
     */
    public static long available(MemorySegment control, long limit, long off) {
        long l = cmsgLen(control, off);
        if (l < HDR) return 0;
        long left = limit - data(off);
        return Math.max(0, Math.min(l - HDR, left));
    }

    /**
     * {@code CMSG_NXTHDR}: the offset of the message after the one at {@code off}, or -1 when there
     * is none: when this one's cmsg_len is below the header size (glibc stops there too, or a
     * zero length would loop forever) or when the next header would not fit before {@code limit}.
     */
    public static long next(MemorySegment control, long limit, long off) {
        long l = cmsgLen(control, off);
        if (l < HDR || l > limit - off) return -1;  // also rejects "negative" (huge unsigned) lengths
        long n = off + align(l);
        if (n < 0 || n > limit - HDR) return -1;
        return n;
    }

    /** Clamps a buffer's claimed control length to what the segment really holds. */
    public static long limit(MemorySegment control, long controllen) {
        return Math.max(0, Math.min(controllen, control.byteSize()));
    }

    /**
     * Writes a header at {@code off}: cmsg_len = CMSG_LEN(dataLength), the level and type; returns
     * the offset of the data.
     */
    public static long put(MemorySegment control, long off, int level, int type, long dataLength) {
        control.set(JAVA_LONG.withByteAlignment(1), off + Layouts.CMSG_LEN_FIELD, len(dataLength));
        control.set(JAVA_INT.withByteAlignment(1), off + Layouts.CMSG_LEVEL, level);
        control.set(JAVA_INT.withByteAlignment(1), off + Layouts.CMSG_TYPE, type);
        return data(off);
    }

    /**
     * With MSG_CTRUNC, an SCM_RIGHTS message whose cmsg_len reaches past what the kernel delivered is
     * not returned to the caller, so the fds whose numbers did arrive in it are closed here.
     */
    public static void closeCutFds(MemorySegment control, long limit) {
        for (long off = first(control, limit); off >= 0; off = next(control, limit, off)) {
            if (whole(control, limit, off)) continue;
            if (level(control, off) == Consts.SOL_SOCKET && type(control, off) == Consts.SCM_RIGHTS) {
                long avail = available(control, limit, off);
                for (long k = 0; k + 4 <= avail; k += 4)
                    Sys.closeQuietly(control.get(JAVA_INT.withByteAlignment(1), data(off) + k));
            }
            return;
        }
    }
}
