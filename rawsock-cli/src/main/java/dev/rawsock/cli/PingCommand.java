package dev.rawsock.cli;

import dev.rawsock.ControlMessage;
import dev.rawsock.Domain;
import dev.rawsock.Level;
import dev.rawsock.Message;
import dev.rawsock.Rawsock;
import dev.rawsock.SockOpt;
import dev.rawsock.packet.IcmpHeader;
import dev.rawsock.packet.Icmpv6Header;
import dev.rawsock.packet.Packets;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code rawsock ping}: ICMP/ICMPv6 echo as iputils' ping does it and prints it. A raw socket when the
 * process has CAP_NET_RAW, else the kernel's ping socket ({@code SOCK_DGRAM}/{@code IPPROTO_ICMP}, allowed
 * by {@code net.ipv4.ping_group_range}), else a one-line reason.
 */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Send ICMP echo requests (raw socket, or the kernel's ping socket without CAP_NET_RAW).")
final class PingCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    FamilyOptions families;

    @Option(names = "-c", paramLabel = "count", description = "Stop after sending (and receiving) count packets.")
    Integer count;

    @Option(names = "-i", paramLabel = "interval", description = "Seconds between packets (default 1).")
    double interval = 1.0;

    @Option(names = "-s", paramLabel = "size", description = "Data bytes per packet (default 56).")
    int size = 56;

    @Option(names = "-t", paramLabel = "ttl", description = "IP time to live (IPv6 hop limit).")
    Integer ttl;

    @Option(names = "-n", description = "Numeric output only: no reverse lookup of the repliers' names.")
    boolean numeric;

    @Option(names = "-W", paramLabel = "timeout", description = "Seconds to wait for the last reply (default 10).")
    double timeout = 10;

    @Parameters(paramLabel = "host", description = "Name or address to ping.")
    String host;

    /** Reverse lookups done so far (one per replier, not one per reply). */
    private final java.util.Map<SockAddr, String> names = new java.util.HashMap<>();

    /** {@code name (address)} by getnameinfo(3), or the address alone when it has no name. */
    private static String nameAndAddress(SockAddr a) {
        String text = Hosts.text(a.inetAddress());
        try {
            return Rawsock.getnameinfo(a, dev.rawsock.NiFlag.NAMEREQD).node() + " (" + text + ")";
        } catch (dev.rawsock.GaiException e) {
            return text;
        }
    }

    /** What a run counted; also read by the Ctrl-C hook, so guarded by its own monitor. */
    private final Object lock = new Object();
    private long transmitted, received, errors, startNanos;
    private double minMs = Double.MAX_VALUE, maxMs, sumMs, sumMs2;
    private boolean finished;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Domain family = families.family();
        if (count != null && count <= 0) throw new ParameterException(spec.commandLine(), "bad number of packets to transmit: " + count);
        if (!(interval >= 0) || interval > 1e6) throw new ParameterException(spec.commandLine(), "bad timing interval: " + interval);
        if (size < 0 || size > 65507) throw new ParameterException(spec.commandLine(), "invalid packet size: " + size);
        if (ttl != null && (ttl < 1 || ttl > 255)) throw new ParameterException(spec.commandLine(), "invalid ttl: " + ttl);
        if (!(timeout > 0) || timeout > 1e6) throw new ParameterException(spec.commandLine(), "bad linger time: " + timeout);

        InetAddress target = Hosts.resolve(host, family);
        // As iputils: a target given as an address is answered by addresses; a name, by "name (address)".
        if (Hosts.isNumeric(host)) numeric = true;
        boolean v6 = target instanceof Inet6Address;
        Domain domain = v6 ? Domain.INET6 : Domain.INET;
        Protocol proto = v6 ? Protocol.ICMPV6 : Protocol.ICMP;
        RawSocket sock = Sockets.openUnlessDenied(domain, SocketType.RAW, proto);
        boolean raw = sock != null;
        if (!raw) sock = Sockets.openUnlessDenied(domain, SocketType.DGRAM, proto);
        if (sock == null) {
            throw new CliException("no permission for an ICMP socket: a raw socket needs CAP_NET_RAW, the ping socket "
                    + "needs a group of this process in net.ipv4.ping_group_range (now \"" + pingGroupRange() + "\")");
        }
        try (RawSocket s = sock) {
            if (ttl != null) Sockets.setTtl(s, v6, ttl);
            // The TTL of a reply: raw IPv4 reads it from the IP header; the others ask for it as a control message.
            if (v6) s.setOption(SockOpt.IPV6_RECVHOPLIMIT, true);
            else if (!raw) s.setOption(SockOpt.IP_RECVTTL, true);
            return run(s, raw, v6, target, out);
        }
    }

    private static String pingGroupRange() {
        // readString sizes its read by the file's length, which procfs reports as 0: read as a stream.
        try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ping_group_range"))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private int run(RawSocket s, boolean raw, boolean v6, InetAddress target, PrintWriter out) throws IOException {
        String addr = Hosts.text(target);
        if (v6) out.printf("PING %s (%s) %d data bytes%n", host, addr, size);
        else out.printf("PING %s (%s) %d(%d) bytes of data.%n", host, addr, size, size + 28);
        out.flush();

        int id = ThreadLocalRandom.current().nextInt(1, 0x10000);
        SockAddr to = Hosts.sockAddr(target, 0);
        SockAddr from = SockAddr.of(v6 ? Domain.INET6 : Domain.INET);
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) payload[i] = (byte) i;
        byte[] buf = new byte[65536 + 60];
        byte[] control = new byte[ControlMessage.space(4) * 4];
        Message msg = new Message(from, buf);
        long[] sentAt = new long[0x10000];
        BitSet seen = new BitSet(0x10000);
        long intervalNanos = (long) (interval * 1e9);

        warmUp(s, v6, id, payload, buf, control);
        Thread hook = new Thread(() -> summary(out), "rawsock-ping-summary");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            synchronized (lock) {
                startNanos = System.nanoTime();
            }
            for (int seq = 1; count == null || seq <= count; seq++) {
                int seq16 = seq & 0xffff;
                byte[] packet = echoRequest(v6, id, seq16, payload);
                seen.clear(seq16);
                long now = System.nanoTime();
                sentAt[seq16] = now;
                s.sendTo(packet, to);
                synchronized (lock) {
                    transmitted++;
                }
                boolean last = count != null && seq == count;
                long deadline = now + (last ? (long) (timeout * 1e9) : intervalNanos);
                // Read replies until the next packet is due (or, after the last one, until all came back).
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    if (last && allReceived()) break;
                    s.timeout(Duration.ofNanos(left));
                    int n;
                    try {
                        n = s.recvMsg(msg.addr(from).control(control));
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    long arrived = System.nanoTime();
                    handle(buf, n, raw, v6, id, from, ttlOf(msg), arrived, sentAt, seen, out);
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook prints the summary
            }
        }
        summary(out);
        synchronized (lock) {
            if (received == 0) {
                spec.commandLine().getErr().println("rawsock ping: no reply from " + addr);
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
        return 0;
    }

    private boolean allReceived() {
        synchronized (lock) {
            return received >= transmitted;
        }
    }

    /** One received datagram: an echo reply of ours, an ICMP error about one of ours, or someone else's. */
    private void handle(byte[] buf, int n, boolean raw, boolean v6, int id, SockAddr from, int ttlSeen, long arrived,
                        long[] sentAt, BitSet seen, PrintWriter out) {
        int off = 0;
        if (raw && !v6) { // a raw IPv4 socket gets the IP header too
            if (n < 20) return;
            off = (buf[0] & 0x0f) * 4;
            ttlSeen = buf[8] & 0xff;
        }
        if (n - off < 8) return;
        int type = buf[off] & 0xff;
        int gotId = ((buf[off + 4] & 0xff) << 8) | (buf[off + 5] & 0xff);
        int seq = ((buf[off + 6] & 0xff) << 8) | (buf[off + 7] & 0xff);
        String src = numeric ? Hosts.text(from.inetAddress()) : names.computeIfAbsent(from, PingCommand::nameAndAddress);
        if (type == (v6 ? Icmpv6Header.ECHO_REPLY : IcmpHeader.ECHO_REPLY)) {
            if (raw && gotId != id) return; // the ping socket's kernel already matched the id
            if (sentAt[seq] == 0) return;
            double ms = (arrived - sentAt[seq]) / 1e6;
            boolean dup = seen.get(seq);
            seen.set(seq);
            synchronized (lock) {
                if (finished) return;
                if (!dup) {
                    received++;
                    minMs = Math.min(minMs, ms);
                    maxMs = Math.max(maxMs, ms);
                    sumMs += ms;
                    sumMs2 += ms * ms;
                }
                out.printf("%d bytes from %s: icmp_seq=%d%s time=%s ms%s%n", n - off, src, seq,
                        ttlSeen >= 0 ? " ttl=" + ttlSeen : "", rtt(ms), dup ? " (DUP!)" : "");
                out.flush();
            }
        } else if (raw && !v6 && (type == IcmpHeader.DEST_UNREACHABLE || type == IcmpHeader.TIME_EXCEEDED) && n - off >= 8 + 20 + 8) {
            int inner = off + 8;
            int innerIhl = (buf[inner] & 0x0f) * 4;
            int icmp = inner + innerIhl;
            if (n < icmp + 8 || (buf[inner + 9] & 0xff) != 1 || (buf[icmp] & 0xff) != IcmpHeader.ECHO_REQUEST) return;
            if ((((buf[icmp + 4] & 0xff) << 8) | (buf[icmp + 5] & 0xff)) != id) return;
            int oseq = ((buf[icmp + 6] & 0xff) << 8) | (buf[icmp + 7] & 0xff);
            synchronized (lock) {
                if (finished) return;
                errors++;
                out.printf("From %s icmp_seq=%d %s%n", src, oseq, errorText(type, buf[off + 1] & 0xff));
                out.flush();
            }
        }
    }

    /**
     * Loads and links the send and receive paths (a datagram through a Unix socket pair, one empty
     * receive on the ICMP socket) so the first reply's time is the network's, not the JVM's warm-up.
     */
    private static void warmUp(RawSocket s, boolean v6, int id, byte[] payload, byte[] buf, byte[] control) throws IOException {
        byte[] probe = echoRequest(v6, id, 0, payload);
        RawSocket[] pair = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try {
            pair[0].send(probe);
            Message m = new Message(SockAddr.of(Domain.UNIX), buf).control(control);
            pair[1].timeout(Duration.ofSeconds(1)).recvMsg(m);
            ttlOf(m);
        } finally {
            pair[0].close();
            pair[1].close();
        }
        s.timeout(Duration.ofMillis(1));
        try {
            s.recvMsg(new Message(SockAddr.of(v6 ? Domain.INET6 : Domain.INET), buf).control(control));
        } catch (SocketTimeoutException expected) {
            // nothing there, as expected
        }
    }

    /**
     * An ICMP or ICMPv6 echo request (also for {@code send icmp}). The ICMPv6 one goes without its
     * checksum: the kernel computes it for ICMPv6 sockets (RFC 3542), and it needs the source address
     * the kernel picks.
     */
    static byte[] echoRequest(boolean v6, int id, int seq, byte[] payload) {
        if (!v6) return Packets.icmpEchoRequest(id, seq, payload);
        byte[] m = new byte[Icmpv6Header.LENGTH + payload.length];
        Icmpv6Header.of(m, 0).setType(Icmpv6Header.ECHO_REQUEST).setIdentifier(id).setSequence(seq);
        System.arraycopy(payload, 0, m, Icmpv6Header.LENGTH, payload.length);
        return m;
    }

    /** The IP_TTL or IPV6_HOPLIMIT control message's value, or -1. */
    private static int ttlOf(Message msg) {
        for (ControlMessage c : msg.controlMessages()) {
            switch (c.kind()) {
                case IP_TTL -> { return c.ttl(); }
                case IPV6_HOPLIMIT -> { return c.hopLimit(); }
                default -> { }
            }
        }
        return -1;
    }

    static String errorText(int type, int code) {
        if (type == IcmpHeader.TIME_EXCEEDED) return code == 0 ? "Time to live exceeded" : "Frag reassembly time exceeded";
        return switch (code) {
            case 0 -> "Destination Net Unreachable";
            case 1 -> "Destination Host Unreachable";
            case 2 -> "Destination Protocol Unreachable";
            case 3 -> "Destination Port Unreachable";
            case 4 -> "Frag needed";
            case 13 -> "Packet filtered";
            default -> "Dest Unreachable, Bad Code: " + code;
        };
    }

    /** iputils' precision: three decimals below 1 ms, fewer as the time grows. */
    static String rtt(double ms) {
        if (ms >= 100) return String.format(Locale.ROOT, "%.0f", ms);
        if (ms >= 10) return String.format(Locale.ROOT, "%.1f", ms);
        if (ms >= 1) return String.format(Locale.ROOT, "%.2f", ms);
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** C's {@code %g}: six significant digits, no trailing zeros. */
    static String percent(double v) {
        if (v == Math.rint(v)) return Long.toString((long) v);
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private void summary(PrintWriter out) {
        synchronized (lock) {
            if (finished) return;
            finished = true;
            long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
            out.println(); // iputils leaves a blank line before the statistics (after ^C, it ends the echoed line)
            out.printf("--- %s ping statistics ---%n", host);
            double loss = transmitted == 0 ? 0 : (transmitted - received) * 100.0 / transmitted;
            out.printf("%d packets transmitted, %d received,%s %s%% packet loss, time %dms%n", transmitted, received,
                    errors > 0 ? " +" + errors + " errors," : "", percent(loss), elapsedMs);
            if (received > 0) {
                double avg = sumMs / received;
                double mdev = Math.sqrt(Math.max(0, sumMs2 / received - avg * avg));
                out.printf(Locale.ROOT, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms%n", minMs, avg, maxMs, mdev);
            }
            out.flush();
        }
    }
}
