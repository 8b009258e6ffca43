package dev.rawsock;

import dev.rawsock.capture.Capture;
import dev.rawsock.capture.CaptureStats;
import dev.rawsock.capture.CapturedPacket;
import dev.rawsock.capture.Direction;
import dev.rawsock.packet.BpfProgram;
import dev.rawsock.packet.Checksums;
import dev.rawsock.packet.Frame;
import dev.rawsock.packet.Packets;
import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.PcapWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every public name the project keeps, used with the types it gives: this file stops compiling if a
 * name or a signature drifts from the contract. Calls that need privileges or devices are only
 * referenced, not run.
 */
class DesignContractTest {
    @Test
    void valuesAndAddresses() throws Exception {
        List<Domain> ds = Domain.known();
        assertTrue(ds.containsAll(List.of(Domain.UNSPEC, Domain.UNIX, Domain.LOCAL, Domain.INET, Domain.INET6,
                Domain.PACKET, Domain.NETLINK)));
        assertEquals(Domain.INET, Domain.valueOf("AF_INET"));
        assertTrue(SocketType.known().containsAll(List.of(SocketType.STREAM, SocketType.DGRAM, SocketType.RAW,
                SocketType.RDM, SocketType.SEQPACKET, SocketType.PACKET)));
        assertEquals(SocketType.STREAM, SocketType.valueOf("stream"));
        List<Protocol> ps = List.of(Protocol.IP, Protocol.ICMP, Protocol.TCP, Protocol.UDP, Protocol.RAW, Protocol.IPV6,
                Protocol.ICMPV6, Protocol.ETH_P_ALL, Protocol.ETH_P_IP, Protocol.ETH_P_ARP, Protocol.NETLINK_ROUTE);
        assertTrue(Protocol.known().containsAll(ps));
        assertEquals(Protocol.ETH_P_ALL, Protocol.ethernet(0x0003));
        assertEquals(Protocol.UDP, Protocol.valueOf("udp"));
        // each flag's C bit survives the trip through a mask and back
        Set<MsgFlag> mf = Set.of(MsgFlag.OOB, MsgFlag.PEEK, MsgFlag.WAITALL, MsgFlag.EOR, MsgFlag.DONTWAIT,
                MsgFlag.TRUNC, MsgFlag.CTRUNC, MsgFlag.NOSIGNAL);
        assertEquals(mf, MsgFlag.of(MsgFlag.mask(mf)));
        Set<IfFlag> iff = Set.of(IfFlag.UP, IfFlag.BROADCAST, IfFlag.LOOPBACK, IfFlag.POINTOPOINT, IfFlag.RUNNING,
                IfFlag.NOARP, IfFlag.PROMISC, IfFlag.MULTICAST);
        assertEquals(iff, IfFlag.of(IfFlag.mask(iff)));
        Set<PollEvent> pe = Set.of(PollEvent.IN, PollEvent.PRI, PollEvent.OUT, PollEvent.ERR, PollEvent.HUP,
                PollEvent.NVAL, PollEvent.RDHUP);
        assertEquals(pe, PollEvent.of(PollEvent.mask(pe)));
        assertEquals(Set.of(AiFlag.values()), AiFlag.of(AiFlag.mask(AiFlag.values())));
        assertEquals(Set.of(NiFlag.values()), NiFlag.of(NiFlag.mask(NiFlag.values())));
        assertEquals(List.of(0, 1, 2), List.of(Shutdown.READ.value(), Shutdown.WRITE.value(), Shutdown.BOTH.value()));
        for (Level l : List.of(Level.SOL_SOCKET, Level.IP, Level.IPV6, Level.TCP, Level.UDP, Level.RAW, Level.ICMPV6, Level.PACKET)) {
            assertEquals(l, Level.valueOf(l.toString()));
        }

        InetAddress lo = InetAddress.getLoopbackAddress();
        SockAddr a = SockAddr.inet(lo, 80);
        Domain f = a.family();
        int size = a.size();
        ByteBuffer data = a.data();
        byte[] bytes = a.bytes();
        assertEquals(Domain.INET, f);
        assertEquals(size, bytes.length);
        assertEquals(size - 2, data.remaining());
        assertEquals(80, a.port());
        assertEquals(lo, a.inetAddress());
        assertEquals("inet 127.0.0.1:80", a.toString());
        assertEquals(a, SockAddr.from(a.toSocketAddress()));
        SockAddr[] all = {SockAddr.of(Domain.INET), SockAddr.of(Domain.INET, 14), SockAddr.of(Domain.INET, new byte[14]),
                SockAddr.inet6(InetAddress.getByName("::1"), 1), SockAddr.unix(Path.of("/tmp/x")),
                SockAddr.unixAbstract("x"), SockAddr.packet(1, 0x0800), SockAddr.netlink(0, 0)};
        assertEquals(Path.of("/tmp/x"), all[4].path());
        assertEquals(1, all[6].ifindex());
    }

    @Test
    void errnoEtherTypeAndSocketOptionNames() {
        Errno e = Errno.ECONNREFUSED;
        int n = e.number();
        String text = e.description();
        ErrnoException x = new ErrnoException("connect", n, 3, "context");
        assertTrue(x.is(Errno.EAGAIN, e));
        assertEquals("context", x.context());
        assertEquals(Optional.of(e), Errno.of(n));
        assertEquals(Optional.of(Errno.EAGAIN), Errno.forName("EWOULDBLOCK"));
        assertFalse(text.isEmpty());
        EtherType t = EtherType.IPV6;
        Protocol p = t.protocol();
        assertEquals(t, EtherType.of(p));
        assertEquals(EtherType.ARP, EtherType.valueOf("ARP"));
        assertTrue(EtherType.known().containsAll(List.of(EtherType.ALL, EtherType.IP, EtherType.ARP, EtherType.RARP,
                EtherType.VLAN, EtherType.QINQ, EtherType.LLDP)));
        java.net.SocketOption<Integer> o = SockOpt.SO_SNDBUF;
        assertEquals(Integer.class, o.type());
    }

    @Test
    void facadeSignatures() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM, (Protocol) null);
        int[] pair2 = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        int s1 = Rawsock.socket(Domain.INET, SocketType.DGRAM, Protocol.UDP);
        int s2 = Rawsock.socket(2, 2, 0);
        int s3 = Rawsock.socket(Domain.INET, SocketType.DGRAM, "udp");
        int s4 = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            byte[] b = new byte[8];
            int n = Rawsock.send(pair[0], b) + Rawsock.send(pair[0], b, 0, 4, MsgFlag.DONTWAIT);
            n += Rawsock.recv(pair[1], b) + Rawsock.recv(pair[1], b, 0, 4, MsgFlag.DONTWAIT);
            assertEquals(24, n);
            Rawsock.bind(s1, SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            SockAddr me = Rawsock.getsockname(s1);
            assertSame(me, Rawsock.getsockname(s1, me));
            n = Rawsock.sendto(s2, b, me) + Rawsock.sendto(s2, b, 0, 2, me, MsgFlag.DONTWAIT);
            SockAddr from = SockAddr.of(Domain.INET);
            n += Rawsock.recvfrom(s1, b, from) + Rawsock.recvfrom(s1, b, 0, 8, null);
            assertEquals(20, n);
            Rawsock.connect(s3, me);
            assertEquals(me, Rawsock.getpeername(s3));
            assertEquals(me, Rawsock.getpeername(s3, SockAddr.of(Domain.UNIX)));
            Set<PollEvent> ev = Rawsock.poll(s3, Set.of(PollEvent.OUT), 0);
            assertEquals(Set.of(PollEvent.OUT), ev);
            Rawsock.shutdown(pair[0], Shutdown.WRITE);
            assertFalse(Rawsock.sockatmark(s4));
            n = Rawsock.sockWrite(pair2[0], b) + Rawsock.sockWrite(pair2[0], b, 0, 1)
                    + Rawsock.sockWrite(pair2[0], new byte[][] {b}) + Rawsock.sockWrite(pair2[0], new byte[][] {b, b}, 1, 2);
            n += Rawsock.sockRead(pair2[1], b) + Rawsock.sockRead(pair2[1], b, 0, 8)
                    + Rawsock.sockRead(pair2[1], new byte[][] {b}) + Rawsock.sockRead(pair2[1], new byte[][] {b}, 0, 1);
            assertEquals(50, n);
            long l = Rawsock.htonl(1) + Rawsock.ntohl(1);
            int sh = Rawsock.htons(1) + Rawsock.ntohs(1);
            assertTrue(l > 0 && sh > 0);
            List<AddrInfo> ai = Rawsock.getaddrinfo("127.0.0.1", "80");
            List<AddrInfo> ai2 = Rawsock.getaddrinfo("127.0.0.1", null, AddrInfo.hints().flags(AiFlag.NUMERICHOST)
                    .family(Domain.INET).socktype(SocketType.DGRAM).protocol(Protocol.UDP));
            AddrInfo first = ai2.get(0);
            Set<AiFlag> fl = first.flags();
            assertEquals(Domain.INET, first.family());
            assertEquals(SocketType.DGRAM, first.type());
            assertEquals(Protocol.UDP, first.protocol());
            assertEquals(InetAddress.getLoopbackAddress(), first.address().inetAddress());
            assertTrue(first.canonname() == null || !first.canonname().isEmpty());
            assertFalse(ai.isEmpty() || fl == null);
            NameInfo ni = Rawsock.getnameinfo(me, NiFlag.NUMERICHOST, NiFlag.NUMERICSERV);
            assertEquals("127.0.0.1", ni.node());
            assertEquals(String.valueOf(me.port()), ni.service());
            Optional<ProtocolEntry> pe = Rawsock.protocol("tcp");
            assertEquals(6, pe.orElseThrow().proto());
            assertEquals("tcp", Rawsock.protocol(6).orElseThrow().name());
            List<ProtocolEntry> pes = Rawsock.protocol();
            Optional<NetworkEntry> ne = Rawsock.network("no-such-network-name");
            Optional<NetworkEntry> ne2 = Rawsock.network(0x7F000000L, 2);
            List<NetworkEntry> nes = Rawsock.network();
            assertTrue(ne.isEmpty() && ne2 != null && nes != null && !pes.isEmpty());
            int lo = Rawsock.ifNameIndex("lo");
            assertEquals("lo", Rawsock.ifNameIndex(lo));
            SortedMap<Integer, String> names = Rawsock.ifNameIndex();
            assertEquals("lo", names.get(lo));
            List<IfAddrs> ifs = Rawsock.ifaddrs();
            List<IfAddrs> los = Rawsock.ifaddrs(Set.of(IfFlag.LOOPBACK), Set.of(IfFlag.UP));
            IfAddrs x = los.get(0);
            String nm = x.name();
            Set<IfFlag> xf = x.flags();
            SockAddr addr = x.address(), mask = x.netmask(), dest = x.destination();
            LinkStats st = x.data();
            assertTrue(ifs.size() >= los.size() && nm.equals("lo") && xf.contains(IfFlag.LOOPBACK));
            assertTrue(addr != null || mask == null || dest == null || st == null);
            int rcv = Rawsock.socketOption(s4, SockOpt.SO_RCVBUF);
            Rawsock.setSocketOption(s4, SockOpt.SO_REUSEADDR, true);
            Map<SockOpt<?>, Object> sol = Rawsock.socketOptions(s4, Level.SOL_SOCKET);
            Map<Level, Map<SockOpt<?>, Object>> every = Rawsock.socketOptions(s4);
            Rawsock.setSocketOptions(s4, Map.of(SockOpt.SO_KEEPALIVE, true));
            assertTrue(rcv > 0 && sol.containsKey(SockOpt.SO_TYPE) && every.containsKey(Level.SOL_SOCKET));
            assertEquals(SocketType.STREAM, Rawsock.socketOption(s4, SockOpt.SO_TYPE));
            assertEquals(Boolean.TRUE, Rawsock.socketOption(s4, SockOpt.SO_KEEPALIVE));
            Integer linger = Rawsock.socketOption(s4, SockOpt.SO_LINGER);
            Duration rto = Rawsock.socketOption(s4, SockOpt.SO_RCVTIMEO);
            assertEquals(-1, linger);
            assertEquals(Duration.ZERO, rto);
            for (SockOpt<?> named : List.of(SockOpt.SO_DEBUG, SockOpt.SO_BROADCAST, SockOpt.SO_SNDBUF, SockOpt.SO_ERROR,
                    SockOpt.IP_TTL, SockOpt.TCP_NODELAY, SockOpt.IP_HDRINCL, SockOpt.IPV6_V6ONLY, SockOpt.SO_SNDTIMEO)) {
                assertEquals(named, SockOpt.valueOf(named.name()));
            }
            assertEquals("SO_RCVBUF", SockOpt.valueOf("SO_RCVBUF").name());
            assertEquals(Level.SOL_SOCKET, SockOpt.SO_RCVBUF.level());
            SockOpt<byte[]> raw = SockOpt.raw(Level.TCP, 37);
            assertTrue(SockOpt.known().size() >= 60);
            assertEquals(37, raw.optname());
            byte[] v4 = Rawsock.convertAddress(Domain.INET, "127.0.0.1");
            assertEquals("127.0.0.1", Rawsock.convertAddress(Domain.INET, v4));
            assertEquals("127.0.0.1", Rawsock.convertAddress(Domain.INET, 0x7F000001L));
            SockAddr m1 = Rawsock.makeSockaddr(Domain.INET), m2 = Rawsock.makeSockaddr(Domain.INET, 6),
                    m3 = Rawsock.makeSockaddr(Domain.INET, new byte[6]);
            assertEquals(m2, m3);
            assertEquals(Domain.INET, Rawsock.sockaddrFamily(m1));
            ByteBuffer d = Rawsock.sockaddrData(m1);
            assertEquals(14, d.remaining());
            byte[] frame = new byte[64];
            frame[12] = 8;
            frame[14] = 0x45;
            frame[17] = 40;
            int c = Rawsock.ipcsum(frame) + Rawsock.ipcsum(frame, 0, 64);
            assertTrue(c > 0);
            FdStream fs = Rawsock.makeStream(pair2[0]);
            assertTrue(fs.fd() != pair2[0] && fs.input() != null && fs.output() != null);
            fs.close();
        } finally {
            for (int fd : new int[] {pair[0], pair[1], pair2[0], pair2[1], s1, s2, s3, s4}) Rawsock.sockClose(fd);
        }
    }

    @Test
    void messagesAndBatches() throws Exception {
        int[] p = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        try {
            Message out = new Message(null, "ab".getBytes(), "c".getBytes()).control(ControlMessage.credentials(
                    (int) ProcessHandle.current().pid(), 0, 0));
            assertEquals(3, Rawsock.sendmsg(p[0], out));
            assertEquals(2, Rawsock.sendmsg(p[0], new Message(null, "x".getBytes(), "yz".getBytes()), 1, 2));
            Message in = new Message(SockAddr.of(Domain.UNIX), new byte[2], new byte[2]).control(new byte[ControlMessage.space(12)]);
            assertEquals(3, Rawsock.recvmsg(p[1], in));
            assertEquals(3, in.length());
            Set<MsgFlag> flags = in.flags();
            List<ControlMessage> cms = in.controlMessages();
            assertTrue(flags.isEmpty() && cms != null);
            byte[][] iov = in.iovec();
            SockAddr from = in.addr();
            byte[] ctl = in.control();
            assertTrue(iov.length == 2 && from != null && ctl != null);
            assertEquals(2, Rawsock.recvmsg(p[1], new Message(null, new byte[1], new byte[4]), 1, 2));
            ControlMessage r = ControlMessage.scmRights(0);
            Level lv = r.level();
            int type = r.type();
            byte[] payload = r.data();
            assertArrayEquals(new int[] {0}, r.fds());
            assertEquals(Level.SOL_SOCKET, lv);
            assertEquals(1, type);
            assertEquals(4, payload.length);
            Message[] batch = {new Message(null, new byte[] {1}), new Message(null, new byte[] {2})};
            assertEquals(2, Rawsock.sendmmsg(p[0], batch));
            Message[] rx = {new Message(null, new byte[4]), new Message(null, new byte[4])};
            assertEquals(2, Rawsock.recvmmsg(p[1], rx, MsgFlag.DONTWAIT));
            assertEquals(1, rx[1].length());
        } finally {
            Rawsock.sockClose(p[0]);
            Rawsock.sockClose(p[1]);
        }
        RawSocket[] rp = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try (RawSocket a = rp[0]; RawSocket b = rp[1]; DatagramBatch db = DatagramBatch.allocate(4, 64)) {
            db.put(0, new byte[] {9, 9});
            db.put(1, ByteBuffer.wrap(new byte[] {8}));
            assertEquals(2, a.send(db, 2));
            assertEquals(2, b.recv(db));
            assertEquals(2, db.length(0));
            MemorySegment seg = db.data(0);
            assertEquals(2, seg.byteSize());
            SockAddr ad = db.address(0);  // null: the sender of a socketpair is unnamed
            assertNull(ad);
            db.setAddress(0, SockAddr.unixAbstract("none"));
            assertEquals(SockAddr.unixAbstract("none"), db.address(0));
            assertEquals(1, a.sendMsg(new Message(null, new byte[] {5})));
            Message m = new Message(null, new byte[4]);
            assertEquals(1, b.recvMsg(m));
            assertNotNull(a.inputStream());
            assertNotNull(b.outputStream());
        }
    }

    @Test
    void rawSocketSignatures() throws Exception {
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM, Protocol.UDP);
             RawSocket t = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            s.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            t.connect(s.localAddress());
            assertEquals(s.localAddress(), t.peerAddress());
            s.timeout(Duration.ofSeconds(5));
            int n = t.send(new byte[1]) + t.send(ByteBuffer.allocateDirect(1)) + (int) t.send(MemorySegment.ofArray(new byte[1]))
                    + t.sendTo(new byte[1], s.localAddress()) + t.write(new byte[1]) + t.write(new byte[][] {new byte[1]});
            assertEquals(6, n);
            n = s.recv(new byte[4]) + s.recv(ByteBuffer.allocate(4)) + (int) s.recv(MemorySegment.ofArray(new byte[4]))
                    + s.recvFrom(new byte[4], SockAddr.of(Domain.INET)) + s.read(new byte[4]) + s.read(new byte[][] {new byte[4]});
            assertEquals(6, n);
            assertEquals(Set.of(PollEvent.OUT), s.poll(Set.of(PollEvent.IN, PollEvent.OUT), 0));
            s.setOption(SockOpt.SO_BROADCAST, true);
            assertEquals(Boolean.TRUE, s.option(SockOpt.SO_BROADCAST));
            s.attachFilter(BpfProgram.compile("udp"));
            s.detachFilter();
            t.shutdown(Shutdown.BOTH);
            assertTrue(s.fd() >= 0);
        }
        try (RawSocket l = RawSocket.open(Domain.UNIX, SocketType.STREAM)) {
            l.bind(SockAddr.unixAbstract("rawsock-contract-" + ProcessHandle.current().pid()));
            l.listen();
            l.listen(5);
            try (RawSocket c = RawSocket.open(Domain.UNIX, SocketType.STREAM)) {
                c.connect(l.localAddress());
                try (RawSocket acc = l.accept()) {
                    assertNotNull(acc.peerAddress());
                }
            }
        }
        int fd = Rawsock.socket(Domain.INET, SocketType.DGRAM);
        RawSocket adopted = RawSocket.adopt(fd);
        assertEquals(fd, adopted.release());
        Rawsock.sockClose(fd);
    }

    @Test
    void packetsAndCaptureNames() throws Exception {
        byte[] b = new byte[20];
        int c = Checksums.internet(b, 0, 20) + Checksums.internet(ByteBuffer.wrap(b), 0, 20)
                + Checksums.internet(MemorySegment.ofArray(b), 0, 20);
        assertEquals(3 * 0xFFFF, c);
        assertEquals(Checksums.internet(new byte[] {0x12, 0x34}, 0, 2),
                Checksums.update(Checksums.internet(new byte[] {0, 0}, 0, 2), 0, 0x1234));
        Inet4Address lo = (Inet4Address) InetAddress.getLoopbackAddress();
        assertTrue(Checksums.pseudoHeaderV4(lo, lo, 17, 8) >= 0);
        assertTrue(Packets.describe(Packets.udp(lo, 1, lo, 2, new byte[0]), Packets.LINKTYPE_RAW).startsWith("IP "));
        BpfProgram prog = BpfProgram.compile("udp port 53");
        assertEquals(prog.instructions(), BpfProgram.parse(prog.toDdString()).instructions());
        assertFalse(prog.matches(new byte[60]));
        Path tmp = java.nio.file.Files.createTempFile("contract", ".pcap");
        try (PcapWriter w = PcapWriter.create(tmp)) {
            w.write(1_000_000_000L, 60, ByteBuffer.wrap(new byte[60]));
            w.write(new PcapRecord(2_000_000_000L, 10, ByteBuffer.wrap(new byte[10])));
        }
        try (PcapReader r = PcapReader.open(tmp)) {
            PcapRecord rec = r.next();
            Frame fr = rec;
            assertEquals(1_000_000_000L, fr.timestampNanos());
            assertEquals(60, fr.wireLength());
            assertEquals(60, fr.data().remaining());
            assertNotNull(r.next());
            assertNull(r.next());
        } finally {
            java.nio.file.Files.delete(tmp);
        }
        Capture.Options o = Capture.Options.defaults().filter("udp").filter(prog).promiscuous(false).snaplen(128)
                .blockTimeout(Duration.ofMillis(10));
        assertNotNull(o);
        Capture.Handler h = (CapturedPacket p) -> {
            long ts = p.timestampNanos();
            int wl = p.wireLength();
            ByteBuffer d = p.data();
            int ix = p.ifindex();
            Direction dir = p.direction();
            if (ts < 0 || wl < 0 || d == null || ix < 0 || dir == null) throw new IOException("bad packet");
        };
        CaptureStats stats = new CaptureStats(1, 0);
        assertEquals(1, stats.received());
        assertEquals(0, stats.dropped());
        assertNotNull(h);
        // Capture.open(...).next(Duration)/forEach/stats() need CAP_NET_RAW: exercised by CaptureTest.
        ThrowingOpen open = Capture::open;
        assertNotNull(open);
    }

    interface ThrowingOpen {
        Capture open(String ifname, Capture.Options options) throws IOException;
    }
}
