package dev.rawsock.netty;

import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

import java.io.UncheckedIOException;
import java.net.SocketAddress;

/**
 * What {@link RawChannel} and {@link CaptureChannel} share: an fd rawsock owns, joined to an
 * {@code EpollIoHandler} loop the Netty 4.2 way (the {@code Unsafe} is an {@link EpollIoHandle},
 * registered with {@link IoEventLoop#register}, interest changed with
 * {@link IoRegistration#submit}); level-triggered, as Netty's own epoll channels.
 *
 * <p>Close order: the registration is cancelled on the loop thread (EPOLL_CTL_DEL) before the owner
 * closes the fd, so the loop never acts on an fd number that may already belong to someone else.
 */
abstract class AbstractRawChannel extends AbstractChannel {
    private static final int IN = EpollIoOps.EPOLLIN.value(), OUT = EpollIoOps.EPOLLOUT.value(),
            ERR = EpollIoOps.EPOLLERR.value();

    private final OwnedFd fd;
    private final ChannelMetadata metadata;
    private IoRegistration registration;
    private EpollIoOps ops = EpollIoOps.EPOLLERR;
    /** A read() came since the last delivery; with autoRead off, EPOLLIN stays on only while one is pending. */
    boolean readPending;

    AbstractRawChannel(int fd, java.util.function.BooleanSupplier open, int defaultMaxMessagesPerRead) {
        super(null);
        this.fd = new OwnedFd(fd, open);
        this.metadata = new ChannelMetadata(false, defaultMaxMessagesPerRead);
    }

    /** Reads what is ready, on the loop thread. */
    abstract void readReady();

    /** Closes what owns the fd; called after the registration is cancelled. */
    abstract void closeOwner() throws Exception;

    /** {@return the channel's metadata: no disconnect (a disconnect closes it)} */
    @Override
    public ChannelMetadata metadata() {
        return metadata;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(RawUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((RawUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                registration.submit(ops);
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            ops = EpollIoOps.EPOLLERR;
            r.cancel();
        }
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        setFlag(EpollIoOps.EPOLLIN);
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        IoRegistration r = registration;
        if (r != null && r.isValid() && isRegistered() && !eventLoop().inEventLoop()) {
            // cancel() from another thread only queues the EPOLL_CTL_DEL: close the fd after it has run
            eventLoop().execute(() -> {
                r.cancel();
                try {
                    closeOwner();
                } catch (Exception e) {
                    pipeline().fireExceptionCaught(e);
                }
            });
            return;
        }
        if (r != null) r.cancel();
        closeOwner();
    }

    final void setFlag(EpollIoOps flag) {
        if (ops.contains(flag)) return;
        ops = ops.with(flag);
        submit();
    }

    final void clearFlag(EpollIoOps flag) {
        if (!ops.contains(flag)) return;
        ops = ops.without(flag);
        submit();
    }

    final boolean isFlagSet(EpollIoOps flag) {
        return ops.contains(flag);
    }

    private void submit() {
        IoRegistration r = registration;
        if (r == null || !r.isValid()) return;  // applied at registration
        try {
            r.submit(ops);
        } catch (UncheckedIOException e) {
            pipeline().fireExceptionCaught(e.getCause());
            unsafe().close(unsafe().voidPromise());
        }
    }

    /** The allocator's MAX_MESSAGES_PER_READ (the metadata's default when it has none). */
    final int maxMessagesPerRead(io.netty.channel.ChannelConfig config) {
        return config.getRecvByteBufAllocator() instanceof io.netty.channel.MaxMessagesRecvByteBufAllocator m
                ? Math.max(1, m.maxMessagesPerRead()) : metadata.defaultMaxMessagesPerRead();
    }

    /** After a read: with autoRead off and no read() pending, stop asking for EPOLLIN. */
    final void afterRead() {
        if (!readPending && !config().isAutoRead()) clearFlag(EpollIoOps.EPOLLIN);
    }

    @Override
    protected abstract RawUnsafe newUnsafe();

    /** The channel's {@code Unsafe}, which the epoll loop drives as an {@link EpollIoHandle}. */
    class RawUnsafe extends AbstractUnsafe implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) return;
            try {
                doConnect(remote, local);
                promise.setSuccess();
            } catch (Throwable t) {
                promise.setFailure(annotateConnectException(t, remote));
                closeIfClosed();
            }
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            int ready = ((EpollIoEvent) event).ops().value();
            if ((ready & (OUT | ERR)) != 0 && isFlagSet(EpollIoOps.EPOLLOUT)) {
                clearFlag(EpollIoOps.EPOLLOUT);
                super.flush0();
            }
            if ((ready & (IN | ERR)) != 0 && isOpen()) readReady();
        }

        @Override
        protected void flush0() {
            // while waiting for EPOLLOUT the loop flushes when the socket takes more
            if (!isFlagSet(EpollIoOps.EPOLLOUT)) super.flush0();
        }

        @Override
        public void close() {
            close(voidPromise());
        }
    }

    /** Connects the socket; channels that cannot connect throw UnsupportedOperationException. */
    void doConnect(SocketAddress remote, SocketAddress local) throws Exception {
        throw new UnsupportedOperationException("connect");
    }
}
