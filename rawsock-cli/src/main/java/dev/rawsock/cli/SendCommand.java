package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.ErrnoException;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.Ipv4Header;
import dev.rawsock.packet.Ipv6Header;
import dev.rawsock.packet.Packets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code rawsock send udp|icmp}: builds a packet with {@code dev.rawsock.packet}'s builders and sends it:
 * the whole IP packet through a raw socket (IPPROTO_RAW: the header is ours) with CAP_NET_RAW,
 * else the payload through an ordinary UDP socket or the kernel's ping socket.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Craft a UDP or ICMP packet with the header builders and send it.",
        subcommands = {SendCommand.Udp.class, SendCommand.Icmp.class})
final class SendCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say what to send: udp or icmp");
    }

    static byte[] payload(CommandSpec spec, String text, String hex) {
        if (text != null && hex != null) throw new ParameterException(spec.commandLine(), "give the payload as text or --hex, not both");
        if (hex != null) {
            try {
                return HexFormat.of().parseHex(hex.replace(":", "").replace(" ", ""));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "bad --hex payload: " + e.getMessage());
            }
        }
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }

    /** The local address the kernel would send from to {@code to} (a connected UDP socket; no packet leaves). */
    static InetAddress sourceFor(InetAddress to) throws IOException {
        boolean v6 = to instanceof Inet6Address;
        try (RawSocket u = RawSocket.open(v6 ? Domain.INET6 : Domain.INET, SocketType.DGRAM)) {
            u.connect(Hosts.sockAddr(to, 9));
            return u.localAddress().inetAddress();
        }
    }

    /** ttl must be 1..255 (the same check and words for udp and icmp). */
    static void checkTtl(CommandSpec spec, Integer ttl) {
        if (ttl != null && (ttl < 1 || ttl > 255)) throw new ParameterException(spec.commandLine(), "ttl must be 1..255: " + ttl);
    }

    @Command(name = "udp", mixinStandardHelpOptions = true,
            description = "Send one UDP datagram (a whole IP packet on a raw socket with CAP_NET_RAW).")
    static final class Udp implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-s", "--sport"}, paramLabel = "port", description = "Source port (default: an ephemeral one).")
        Integer sport;

        @Option(names = "-t", paramLabel = "ttl", description = "IP time to live (default 64).")
        Integer ttl;

        @Option(names = "--hex", paramLabel = "bytes", description = "Payload as hex instead of text.")
        String hex;

        @Parameters(index = "0", paramLabel = "host")
        String host;

        @Parameters(index = "1", paramLabel = "port")
        int port;

        @Parameters(index = "2", arity = "0..1", paramLabel = "payload", description = "Text to send (UTF-8).")
        String text;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (port < 1 || port > 65535) throw new ParameterException(spec.commandLine(), "port must be 1..65535: " + port);
            if (sport != null && (sport < 1 || sport > 65535)) throw new ParameterException(spec.commandLine(), "source port must be 1..65535: " + sport);
            checkTtl(spec, ttl);
            byte[] data = payload(spec, text, hex);
            InetAddress to = Hosts.resolve(host, null);
            boolean v6 = to instanceof Inet6Address;
            // A raw socket whose packets carry our own IP header, when we may open one.
            RawSocket raw = Sockets.openUnlessDenied(v6 ? Domain.INET6 : Domain.INET, SocketType.RAW, Protocol.RAW);
            if (raw != null) {
                try (raw) {
                    byte[] packet = Packets.udp(sourceFor(to),
                            sport == null ? ThreadLocalRandom.current().nextInt(32768, 61000) : sport, to, port, data);
                    if (ttl != null && v6) Ipv6Header.of(packet, 0).setHopLimit(ttl);
                    if (ttl != null && !v6) Ipv4Header.of(packet, 0).setTtl(ttl).fillChecksum();
                    raw.sendTo(packet, Hosts.sockAddr(to, 0));
                    out.printf("sent %s (%d bytes, raw socket)%n", Packets.describe(packet, Packets.LINKTYPE_RAW), packet.length);
                }
            } else {
                try (RawSocket u = RawSocket.open(v6 ? Domain.INET6 : Domain.INET, SocketType.DGRAM)) {
                    if (sport != null) u.bind(Hosts.sockAddr(InetAddress.getByAddress(new byte[v6 ? 16 : 4]), sport));
                    if (ttl != null) Sockets.setTtl(u, v6, ttl);
                    u.sendTo(data, Hosts.sockAddr(to, port));
                    SockAddr local = u.localAddress();
                    out.printf("sent %s %s.%d > %s.%d: UDP, length %d (UDP socket)%n", v6 ? "IP6" : "IP",
                            Hosts.text(sourceFor(to)), local.port(), Hosts.text(to), port, data.length);
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "icmp", mixinStandardHelpOptions = true,
            description = "Send one ICMP (ICMPv6) echo request (raw socket, or the ping socket without CAP_NET_RAW).")
    static final class Icmp implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--id", paramLabel = "n", description = "Echo identifier (default 1; the ping socket picks its own).")
        int id = 1;

        @Option(names = "--seq", paramLabel = "n", description = "Echo sequence number (default 1).")
        int seq = 1;

        @Option(names = "-t", paramLabel = "ttl", description = "IP time to live.")
        Integer ttl;

        @Option(names = "--hex", paramLabel = "bytes", description = "Payload as hex instead of text.")
        String hex;

        @Parameters(index = "0", paramLabel = "host")
        String host;

        @Parameters(index = "1", arity = "0..1", paramLabel = "payload", description = "Text to carry (UTF-8).")
        String text;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (id < 0 || id > 0xffff || seq < 0 || seq > 0xffff) throw new ParameterException(spec.commandLine(), "--id and --seq must be 0..65535");
            checkTtl(spec, ttl);
            byte[] data = payload(spec, text, hex);
            InetAddress to = Hosts.resolve(host, null);
            boolean v6 = to instanceof Inet6Address;
            Domain d = v6 ? Domain.INET6 : Domain.INET;
            Protocol p = v6 ? Protocol.ICMPV6 : Protocol.ICMP;
            String how = "raw socket";
            RawSocket s = Sockets.openUnlessDenied(d, SocketType.RAW, p);
            if (s == null) {
                try {
                    s = RawSocket.open(d, SocketType.DGRAM, p);
                    how = "ping socket";
                } catch (ErrnoException e) {
                    throw new CliException("no permission for an ICMP socket: needs CAP_NET_RAW, or a group in net.ipv4.ping_group_range", e);
                }
            }
            try (RawSocket sock = s) {
                if (ttl != null) Sockets.setTtl(sock, v6, ttl);
                byte[] m = PingCommand.echoRequest(v6, id, seq, data);
                sock.sendTo(m, Hosts.sockAddr(to, 0));
                out.printf("sent %s %s > %s: ICMP%s echo request, id %d, seq %d, length %d (%s)%n", v6 ? "IP6" : "IP",
                        Hosts.text(sourceFor(to)), Hosts.text(to), v6 ? "6" : "", id, seq, m.length, how);
            }
            out.flush();
            return 0;
        }
    }
}
