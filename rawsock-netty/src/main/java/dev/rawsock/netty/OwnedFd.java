package dev.rawsock.netty;

import io.netty.channel.unix.FileDescriptor;

import java.util.function.BooleanSupplier;

/**
 * The fd of a rawsock socket or capture as Netty's epoll loop sees it. rawsock owns the fd: Netty's
 * {@link #close()} does nothing, and {@link #isOpen()} is the owner's state, so the loop removes the
 * fd from its epoll set (EPOLL_CTL_DEL) only while the number still belongs to the owner.
 */
final class OwnedFd extends FileDescriptor {
    private final BooleanSupplier open;

    OwnedFd(int fd, BooleanSupplier open) {
        super(fd);
        this.open = open;
    }

    @Override
    public boolean isOpen() {
        return open.getAsBoolean();
    }

    @Override
    public void close() {
        // the owner closes the fd, after the registration is cancelled
    }
}
