package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Libc;
import dev.rawsock.internal.NetIf;
import dev.rawsock.internal.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.rawsock.TestSupport.assertErrno;
import static dev.rawsock.TestSupport.ascii;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * sendmsg/recvmsg with iovecs and control messages on real sockets (loopback and Unix socketpairs
 * only): the message part of CLISP's test.tst, fd passing, credentials, PKTINFO, TTL, the error
 * queue, truncation, and bad input.
 */
class MessagesTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    final List<Integer> fds = new ArrayList<>();

    int track(int fd) {
        fds.add(fd);
        return fd;
    }

    @AfterEach
    void closeAll() {
        for (int fd : fds) Sys.closeQuietly(fd);
    }

    int udpBound() throws ErrnoException {
        int fd = track(Rawsock.socket(Domain.INET, SocketType.DGRAM));
        Rawsock.bind(fd, SockAddr.inet(LO, 0));
        return fd;
    }

    @Test
    void testTstMessagePart() throws Exception {
        int rx = udpBound(), tx = udpBound();
        SockAddr to = Rawsock.getsockname(rx);
        Message out = new Message(to, ascii("man"), ascii("bites"), ascii("dog"));
        assertEquals(11, Rawsock.sendmsg(tx, out));
        assertEquals(11, out.length());

        Message in = new Message(SockAddr.of(Domain.INET), new byte[3], new byte[5], new byte[3]);
        assertEquals(11, Rawsock.recvmsg(rx, in));
        assertEquals("man", ascii(in.iovec()[0]));
        assertEquals("bites", ascii(in.iovec()[1]));
        assertEquals("dog", ascii(in.iovec()[2]));
        assertEquals(11, in.length());
        assertEquals(Rawsock.getsockname(tx), in.addr());
        assertEquals(Set.of(), in.flags());

        // :start/:end select parts of the iovec on both sides
        assertEquals(8, Rawsock.sendmsg(tx, out, 1, 3));
        Message part = new Message(SockAddr.of(Domain.INET), new byte[1], new byte[5], new byte[3]);
        assertEquals(8, Rawsock.recvmsg(rx, part, 1, 3));
        assertEquals("bites", ascii(part.iovec()[1]));
        assertEquals("dog", ascii(part.iovec()[2]));
        assertEquals(0, part.iovec()[0][0]);

        // a datagram longer than the iovec: MSG_TRUNC in flags, and with TRUNC passed, the real length
        Rawsock.sendmsg(tx, out);
        Message small = new Message(null, new byte[4]);
        assertEquals(11, Rawsock.recvmsg(rx, small, MsgFlag.TRUNC));
        assertTrue(small.flags().contains(MsgFlag.TRUNC));
        assertEquals("manb", ascii(small.iovec()[0]));
    }

    @Test
    void recvmsgOnAVirtualThreadWaitsWithoutPinning() throws Exception {
        int rx = udpBound(), tx = udpBound();
        SockAddr to = Rawsock.getsockname(rx);
        Message in = new Message(null, new byte[16]);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                Rawsock.recvmsg(rx, in);
            } catch (ErrnoException e) {
                throw new RuntimeException(e);
            }
        });
        TestSupport.awaitBlocked(t);
        Rawsock.sendto(tx, ascii("hi"), to);
        t.join(5000);
        assertFalse(t.isAlive());
        assertEquals(2, in.length());
    }

    @Test
    void passOneFdAndUseIt() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        track(pair[0]);
        track(pair[1]);
        int[] pipe = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);  // the fd to pass, and its peer
        track(pipe[0]);
        track(pipe[1]);

        Rawsock.sendmsg(pair[0], new Message(null, ascii("x")).control(ControlMessage.scmRights(pipe[0])));
        Message in = new Message(null, new byte[1]).control(new byte[ControlMessage.space(4)]);
        assertEquals(1, Rawsock.recvmsg(pair[1], in));
        List<ControlMessage> cm = in.controlMessages();
        assertEquals(1, cm.size());
        assertTrue(cm.get(0).isScmRights());
        int[] got = cm.get(0).fds();
        assertEquals(1, got.length);
        int passed = track(got[0]);
        assertNotEquals(pipe[0], passed);
        // received fds are close-on-exec (MSG_CMSG_CLOEXEC)
        assertEquals(Consts.FD_CLOEXEC, Sys.fcntl(passed, Consts.F_GETFD, 0) & Consts.FD_CLOEXEC);

        assertEquals(5, Rawsock.sockWrite(passed, ascii("hello")));
        byte[] b = new byte[5];
        assertEquals(5, Rawsock.sockRead(pipe[1], b));
        assertEquals("hello", ascii(b));
    }

    @Test
    void pass200FdsAndUseThem() throws Exception {
        long before = TestSupport.openFds();
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        int[] peer = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        int[] dups = new int[200];
        for (int i = 0; i < dups.length; i++) dups[i] = Sys.dup(peer[0]);
        Rawsock.sendmsg(pair[0], new Message(null, ascii("fds")).control(ControlMessage.scmRights(dups)));
        for (int d : dups) Sys.close(d);

        Message in = new Message(null, new byte[8]).control(new byte[ControlMessage.space(4 * 200)]);
        assertEquals(3, Rawsock.recvmsg(pair[1], in));
        assertFalse(in.flags().contains(MsgFlag.CTRUNC));
        int[] got = in.controlMessages().get(0).fds();
        assertEquals(200, got.length);
        assertEquals(200, Arrays.stream(got).distinct().count());
        for (int i = 0; i < got.length; i += 50) {
            byte[] msg = ascii("via " + i);
            assertEquals(msg.length, Rawsock.send(got[i], msg));
            byte[] b = new byte[16];
            int n = Rawsock.recv(peer[1], b);
            assertEquals("via " + i, new String(b, 0, n, StandardCharsets.US_ASCII));
        }
        for (int fd : got) Sys.close(fd);
        for (int fd : new int[] {pair[0], pair[1], peer[0], peer[1]}) Sys.close(fd);
        assertEquals(before, TestSupport.openFds());
    }

    @Test
    void credentialsAreThisProcess() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        track(pair[0]);
        track(pair[1]);
        Sys.setsockoptInt(pair[1], Consts.SOL_SOCKET, Consts.SO_PASSCRED, 1, "setsockopt");
        int pid = (int) ProcessHandle.current().pid(), uid = Libc.getuid(), gid = Libc.getgid();
        ControlMessage.Credentials me = new ControlMessage.Credentials(pid, uid, gid);

        // sent explicitly ...
        Rawsock.sendmsg(pair[0], new Message(null, ascii("a")).control(ControlMessage.credentials(pid, uid, gid)));
        Message in = new Message(null, new byte[4]).control(new byte[ControlMessage.space(12)]);
        Rawsock.recvmsg(pair[1], in);
        assertEquals(me, in.controlMessages().get(0).credentials());

        // ... and added by the kernel when the receiver has SO_PASSCRED
        Rawsock.send(pair[0], ascii("b"));
        Message in2 = new Message(null, new byte[4]).control(new byte[ControlMessage.space(12)]);
        Rawsock.recvmsg(pair[1], in2);
        assertEquals(me, in2.controlMessages().get(0).credentials());
    }

    @Test
    void pktinfoGivesLoopbackAndItsIndex() throws Exception {
        int rx = udpBound(), tx = udpBound();
        Sys.setsockoptInt(rx, Consts.SOL_IP, Consts.IP_PKTINFO, 1, "setsockopt");
        Rawsock.sendto(tx, ascii("p"), Rawsock.getsockname(rx));
        Message in = new Message(null, new byte[4]).control(new byte[ControlMessage.space(12)]);
        Rawsock.recvmsg(rx, in);
        ControlMessage.PacketInfo pi = in.controlMessages().stream()
                .filter(m -> m.level().equals(Level.IP) && m.type() == Consts.IP_PKTINFO).findFirst().orElseThrow().packetInfo();
        assertEquals(InetAddress.getByName("127.0.0.1"), pi.destination());
        assertEquals(NetIf.index("lo"), pi.ifindex());
    }

    @Test
    void ttlIsReceived() throws Exception {
        int rx = udpBound(), tx = udpBound();
        Sys.setsockoptInt(rx, Consts.SOL_IP, Consts.IP_RECVTTL, 1, "setsockopt");
        Sys.setsockoptInt(tx, Consts.SOL_IP, Consts.IP_TTL, 77, "setsockopt");
        SockAddr to = Rawsock.getsockname(rx);
        Rawsock.sendto(tx, ascii("t"), to);
        Message in = new Message(null, new byte[4]).control(new byte[ControlMessage.space(4)]);
        Rawsock.recvmsg(rx, in);
        assertEquals(77, in.controlMessages().get(0).ttl());

        // a TTL sent as a control message applies to that datagram only
        Rawsock.sendmsg(tx, new Message(to, ascii("u")).control(ControlMessage.ttl(33)));
        Rawsock.recvmsg(rx, in);
        assertEquals(33, in.controlMessages().get(0).ttl());
    }

    @Test
    void connectionRefusedComesFromTheErrorQueue() throws Exception {
        int closed = Rawsock.socket(Domain.INET, SocketType.DGRAM);
        Rawsock.bind(closed, SockAddr.inet(LO, 0));
        SockAddr nobody = Rawsock.getsockname(closed);
        Sys.close(closed);

        int s = udpBound();
        Rawsock.setSocketOption(s, SockOpt.IP_RECVERR, true);  // the typed option catalogue and messages together
        Rawsock.sendto(s, ascii("anyone?"), nobody);
        assertTrue(Rawsock.poll(s, Set.of(PollEvent.ERR), 5000).contains(PollEvent.ERR), "no error queued within 5 s");

        Message err = new Message(SockAddr.of(Domain.INET), new byte[64]).control(new byte[256]);
        int n = Rawsock.recvmsg(s, err, MsgFlag.ERRQUEUE);
        assertEquals("anyone?", new String(err.iovec()[0], 0, n, StandardCharsets.US_ASCII));
        assertTrue(err.flags().contains(MsgFlag.ERRQUEUE));
        assertEquals(nobody, err.addr());
        ControlMessage.ExtendedError e = err.controlMessages().stream()
                .filter(m -> m.level().equals(Level.IP) && m.type() == Consts.IP_RECVERR).findFirst().orElseThrow().extendedError();
        assertEquals(Errno.ECONNREFUSED.number(), e.errno());
        assertEquals(Consts.SO_EE_ORIGIN_ICMP, e.origin());
        assertEquals(Consts.ICMP_DEST_UNREACH, e.type());
        assertEquals(Consts.ICMP_PORT_UNREACH, e.code());
        assertEquals(InetAddress.getByName("127.0.0.1"), e.offender().inetAddress());

        // the queue is empty now: MSG_ERRQUEUE never waits, it says EAGAIN as in C
        ErrnoException again = assertThrows(ErrnoException.class, () -> Rawsock.recvmsg(s, err, MsgFlag.ERRQUEUE));
        assertErrno(again, Errno.EAGAIN);
    }

    @Test
    void threeFdsIntoRoomForTwo() throws Exception {
        long before = TestSupport.openFds();
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        int[] three = {Sys.dup(pair[0]), Sys.dup(pair[0]), Sys.dup(pair[0])};
        Rawsock.sendmsg(pair[0], new Message(null, ascii("3")).control(ControlMessage.scmRights(three)));
        for (int fd : three) Sys.close(fd);

        Message in = new Message(null, new byte[4]).control(new byte[ControlMessage.space(8)]);
        Rawsock.recvmsg(pair[1], in);
        assertTrue(in.flags().contains(MsgFlag.CTRUNC));
        List<ControlMessage> cm = in.controlMessages();
        assertEquals(1, cm.size());
        int[] got = cm.get(0).fds();
        assertEquals(2, got.length);
        for (int fd : got) assertTrue(Sys.fcntl(fd, Consts.F_GETFD, 0) >= 0, "fd " + fd + " is open");
        for (int fd : got) Sys.close(fd);

        // no room even for one: nothing handed over, nothing leaked
        Rawsock.sendmsg(pair[0], new Message(null, ascii("1")).control(ControlMessage.scmRights(pair[0])));
        Message none = new Message(null, new byte[4]).control(new byte[ControlMessage.space(0)]);
        Rawsock.recvmsg(pair[1], none);
        assertTrue(none.flags().contains(MsgFlag.CTRUNC));

        Sys.close(pair[0]);
        Sys.close(pair[1]);
        assertEquals(before, TestSupport.openFds());
    }

    @Test
    void fdsInACutShortMessageAreClosed() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        track(pair[0]);
        track(pair[1]);
        int a = Sys.dup(pair[0]), b = Sys.dup(pair[0]);
        // an SCM_RIGHTS message claiming 3 fds of which the buffer holds 2, as after MSG_CTRUNC
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(24);
            dev.rawsock.internal.Cmsg.put(c, 0, Consts.SOL_SOCKET, Consts.SCM_RIGHTS, 12);
            c.set(JAVA_INT, 16, a);
            c.set(JAVA_INT, 20, b);
            assertTrue(ControlMessage.parse(c.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEmpty(), "cut message not returned");
            dev.rawsock.internal.Cmsg.closeCutFds(c, 24);
        }
        for (int fd : new int[] {a, b}) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> Sys.fcntl(fd, Consts.F_GETFD, 0));
            assertErrno(e, Errno.EBADF);
        }
    }

    @Test
    void badInputIsRefusedBeforeTheCall() throws Exception {
        int fd = udpBound();
        SockAddr to = Rawsock.getsockname(fd);
        // iovec range outside the array
        assertThrows(IllegalArgumentException.class, () -> Rawsock.sendmsg(fd, new Message(to, new byte[1]), 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.recvmsg(fd, new Message(to, new byte[1]), -1, 1));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.recvmsg(fd, new Message(to, new byte[1], new byte[1]), 2, 1));
        // a null part or message: NullPointerException, as everywhere a null stands where an array element must be
        assertThrows(NullPointerException.class, () -> Rawsock.sendmsg(fd, new Message(to, new byte[1], null)));
        assertThrows(NullPointerException.class, () -> Rawsock.sendmmsg(fd, new Message[] {new Message(to, (byte[]) null)}));
        assertThrows(NullPointerException.class, () -> Rawsock.sendmmsg(fd, new Message[] {null}));
        // more than IOV_MAX parts
        byte[][] many = new byte[Consts.IOV_MAX + 1][];
        Arrays.fill(many, new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> Rawsock.sendmsg(fd, new Message(to, many)));
        assertEquals(Consts.IOV_MAX, Rawsock.sendmsg(fd, new Message(to, many), 0, Consts.IOV_MAX));
        // more than SCM_MAX_FD fds, typed or raw
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.scmRights(new int[Consts.SCM_MAX_FD + 1]));
        byte[] raw = new byte[ControlMessage.space(4 * (Consts.SCM_MAX_FD + 1))];
        MemorySegment.ofArray(raw).set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, ControlMessage.len(4 * (Consts.SCM_MAX_FD + 1)));
        MemorySegment.ofArray(raw).set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 8, Consts.SOL_SOCKET);
        MemorySegment.ofArray(raw).set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 12, Consts.SCM_RIGHTS);
        assertThrows(IllegalArgumentException.class, () -> Rawsock.sendmsg(fd, new Message(to, new byte[1]).control(raw)));
        // a control buffer too small for what it claims to send
        byte[] lie = ControlMessage.encode(ControlMessage.ttl(5));
        MemorySegment.ofArray(lie).set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0, 64);
        assertThrows(IllegalArgumentException.class, () -> Rawsock.sendmsg(fd, new Message(to, new byte[1]).control(lie)));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.sendmsg(fd, new Message(to, new byte[1]).control(new byte[8])));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.recvmsg(-1, new Message(null, new byte[1])));
    }

    @Test
    void tosAndTimestampAreReceived() throws Exception {
        int rx = udpBound(), tx = udpBound();
        Sys.setsockoptInt(rx, Consts.SOL_IP, Consts.IP_RECVTOS, 1, "setsockopt");
        Sys.setsockoptInt(rx, Consts.SOL_SOCKET, Consts.SO_TIMESTAMPNS, 1, "setsockopt");
        java.time.Instant before = java.time.Instant.now();
        Rawsock.sendmsg(tx, new Message(Rawsock.getsockname(rx), ascii("tos")).control(ControlMessage.tos(0x10)));
        Message in = new Message(null, new byte[4]).control(new byte[ControlMessage.space(16) + ControlMessage.space(4)]);
        Rawsock.recvmsg(rx, in);
        List<ControlMessage> cm = in.controlMessages();
        ControlMessage tos = cm.stream().filter(m -> m.level().equals(Level.IP) && m.type() == Consts.IP_TOS).findFirst().orElseThrow();
        assertEquals(0x10, tos.tos());
        ControlMessage ts = cm.stream().filter(m -> m.level().equals(Level.SOL_SOCKET)).findFirst().orElseThrow();
        // the realtime clock: within an hour of ours (no timing claim beyond "it is a real timestamp")
        assertTrue(Math.abs(java.time.Duration.between(before, ts.timestamp()).toMinutes()) < 60, ts.toString());
    }

    @Test
    void ipv6PktinfoHopLimitAndTrafficClass() throws Exception {
        int rx, tx;
        try {
            rx = track(Rawsock.socket(Domain.INET6, SocketType.DGRAM));
            tx = track(Rawsock.socket(Domain.INET6, SocketType.DGRAM));
            Rawsock.bind(rx, SockAddr.inet6(InetAddress.getByName("::1"), 0));
        } catch (ErrnoException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            return;
        }
        Sys.setsockoptInt(rx, Consts.SOL_IPV6, Consts.IPV6_RECVPKTINFO, 1, "setsockopt");
        Sys.setsockoptInt(rx, Consts.SOL_IPV6, Consts.IPV6_RECVHOPLIMIT, 1, "setsockopt");
        Sys.setsockoptInt(rx, Consts.SOL_IPV6, Consts.IPV6_RECVTCLASS, 1, "setsockopt");
        Rawsock.sendmsg(tx, new Message(Rawsock.getsockname(rx), ascii("six"))
                .control(ControlMessage.hopLimit(9), ControlMessage.trafficClass(0x20)));
        Message in = new Message(SockAddr.of(Domain.INET6), new byte[4]).control(new byte[128]);
        assertEquals(3, Rawsock.recvmsg(rx, in));
        ControlMessage.PacketInfo pi = null;
        int hop = -1, tclass = -1;
        for (ControlMessage m : in.controlMessages()) {
            if (m.level().equals(Level.IPV6) && m.type() == Consts.IPV6_PKTINFO) pi = m.packetInfo();
            if (m.level().equals(Level.IPV6) && m.type() == Consts.IPV6_HOPLIMIT) hop = m.hopLimit();
            if (m.level().equals(Level.IPV6) && m.type() == Consts.IPV6_TCLASS) tclass = m.trafficClass();
        }
        assertNotNull(pi);
        assertEquals(InetAddress.getByName("::1"), pi.destination());
        assertEquals(NetIf.index("lo"), pi.ifindex());
        assertEquals(9, hop);
        assertEquals(0x20, tclass);
    }

    @Test
    void udpSegmentSplitsAndGroReportsTheSegmentSize() throws Exception {
        int rx = udpBound(), tx = udpBound();
        SockAddr to = Rawsock.getsockname(rx);
        byte[] three = new byte[3000];
        for (int i = 0; i < three.length; i++) three[i] = (byte) (i / 1000);
        try {
            Rawsock.sendmsg(tx, new Message(to, three).control(ControlMessage.udpSegment(1000)));
        } catch (ErrnoException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no UDP GSO on this kernel: " + e.getMessage());
        }
        // without UDP_GRO the receiver sees the segments
        for (int k = 0; k < 3; k++) {
            Message in = new Message(null, new byte[4000]);
            assertEquals(1000, Rawsock.recvmsg(rx, in));
            assertEquals(k, in.iovec()[0][0]);
        }
        // with UDP_GRO, a coalesced datagram carries its segment size; an uncoalesced one carries none
        Sys.setsockoptInt(rx, Consts.SOL_UDP, Consts.UDP_GRO, 1, "setsockopt");
        Rawsock.sendmsg(tx, new Message(to, three).control(ControlMessage.udpSegment(1000)));
        Message in = new Message(null, new byte[4000]).control(new byte[ControlMessage.space(4)]);
        int n = Rawsock.recvmsg(rx, in);
        List<ControlMessage> cm = in.controlMessages();
        if (n == 3000) assertEquals(1000, cm.get(0).groSize());
        else assertEquals(1000, n);
    }
}
