package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code inside another network namespace, so that the sockets, tun devices and netlink
 * connections it opens belong to that namespace ({@code setns(2)} with {@code CLONE_NEWNET},
 * network_namespaces(7)). A socket stays in the namespace it was created in, wherever it is used
 * afterwards: open it here, use it from any thread.
 *
 * <p>The code runs on a new platform thread that enters the namespace and ends when the code
 * returns, so no thread of the caller (nor a virtual thread's carrier) ever changes namespace.
 * Entering a namespace needs CAP_SYS_ADMIN.
 *
 * <pre>{@code
 * RawSocket s = NetNamespace.call(NetNamespace.named("test1"),
 *         () -> RawSocket.open(Domain.INET, SocketType.DGRAM));
 * }</pre>
 */
public final class NetNamespace {
    private NetNamespace() {}

    /**
     * Code to run in the namespace.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Action<T> {
        /**
         * {@return the result}
         *
         * @throws IOException as the code may
         */
        T run() throws IOException;
    }

    /**
     * {@return the file {@code ip netns add NAME} made for a namespace: {@code /var/run/netns/NAME}}
     *
     * @param name the namespace's name (no '/')
     */
    public static Path named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals(".."))
            throw new IllegalArgumentException("bad namespace name '" + name + "'");
        return Path.of("/var/run/netns", name);
    }

    /**
     * Runs {@code action} in the network namespace at {@code namespace} and returns its result.
     *
     * @param namespace a namespace file ({@link #named(String)}, {@code /proc/PID/ns/net})
     * @param action the code
     * @param <T> its result type
     * @return what {@code action} returned
     * @throws ErrnoException if the file cannot be opened ({@code open(2)}) or entered ({@code setns(2)}: EPERM without CAP_SYS_ADMIN, EINVAL if it is not a network namespace)
     * @throws IOException what {@code action} threw
     */
    public static <T> T call(Path namespace, Action<T> action) throws IOException {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(action, "action");
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("rawsock-netns").unstarted(() -> {
            try {
                int fd = Sys.open(namespace.toString(), Consts.O_RDONLY);
                try {
                    Sys.setns(fd, Consts.CLONE_NEWNET);
                } finally {
                    Sys.closeQuietly(fd);
                }
                result.set(action.run());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        // Waits even when interrupted: returning early would leak whatever the action opens.
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable f = failure.get();
        if (f instanceof IOException io) throw io;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error err) throw err;
        return result.get();
    }
}
