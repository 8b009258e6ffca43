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

    /**
     * Reads into a {@code byte[][]} while another thread keeps swapping one of its parts between a
     * 1-byte and a 64 KiB array, through every path that stages an iovec: the facade's readv, the
     * owned socket's readv, recvmsg and recvmmsg. Data may come out wrong; memory must not.
     */
    public static final class IovecRace {
        public static void main(String[] args) throws Exception {
            long millis = Long.parseLong(args[0]);
            RawSocket[] pair = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
            byte[] small = new byte[1], big = new byte[64 * 1024];
            byte[][] iov = {new byte[16], small};
            Message msg = new Message(null, iov);
            AtomicBoolean stop = new AtomicBoolean();
            Thread swapper = Thread.ofPlatform().daemon().start(() -> {
                while (!stop.get()) iov[1] = iov[1] == small ? big : small;
            });
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                byte[] chunk = new byte[128 * 1024];
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
}
