package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.FdHandle;
import dev.rawsock.internal.Sys;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.util.Objects;

/**
 * An {@link InputStream} and an {@link OutputStream} over one file descriptor, which the stream
 * owns: what {@link Rawsock#makeStream(int)} (CLISP's {@code EXT:MAKE-STREAM}, over a
 * {@code dup(2)} of the caller's fd) and {@link Rawsock#openUnixSocketStream} return.
 *
 * <p>Reads and writes block until data can move whatever the fd's mode, without changing that
 * mode (a dup shares it with the caller's fd), and no thread ever waits inside the kernel: sockets
 * are read and written with MSG_DONTWAIT, other fds (pipes) with {@code preadv2(2)}/{@code pwritev2(2)}
 * and RWF_NOWAIT, and on EAGAIN the thread waits in {@code poll(2)} (a virtual thread parks in
 * rawsock's poller instead). So closing the stream, or either of its two streams, returns promptly:
 * it wakes any thread blocked in it (that thread gets an
 * {@link java.nio.channels.AsynchronousCloseException}) and then closes the fd once. A read returns
 * -1 at end of stream. Writes write every byte.
 *
 * <p>One limit on fds that refuse RWF_NOWAIT (ttys, some files) left in blocking mode: the call
 * waits for readiness and then calls {@code read(2)}/{@code write(2)}, which may still block (a
 * write larger than the room the fd reported), and then a close waits for it.
 */
public final class FdStream implements Closeable {
    /** Largest single transfer; larger requests loop (writes) or return short (reads). */
    private static final int CHUNK = 64 * 1024;

    private final FdHandle handle;
    private final InputStream in;
    private final OutputStream out;

    /** Takes ownership of {@code fd} (its mode kept). */
    FdStream(int fd) throws ErrnoException {
        this.handle = new FdHandle(fd, this, true);
        Side side = new Side(handle, isSocket(fd), this);
        this.in = new In(side);
        this.out = new Out(side);
    }

    /** {@return the fd the streams read and write (the dup, for {@link Rawsock#makeStream})} */
    public int fd() {
        return handle.fd();
    }

    /** {@return the input side (the same object on every call)} */
    public InputStream input() {
        return in;
    }

    /** {@return the output side (the same object on every call)} */
    public OutputStream output() {
        return out;
    }

    /** Closes the fd (once), waking any thread blocked in a read or write first. */
    @Override
    public void close() throws IOException {
        handle.close();
    }

    @Override
    public String toString() {
        return "FdStream[fd=" + handle.fd() + (handle.isOpen() ? "" : ", closed") + "]";
    }

    static boolean isSocket(int fd) {
        try {
            Sys.getsockoptInt(fd, Consts.SOL_SOCKET, Consts.SO_TYPE, "getsockopt");
            return true;
        } catch (ErrnoException e) {
            return false;  // ENOTSOCK: a pipe, a tty, a file
        }
    }

    /** An InputStream over a handle (also RawSocket's {@code inputStream()}); close runs {@code closer}. */
    static InputStream input(FdHandle h, boolean socket, Closeable closer) {
        return new In(new Side(h, socket, closer));
    }

    /** An OutputStream over a handle (also RawSocket's {@code outputStream()}); close runs {@code closer}. */
    static OutputStream output(FdHandle h, boolean socket, Closeable closer) {
        return new Out(new Side(h, socket, closer));
    }

    /** What the input and the output side share: the fd, how it moves data, and what their close closes. */
    private record Side(FdHandle h, boolean socket, Closeable closer) {
        void checkOpen() throws IOException {
            if (!h.isOpen()) throw new IOException("stream closed");
        }

        /**
         * One call of a read or write. A close that comes between two chunks of one write (or just
         * after {@link #checkOpen}) makes the handle refuse the next call with EBADF; to the caller
         * that is a close during its operation, so it gets what a woken waiter gets.
         */
        long transfer(boolean write, MemorySegment seg) throws IOException {
            try {
                return IoCore.stream(h, socket, write, seg);
            } catch (ErrnoException e) {
                if (e.is(Errno.EBADF) && !h.isOpen()) throw new AsynchronousCloseException();
                throw e;
            }
        }
    }

    private static final class In extends InputStream {
        private final Side s;

        In(Side s) {
            this.s = s;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            s.checkOpen();
            if (len == 0) return 0;
            long n = s.transfer(false, MemorySegment.ofArray(b).asSlice(off, Math.min(len, CHUNK)));
            return n == 0 ? -1 : (int) n;
        }

        @Override
        public void close() throws IOException {
            s.closer().close();
        }
    }

    private static final class Out extends OutputStream {
        private final Side s;

        Out(Side s) {
            this.s = s;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            s.checkOpen();
            MemorySegment all = MemorySegment.ofArray(b);
            int done = 0;
            while (done < len) {
                done += (int) s.transfer(true, all.asSlice(off + done, Math.min(len - done, CHUNK)));
            }
        }

        @Override
        public void close() throws IOException {
            s.closer().close();
        }
    }
}
