package dev.rawsock.netty;

import dev.rawsock.RawSocket;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.Objects;

/**
 * The low-level piece: any {@link RawSocket} on a Netty 4.2 epoll loop, with readiness callbacks on
 * the loop thread and no {@code Channel}, pipeline or buffers. The listener does its own I/O with
 * the socket's never-waiting calls ({@link RawSocket#tryRecv}, {@link RawSocket#trySend}), which
 * return {@link RawSocket#WOULD_BLOCK} when the loop should wait again.
 *
 * <pre>{@code
 * RawIoHandle.register(loop, socket, h -> {
 *     while (h.socket().tryRecv(batch, batch.count()) > 0) { ... }
 * });
 * }</pre>
 *
 * Level-triggered: the listener is called again while the socket stays readable. {@link #close()}
 * cancels the registration on the loop, then closes the socket. When the loop shuts down it closes
 * the handle.
 */
public final class RawIoHandle implements EpollIoHandle {
    /** Readiness callbacks, called on the loop thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * The socket is readable (or has an error to report, which the next receive throws).
         *
         * @param handle the handle
         * @throws Exception anything; it goes to {@link #failed}
         */
        void readable(RawIoHandle handle) throws Exception;

        /**
         * The socket takes more data; called only while writability is asked for with
         * {@link RawIoHandle#interest(boolean, boolean)}.
         *
         * @param handle the handle
         * @throws Exception anything; it goes to {@link #failed}
         */
        default void writable(RawIoHandle handle) throws Exception {}

        /**
         * A callback threw; by default the handle is closed.
         *
         * @param handle the handle
         * @param cause what was thrown
         */
        default void failed(RawIoHandle handle, Throwable cause) {
            handle.close();
        }
    }

    private final IoEventLoop loop;
    private final RawSocket socket;
    private final Listener listener;
    private final OwnedFd fd;
    private volatile IoRegistration registration;
    private EpollIoOps ops = EpollIoOps.EPOLLIN;

    private RawIoHandle(IoEventLoop loop, RawSocket socket, Listener listener) {
        this.loop = loop;
        this.socket = socket;
        this.listener = listener;
        this.fd = new OwnedFd(socket.fd(), socket::isOpen);
    }

    /**
     * Registers {@code socket} with {@code loop}, asking for readability; the handle owns the socket
     * from now on.
     *
     * @param loop an epoll loop (from {@code new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory())})
     * @param socket an open socket
     * @param listener the callbacks
     * @return the handle once registered; failed when the loop is not an epoll loop or refuses it
     */
    public static Future<RawIoHandle> register(IoEventLoop loop, RawSocket socket, Listener listener) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(listener, "listener");
        Promise<RawIoHandle> done = loop.newPromise();
        if (!loop.isCompatible(RawIoHandle.class)) {
            return done.setFailure(new IllegalArgumentException("not an epoll event loop: " + loop));
        }
        RawIoHandle h = new RawIoHandle(loop, socket, listener);
        loop.register(h).addListener(f -> {
            if (!f.isSuccess()) {
                done.setFailure(f.cause());
                return;
            }
            IoRegistration r = (IoRegistration) f.getNow();
            h.registration = r;
            r.submit(h.ops);
            done.setSuccess(h);
        });
        return done;
    }

    /** {@return the socket; the handle owns it} */
    public RawSocket socket() {
        return socket;
    }

    /** {@return the loop the handle is registered with} */
    public IoEventLoop eventLoop() {
        return loop;
    }

    /** {@return the fd as Netty's epoll loop sees it} */
    @Override
    public FileDescriptor fd() {
        return fd;
    }

    /**
     * Chooses which readiness to be called for; from any thread (applied on the loop).
     *
     * @param readable whether to get {@link Listener#readable}
     * @param writable whether to get {@link Listener#writable}
     */
    public void interest(boolean readable, boolean writable) {
        EpollIoOps o = EpollIoOps.EPOLLERR;
        if (readable) o = o.with(EpollIoOps.EPOLLIN);
        if (writable) o = o.with(EpollIoOps.EPOLLOUT);
        EpollIoOps want = o;
        if (loop.inEventLoop()) apply(want);
        else loop.execute(() -> apply(want));
    }

    private void apply(EpollIoOps o) {
        ops = o;
        IoRegistration r = registration;
        if (r != null && r.isValid()) r.submit(o);
    }

    /** Called by the loop with the ready events. */
    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        int ready = ((EpollIoEvent) event).ops().value();
        try {
            if ((ready & (EpollIoOps.EPOLLOUT.value() | EpollIoOps.EPOLLERR.value())) != 0 && ops.contains(EpollIoOps.EPOLLOUT))
                listener.writable(this);
            if ((ready & (EpollIoOps.EPOLLIN.value() | EpollIoOps.EPOLLERR.value())) != 0 && socket.isOpen())
                listener.readable(this);
        } catch (Throwable t) {
            listener.failed(this, t);
        }
    }

    /**
     * Cancels the registration and then closes the socket, on the loop thread (from another thread
     * this is queued there); idempotent.
     */
    @Override
    public void close() {
        if (!loop.inEventLoop()) {
            loop.execute(this::close);
            return;
        }
        IoRegistration r = registration;
        if (r != null) r.cancel();
        try {
            socket.close();
        } catch (Exception ignored) {
            // closing an owned socket fails only if it was never valid: nothing left to release
        }
    }

    /** {@return the socket and whether the handle is registered} */
    @Override
    public String toString() {
        IoRegistration r = registration;
        return "RawIoHandle[" + socket + (r != null && r.isValid() ? ", registered" : "") + "]";
    }
}
