package dev.rawsock.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reusable native memory for one call at a time: the errno capture state, a sockaddr_storage with
 * its length word, a small area for option values and ifreq-sized structs, and a staging buffer for
 * {@code byte[]} I/O. This is why the hot path allocates no Arena per call.
 *
 * <p>Platform threads keep one in a thread-local. Virtual threads take one from a bounded shared
 * pool and give it back when the call returns (never while parked), so 10,000 virtual threads doing
 * I/O use about as many scratch areas as there are carriers, not 10,000. A nested acquire on the
 * same thread (a call made while holding one) simply gets another.
 *
 * <p>Memory comes from {@link Arena#ofAuto()}: a scratch area that falls out of the pool or out of a
 * dead thread's thread-local is freed by the GC.
 */
public final class Scratch implements AutoCloseable {
    /** Bytes of the small-struct area: room for any sockopt value rawsock reads (tcp_info is 232). */
    public static final int MISC_SIZE = 512;
    /** Staging buffer size kept between calls; larger transfers use a one-off buffer. */
    private static final int KEEP_BUFFER = 256 * 1024;
    private static final int POOL_MAX = 64;

    /** errno capture state for {@link Libc} calls. */
    public final MemorySegment errno;
    /** A sockaddr_storage (128 bytes). */
    public final MemorySegment addr;
    /** A socklen_t / int out-parameter. */
    public final MemorySegment len;
    /** {@link #MISC_SIZE} bytes for small structs (option values, ifreq, pollfd, ...). */
    public final MemorySegment misc;

    private final Arena arena = Arena.ofAuto();
    /**
     * The last ByteBuffer window {@link #segment} turned into a segment, one for output and one for
     * input (a send+recv loop alternates two buffers); weak, so they never keep a buffer alive.
     */
    private WeakReference<BufferWindow> lastOutput, lastInput;

    private record BufferWindow(ByteBuffer buffer, int position, int limit, MemorySegment segment) {}
    private MemorySegment buffer;
    /** The caller's references one call reads exactly once (see {@link #refs}); cleared on close. */
    private Object[] refs = new Object[16];
    private int refsUsed;
    private boolean inUse;
    private final boolean pooled;

    private static final ThreadLocal<Scratch> LOCAL = new ThreadLocal<>();
    private static final ConcurrentLinkedQueue<Scratch> POOL = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger POOLED = new AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicLong CREATED = new java.util.concurrent.atomic.AtomicLong();

    private Scratch(boolean pooled) {
        this.pooled = pooled;
        CREATED.incrementAndGet();
        // errno state at 0 (glibc: 4 bytes, at most 16 here), socklen at 16, sockaddr_storage at 32, misc after.
        if (Libc.CAPTURE_LAYOUT.byteSize() > 16) throw new AssertionError("capture state over 16 bytes");
        MemorySegment all = arena.allocate(32 + Layouts.SOCKADDR_STORAGE_SIZE + MISC_SIZE, 16);
        errno = all.asSlice(0, Libc.CAPTURE_LAYOUT.byteSize());
        len = all.asSlice(16, 8);
        addr = all.asSlice(32, Layouts.SOCKADDR_STORAGE_SIZE);
        misc = all.asSlice(32 + Layouts.SOCKADDR_STORAGE_SIZE, MISC_SIZE);
        buffer = arena.allocate(4096, 16);
    }

    /** A scratch area for the current call; close it (try-with-resources) when the call returns. */
    public static Scratch acquire() {
        if (!Thread.currentThread().isVirtual()) {
            Scratch s = LOCAL.get();
            if (s == null) {
                s = new Scratch(false);
                LOCAL.set(s);
            }
            if (!s.inUse) {
                s.inUse = true;
                return s;
            }
            Scratch nested = new Scratch(true);
            nested.inUse = true;
            return nested;
        }
        Scratch s = POOL.poll();
        if (s != null) POOLED.decrementAndGet();
        else s = new Scratch(true);
        s.inUse = true;
        return s;
    }

    /** How many scratch areas were ever made (for tests that check memory stays bounded). */
    public static long created() {
        return CREATED.get();
    }

    /** errno as the last call with {@link #errno} left it. */
    public int errno() {
        return Libc.errno(errno);
    }

    /**
     * Native memory of at least {@code size} bytes, valid until {@link #close()}; kept and reused
     * up to 256 KiB, a one-off (freed by the GC) above that.
     */
    public MemorySegment buffer(long size) {
        if (size <= buffer.byteSize()) return buffer;
        if (size > KEEP_BUFFER) return Arena.ofAuto().allocate(size, 16);
        long n = Math.max(size, Math.min(KEEP_BUFFER, buffer.byteSize() * 2));
        buffer = arena.allocate(n, 16);
        return buffer;
    }

    /**
     * {@code MemorySegment.ofBuffer(buf)} (position to limit), the same segment object again while
     * the thread keeps passing the same buffer with the same position and limit (the usual
     * clear-then-send loop), one window remembered per direction. Why: the segment is handed to IoCore's transfer loop, too large for
     * the JIT to inline, so escape analysis cannot remove it; without this a direct-buffer send+recv
     * allocated 144 bytes per round trip.
     */
    public MemorySegment segment(ByteBuffer buf, boolean output) {
        int position = buf.position(), limit = buf.limit();
        WeakReference<BufferWindow> r = output ? lastOutput : lastInput;
        BufferWindow w = r == null ? null : r.get();
        if (w != null && w.buffer == buf && w.position == position && w.limit == limit) return w.segment;
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        WeakReference<BufferWindow> fresh = new WeakReference<>(new BufferWindow(buf, position, limit, seg));
        if (output) lastOutput = fresh;
        else lastInput = fresh;
        return seg;
    }

    /**
     * A reusable array for a snapshot of the caller's arrays (iovec parts, control buffers,
     * addresses) taken once per call: every size given to the kernel then comes from one read, so
     * another thread swapping an array meanwhile can spoil the data but never the bounds. Growing
     * keeps what the array held.
     */
    public Object[] refs(int n) {
        if (n > refs.length) refs = java.util.Arrays.copyOf(refs, Math.max(n, refs.length * 2));
        refsUsed = Math.max(refsUsed, n);
        return refs;
    }

    /** The small-struct area, cleared for {@code size} bytes. */
    public MemorySegment misc(long size) {
        if (size > MISC_SIZE) throw new IllegalArgumentException("struct of " + size + " bytes over scratch size");
        MemorySegment m = misc.asSlice(0, size);
        m.fill((byte) 0);
        return m;
    }

    @Override
    public void close() {
        if (refsUsed > 0) {
            java.util.Arrays.fill(refs, 0, refsUsed, null);  // never keep a caller's array alive
            refsUsed = 0;
        }
        inUse = false;
        if (pooled && POOLED.get() < POOL_MAX) {
            POOLED.incrementAndGet();
            POOL.offer(this);
        }
    }
}
