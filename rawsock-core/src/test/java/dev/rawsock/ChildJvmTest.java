package dev.rawsock;

import dev.rawsock.internal.Errno;
import dev.rawsock.internal.Sys;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases that could take the JVM down, each in a child JVM so that a crash (SIGSEGV, glibc's
 * "malloc(): invalid size") is reported as a failed test, not a dead test run: iovec arrays swapped
 * by another thread in the middle of a call, and running out of fds with a low {@code ulimit -n}.
 */
class ChildJvmTest {
    /** The child's exit status and everything it printed. */
    record Outcome(int rc, String out) {}

    /** Runs {@code main} in a child JVM with this class path, under {@code ulimit -n fds} when fds > 0; bounded. */
    static Outcome child(int seconds, int fds, Class<?> main, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile("rawsock-child", ".log");
        try {
            List<String> java = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:-CreateCoredumpOnCrash",
                    "-XX:ErrorFile=" + log + ".hs_err", "-cp", System.getProperty("java.class.path"), main.getName()));
            java.addAll(List.of(args));
            List<String> cmd = new ArrayList<>();
            if (fds > 0) {
                StringBuilder sh = new StringBuilder("ulimit -n " + fds + " && exec");
                for (String a : java) sh.append(" '").append(a.replace("'", "'\\''")).append("'");
                cmd.addAll(List.of("sh", "-c", sh.toString()));
            } else {
                cmd.addAll(java);
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("child " + main.getSimpleName() + " still running after " + seconds + " s:\n" + Files.readString(log));
            }
            return new Outcome(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
            new File(log + ".hs_err").delete();
        }
    }

    @Test
    void swappingIovecArraysDuringCallsNeverCorruptsMemory() throws Exception {
        Outcome o = child(120, 0, IovecRace.class, "3000");
        assertEquals(0, o.rc(), () -> "the child crashed or failed:\n" + o.out());
        assertTrue(o.out().contains("ok "), o.out());
    }

    @Test
    void runningOutOfFdsGivesEmfileAndTheLibraryRecovers() throws Exception {
        Outcome o = child(120, 256, FdExhaustion.class);
        assertEquals(0, o.rc(), () -> "the child crashed or failed:\n" + o.out());
        assertTrue(o.out().contains("ok recovered"), o.out());
    }

    @Test
    void anySockaddrAndControlBytesThroughTheKernelNeverCrash() throws Exception {
        Outcome o = child(120, 0, KernelFuzz.class, "20261207", "3000");
        assertEquals(0, o.rc(), () -> "the child crashed or met a defect:\n" + o.out());
        assertTrue(o.out().contains("ok 3000 inputs"), o.out());
    }

    /**
     * Reads into a {@code byte[][]} while another thread keeps swapping one of its parts between a
     * 1-byte and a 1 MiB array, through every path that stages an iovec: the facade's readv, the
     * owned socket's readv, and recvmsg on both. Data may come out wrong; memory must not. The big part
     * is over what a thread's scratch keeps (a call that needs it gets memory of its own), so the kept
     * scratch stays small and a length read twice would let the kernel write far past it.
     */
    public static final class IovecRace {
        public static void main(String[] args) throws Exception {
            long millis = Long.parseLong(args[0]);
            RawSocket[] pair = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
            byte[] small = new byte[1], big = new byte[1 << 20];
            byte[][] iov = {new byte[16], small};
            Message msg = new Message(null, iov);
            AtomicBoolean stop = new AtomicBoolean();
            Thread swapper = Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) iov[1] = iov[1] == small ? big : small;
            });
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                byte[] chunk = new byte[256 * 1024];
                try {
                    while (!stop.get()) pair[1].write(chunk);
                } catch (IOException closed) {
                    // the end
                }
            });
            long end = System.nanoTime() + millis * 1_000_000L, rounds = 0;
            while (System.nanoTime() < end) {
                try {
                    switch ((int) (rounds++ % 4)) {
                        case 0 -> Rawsock.sockRead(pair[0].fd(), iov);
                        case 1 -> pair[0].read(iov);
                        case 2 -> pair[0].recvMsg(msg);
                        default -> Rawsock.recvmsg(pair[0].fd(), msg);
                    }
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EAGAIN) throw e;  // the facade on the owned, non-blocking fd
                }
            }
            stop.set(true);
            swapper.join(10_000);
            pair[0].close();
            pair[1].close();
            System.out.println("ok " + rounds + " rounds");
        }
    }

    /**
     * Opens sockets until EMFILE, then asks for the poller (a virtual thread's wait) and for more
     * sockets: both must say EMFILE as an ErrnoException; once fds are free again, both work.
     */
    public static final class FdExhaustion {
        public static void main(String[] args) throws Exception {
            List<Integer> held = new ArrayList<>();
            int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
            // With no fd left the JVM cannot open a class file either: load now what the run below needs.
            new ErrnoException("epoll_create1", Errno.EMFILE, -1).getMessage();
            for (String c : List.of("Poller", "Libc$epoll_create1", "Libc$epoll_ctl", "Libc$epoll_wait", "Libc$poll"))
                Class.forName("dev.rawsock.internal." + c);
            Thread warm = Thread.ofVirtual().start(() -> {
                try {
                    Rawsock.poll(pair[0], EnumSet.of(PollEvent.OUT), 0);
                } catch (ErrnoException e) {
                    throw new RuntimeException(e);
                }
            });
            warm.join();
            RawSocket.open(Domain.INET, SocketType.DGRAM).close();
            try {
                while (held.size() < 100_000) held.add(Rawsock.socket(Domain.INET, SocketType.DGRAM));
                throw new AssertionError("no EMFILE after 100,000 sockets");
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EMFILE) throw e;
            }
            // every fd is taken: the poller cannot start, and says so with the errno
            Object[] got = {pollOnAVirtualThread(pair[0])};
            if (!(got[0] instanceof ErrnoException pe) || pe.errno() != Errno.EMFILE || !pe.function().equals("epoll_create1"))
                throw new AssertionError("poller start without fds: " + got[0]);
            try {
                RawSocket.open(Domain.INET, SocketType.DGRAM).close();
                throw new AssertionError("a socket without fds");
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EMFILE) throw e;
            }
            for (int i = 0; i < 16; i++) Sys.closeQuietly(held.remove(held.size() - 1));
            // fds are free again: the poller starts and a virtual thread's wait works
            got[0] = pollOnAVirtualThread(pair[0]);
            if (!Set.of().equals(got[0])) throw new AssertionError("poll after recovery: " + got[0]);
            try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
                s.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            }
            for (int fd : held) Sys.closeQuietly(fd);
            System.out.println("ok recovered");
        }

        /** What a 50 ms poll for IN on a virtual thread (a wait in the poller) returned or threw. */
        static Object pollOnAVirtualThread(int fd) throws InterruptedException {
            Object[] got = new Object[1];
            Thread.ofVirtual().start(() -> {
                try {
                    got[0] = Rawsock.poll(fd, EnumSet.of(PollEvent.IN), 50);
                } catch (Throwable t) {
                    got[0] = t;
                }
            }).join(30_000);
            return got[0];
        }
    }

    /**
     * Random sockaddr bytes (any family, any length) into getnameinfo (numeric only: no name lookup
     * leaves the machine), bind and connect of a UDP socket (connect sends nothing), and random
     * control bytes into sendmsg on a Unix datagram pair: the library's parsing and the C library's
     * must answer or refuse, never crash. Fixed seed; the failing input is printed.
     */
    public static final class KernelFuzz {
        static final java.util.Set<Class<?>> DOCUMENTED = java.util.Set.of(IllegalArgumentException.class,
                IllegalStateException.class, IndexOutOfBoundsException.class, ErrnoException.class, GaiException.class);

        public static void main(String[] args) throws Exception {
            java.util.Random r = new java.util.Random(Long.parseLong(args[0]));
            int n = Integer.parseInt(args[1]);
            int[] families = {0, 1, 2, 10, 16, 17, 0xffff};
            int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
            int udp = -1;
            byte[] sink = new byte[256];
            for (int i = 0; i < n; i++) {
                if (i % 50 == 0) {
                    if (udp >= 0) Sys.closeQuietly(udp);
                    udp = Rawsock.socket(r.nextBoolean() ? Domain.INET : Domain.INET6, SocketType.DGRAM);
                }
                byte[] raw = new byte[2 + r.nextInt(SockAddr.CAPACITY - 1)];
                r.nextBytes(raw);
                int f = families[r.nextInt(families.length)];
                raw[0] = (byte) f;
                raw[1] = (byte) (f >> 8);
                if ((f == 2 || f == 10) && raw.length > 4) raw[4] = 127;  // mostly loopback-looking, never a packet sent anyway
                byte[] control = new byte[r.nextInt(96)];
                r.nextBytes(control);
                if (control.length >= 16 && r.nextBoolean()) {
                    // a well-formed header (cmsg_len, SOL_SOCKET, SCM_RIGHTS or SCM_CREDENTIALS) over random data
                    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(control).order(java.nio.ByteOrder.nativeOrder());
                    h.putLong(0, 16 + r.nextInt(control.length - 15)).putInt(8, 1).putInt(12, 1 + r.nextInt(2));
                }
                String in = "input " + i + ": sockaddr " + java.util.HexFormat.of().formatHex(raw) + " control "
                        + java.util.HexFormat.of().formatHex(control);
                int fd = udp;
                run(in, () -> {
                    SockAddr a = SockAddr.fromBytes(raw);
                    Rawsock.getnameinfo(a, NiFlag.NUMERICHOST, NiFlag.NUMERICSERV);
                    return null;
                });
                run(in, () -> { Rawsock.bind(fd, SockAddr.fromBytes(raw)); return null; });
                run(in, () -> { Rawsock.connect(fd, SockAddr.fromBytes(raw)); return null; });
                run(in, () -> Rawsock.sendmsg(pair[0], new Message(null, new byte[] {1}).control(control)));
                while (true) {
                    try {
                        Rawsock.recv(pair[1], sink, MsgFlag.DONTWAIT);  // fds in flight are closed with the datagram
                    } catch (ErrnoException empty) {
                        break;
                    }
                }
            }
            Sys.closeQuietly(udp);
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
            System.out.println("ok " + n + " inputs");
        }

        static void run(String input, java.util.concurrent.Callable<Object> call) {
            try {
                call.call();
            } catch (Throwable t) {
                if (!DOCUMENTED.contains(t.getClass())) {
                    System.out.println("defect for " + input);
                    t.printStackTrace(System.out);
                    System.exit(2);
                }
            }
        }
    }
}
