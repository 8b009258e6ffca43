package dev.rawsock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * Run by {@link NamesNetnsTest} inside a network namespace it made ({@code ip netns exec NS java ...}):
 * sends a few UDP datagrams out of the veth so its counters move, prints READY, waits for a line on
 * stdin (the test reads {@code ip -j -s link} meanwhile), then prints what rawsock sees as
 * tab-separated lines, and END.
 *
 * <p>Arguments: interface name, IPv4 address of the peer, number of datagrams.
 */
public final class NetnsProbeMain {
    public static void main(String[] args) throws Exception {
        String ifname = args[0];
        InetAddress peer = InetAddress.getByName(args[1]);
        int count = Integer.parseInt(args[2]);

        int fd = Rawsock.socket(Domain.INET, SocketType.DGRAM);
        try {
            byte[] payload = new byte[100];
            for (int i = 0; i < count; i++) Rawsock.sendto(fd, payload, SockAddr.inet(peer, 9));
        } finally {
            Rawsock.sockClose(fd);
        }
        // the ARP exchange and the datagrams it held back take a moment: wait (bounded) until the
        // link has counted them out and the ARP reply in
        long until = System.nanoTime() + 10_000_000_000L;
        while (!sentAndAnswered(ifname, count) && System.nanoTime() < until) Thread.sleep(10);
        System.out.println("READY");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();

        for (IfAddrs e : Rawsock.ifaddrs()) {
            SockAddr a = e.address();
            String family = a == null ? "-" : a.family().toString();
            String scope = a == null ? "-" : a.family().equals(Domain.INET6) ? Integer.toString(a.scopeId())
                    : a.family().equals(Domain.PACKET) ? Integer.toString(a.ifindex()) : "-";
            System.out.println(String.join("\t", "IFA", e.name(), flags(e.flags()), family, text(a),
                    text(e.netmask()), text(e.destination()), scope));
            LinkStats s = e.data();
            if (s != null) {
                System.out.println(String.join("\t", "STATS", e.name(), Long.toString(s.rxPackets()),
                        Long.toString(s.txPackets()), Long.toString(s.rxBytes()), Long.toString(s.txBytes()),
                        Long.toString(s.rxErrors()), Long.toString(s.txErrors()), Long.toString(s.rxDropped()),
                        Long.toString(s.txDropped()), Long.toString(s.multicast())));
            }
        }
        System.out.println("INDEX\t" + ifname + "\t" + Rawsock.ifNameIndex(ifname));
        System.out.println("NAMES\t" + Rawsock.ifNameIndex());
        System.out.println("FILTER_LOOPBACK\t" + names(Rawsock.ifaddrs(Set.of(IfFlag.LOOPBACK), null)));
        System.out.println("FILTER_UP_BROADCAST\t" + names(Rawsock.ifaddrs(null, Set.of(IfFlag.UP, IfFlag.BROADCAST))));
        System.out.println("FILTER_NONE\t" + names(Rawsock.ifaddrs(Set.of(IfFlag.LOOPBACK), Set.of(IfFlag.BROADCAST))));

        List<AddrInfo> ai = Rawsock.getaddrinfo("fe80::1%" + ifname, "9",
                AddrInfo.hints().flags(AiFlag.NUMERICHOST, AiFlag.NUMERICSERV).socktype(SocketType.DGRAM));
        SockAddr scoped = ai.get(0).address();
        System.out.println("GAI\t" + scoped.scopeId());
        System.out.println("GNI\t" + Rawsock.getnameinfo(scoped, NiFlag.NUMERICHOST, NiFlag.NUMERICSERV).node()
                + "\t" + Rawsock.getnameinfo(scoped, NiFlag.NUMERICHOST, NiFlag.NUMERICSCOPE).node());
        System.out.println("END");
        System.out.flush();
    }

    private static String names(List<IfAddrs> l) {
        TreeSet<String> s = new TreeSet<>();
        for (IfAddrs e : l) s.add(e.name());
        return s.isEmpty() ? "-" : String.join(",", s);
    }

    private static String flags(Set<IfFlag> f) {
        StringJoiner j = new StringJoiner(",");
        for (IfFlag x : new TreeSet<>(f)) j.add(x.name());
        return j.toString();
    }

    /** inet/inet6 as inet_ntop text (no scope: that is its own column), packet as the hardware address. */
    static String text(SockAddr a) {
        if (a == null) return "-";
        if (a.family().equals(Domain.INET)) return Rawsock.convertAddress(Domain.INET, a.inetAddress().getAddress());
        if (a.family().equals(Domain.INET6)) return Rawsock.convertAddress(Domain.INET6, a.inetAddress().getAddress());
        if (a.family().equals(Domain.PACKET)) {
            StringJoiner j = new StringJoiner(":");
            for (byte b : a.hardwareAddress()) j.add(String.format("%02x", b & 0xff));
            return j.toString();
        }
        return a.toString();
    }

    /** Whether {@code ifname}'s counters show {@code count} packets sent and at least one received. */
    private static boolean sentAndAnswered(String ifname, int count) throws Exception {
        for (IfAddrs e : Rawsock.ifaddrs()) {
            LinkStats s = e.data();
            if (e.name().equals(ifname) && s != null) return s.txPackets() >= count && s.rxPackets() > 0;
        }
        return false;
    }
}
