package dev.rawsock.capture;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import dev.rawsock.TestSupport;
import dev.rawsock.internal.NetIf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** What the capture tests share: privilege probe, loopback traffic, mapping counts, a private netns thread. */
final class CaptureSupport {
    private CaptureSupport() {}

    /** Whether this process may open AF_PACKET sockets (CAP_NET_RAW). */
    static boolean canCapture() {
        try (RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
            return s.isOpen();
        } catch (IOException e) {
            return false;
        }
    }

    static final String NEEDS_CAP = "needs CAP_NET_RAW (run as root, as CI does)";

    static int loIndex() throws IOException {
        return NetIf.index("lo");
    }

    /** A UDP socket bound on 127.0.0.1 that nobody reads: datagrams to it make no ICMP errors. */
    static DatagramChannel sink() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress("127.0.0.1", 0));
        return c;
    }

    static int port(DatagramChannel c) throws IOException {
        return ((InetSocketAddress) c.getLocalAddress()).getPort();
    }

    static void sendUdp(DatagramChannel from, int port, byte[] payload) throws IOException {
        from.send(ByteBuffer.wrap(payload), new InetSocketAddress("127.0.0.1", port));
    }

    /** Lines of /proc/self/maps, and of them those that map a socket (a packet ring shows as socket:[inode]). */
    static long[] mapCounts() throws IOException {
        long all = 0, sockets = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            all++;
            if (line.contains("socket:[")) sockets++;
        }
        return new long[] {all, sockets};
    }

    /** The bytes from the frame's buffer. */
    static byte[] bytes(CapturedPacket p) {
        ByteBuffer b = p.data();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    /** Whether {@code hay} contains {@code needle}. */
    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    /** The program {@code tcpdump -dd -y LINKTYPE EXPR} prints: libpcap's own compilation, for link types ours lacks. */
    static dev.rawsock.packet.BpfProgram tcpdumpProgram(String linkType, String expr) throws IOException, InterruptedException {
        return dev.rawsock.packet.BpfProgram.parse(TestSupport.check(30, List.of("tcpdump", "-dd", "-y", linkType, expr)));
    }

    // ---------------------------------------------------------------- per-thread namespace and capabilities

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle UNSHARE = LINKER.downcallHandle(LINKER.defaultLookup().find("unshare").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CAPGET = LINKER.downcallHandle(LINKER.defaultLookup().find("capget").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CAPSET = LINKER.downcallHandle(LINKER.defaultLookup().find("capset").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETTID = LINKER.downcallHandle(LINKER.defaultLookup().find("gettid").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT));

    /** The calling thread's kernel id. */
    static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The {@code promiscuity} counter that {@code ip -d link show IF} prints, read in the network
     * namespace of the calling thread (through nsenter on /proc/PID/task/TID/ns/net).
     */
    static int promiscuity(String ifname) throws IOException, InterruptedException {
        String out = ip("-d", "link", "show", ifname);
        Matcher m = Pattern.compile("promiscuity (\\d+)").matcher(out);
        if (!m.find()) throw new IOException("no promiscuity in: " + out);
        return Integer.parseInt(m.group(1));
    }

    /** Runs {@code ip ARGS} in the calling thread's network namespace; fails unless it succeeds; its output. */
    static String ip(String... args) throws IOException, InterruptedException {
        String ns = "/proc/" + ProcessHandle.current().pid() + "/task/" + gettid() + "/ns/net";
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns, "ip"));
        cmd.addAll(List.of(args));
        TestSupport.Result r = TestSupport.exec(10, cmd);
        if (r.rc() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + r.out());
        return r.out();
    }

    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_LONG, JAVA_INT, ADDRESS, java.lang.foreign.ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final int O_RDWR = 2, TUNSETIFF = 0x400454ca, IFF_TUN = 0x0001, IFF_NO_PI = 0x1000;

    /**
     * Creates tun device {@code name} in the calling thread's namespace (TUNSETIFF on /dev/net/tun,
     * IFF_TUN | IFF_NO_PI) and returns the fd that keeps it, and its carrier, alive; closing it removes it.
     */
    static int openTun(String name) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom("/dev/net/tun"), O_RDWR);
            if (fd < 0) throw new IOException("open(/dev/net/tun) failed");
            MemorySegment ifr = a.allocate(40);
            ifr.setString(0, name);
            ifr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 16, (short) (IFF_TUN | IFF_NO_PI));
            if ((int) IOCTL.invokeExact(fd, (long) TUNSETIFF, ifr) != 0) {
                closeFd(fd);
                throw new IOException("ioctl(TUNSETIFF) failed");
            }
            return fd;
        }
    }

    /** Writes one packet into a tun fd: the device receives it, as if from the wire. */
    static void writeFd(int fd, byte[] packet) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(packet.length);
            MemorySegment.copy(packet, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, packet.length);
            long n = (long) WRITE.invokeExact(fd, m, (long) packet.length);
            if (n != packet.length) throw new IOException("write to tun: " + n);
        }
    }

    static void closeFd(int fd) throws Throwable {
        int r = (int) CLOSE.invokeExact(fd);
        if (r != 0) throw new IOException("close failed");
    }

    private static final int CLONE_NEWNET = 0x40000000;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int CAP_NET_RAW = 13;

    /**
     * Runs {@code body} on a fresh platform thread that first moves itself (only itself: namespaces
     * are per thread on Linux) into a new, empty network namespace: whatever it does to interfaces
     * stays there, and the namespace goes away with the thread and its sockets.
     */
    static <T> T inPrivateNetns(Callable<T> body) throws Exception {
        return inPrivateNetns0(body::call);
    }

    /** {@link #inPrivateNetns} for a body that may throw anything (FFM downcalls throw Throwable). */
    static <T> T inPrivateNetns0(Body<T> body) throws Exception {
        return onOwnThread(() -> {
            int r = (int) UNSHARE.invokeExact(CLONE_NEWNET);
            if (r != 0) throw new IllegalStateException("unshare(CLONE_NEWNET) failed");
            return body.call();
        });
    }

    /** Runs {@code body} on a fresh platform thread whose effective capabilities lack CAP_NET_RAW. */
    static <T> T withoutCapNetRaw(Callable<T> body) throws Exception {
        return onOwnThread(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment hdr = a.allocate(8, 4);
                MemorySegment data = a.allocate(24, 4);
                hdr.set(JAVA_INT, 0, LINUX_CAPABILITY_VERSION_3);
                hdr.set(JAVA_INT, 4, 0);
                if ((int) CAPGET.invokeExact(hdr, data) != 0) throw new IllegalStateException("capget failed");
                data.set(JAVA_INT, 0, data.get(JAVA_INT, 0) & ~(1 << CAP_NET_RAW));  // data[0].effective
                if ((int) CAPSET.invokeExact(hdr, data) != 0) throw new IllegalStateException("capset failed");
            }
            return body.call();
        });
    }

    interface Body<T> {
        T call() throws Throwable;
    }

    private static <T> T onOwnThread(Body<T> body) throws Exception {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("capture-test-private").start(() -> {
            try {
                out.set(body.call());
            } catch (Throwable e) {
                err.set(e);
            }
        });
        t.join(60_000);
        if (t.isAlive()) throw new AssertionError("private thread did not finish in 60 s");
        Throwable e = err.get();
        if (e instanceof Exception ex) throw ex;
        if (e instanceof Error er) throw er;
        if (e != null) throw new RuntimeException(e);
        return out.get();
    }
}
