package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.Packets;
import dev.rawsock.packet.PcapWriter;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every subcommand once as a process through {@code ./rawsock} at the repository root (ping and its
 * Ctrl-C are in {@link PingCommandTest}); the first run may build the project.
 */
class LauncherProcessTest {
    @Test
    void everySubcommandRunsThroughTheLauncher() throws Exception {
        assumeTrue(Files.isExecutable(Cli.launcher()), "no launcher at " + Cli.launcher());

        Cli.Result version = Cli.launch("--version");
        assertEquals(0, version.rc(), version::toString);
        assertTrue(version.out().startsWith("rawsock 0.1.0"), version::toString);

        Cli.Result doctor = Cli.launch("doctor");
        assertEquals(0, doctor.rc(), doctor::toString);
        assertTrue(doctor.out().contains("native:      class path (enabled)"), doctor::toString);

        Cli.Result ifaddrs = Cli.launch("ifaddrs", "-s");
        assertEquals(0, ifaddrs.rc(), ifaddrs::toString);
        assertTrue(ifaddrs.out().contains("127.0.0.1/8"), ifaddrs::toString);

        Cli.Result resolve = Cli.launch("resolve", "-4", "localhost");
        assertEquals(0, resolve.rc(), resolve::toString);
        assertTrue(resolve.outLines().get(0).matches("127\\.0\\.0\\.1 +STREAM +localhost"), resolve::toString);

        Cli.Result sockopts = Cli.launch("sockopts", "inet6", "stream", "tcp");
        assertEquals(0, sockopts.rc(), sockopts::toString);
        assertTrue(sockopts.outLines().stream().anyMatch(l -> l.matches("SOL_TCP +TCP_NODELAY +false")), sockopts::toString);

        try (RawSocket rx = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            rx.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            int port = rx.localAddress().port();
            Cli.Result send = Cli.launch("send", "udp", "127.0.0.1", Integer.toString(port), "via launcher");
            assertEquals(0, send.rc(), send::toString);
            byte[] buf = new byte[100];
            int n = rx.timeout(Duration.ofSeconds(10)).recv(buf);
            assertEquals("via launcher", new String(buf, 0, n, StandardCharsets.UTF_8));
        }

        Cli.Result trace = Cli.launch("traceroute", "-q", "1", "-w", "2", "127.0.0.1");
        assertEquals(0, trace.rc(), trace::toString);
        assertTrue(trace.outLines().get(1).startsWith(" 1  127.0.0.1  "), trace::toString);

        Path dir = Files.createTempDirectory("rs-launch");
        Path pcap = dir.resolve("two.pcap");
        Path script = dir.resolve("s.jsh");
        try {
            Inet4Address lo = (Inet4Address) InetAddress.getByName("127.0.0.1");
            try (PcapWriter w = PcapWriter.create(pcap, PcapWriter.LINKTYPE_RAW)) {
                w.write(1_700_000_000_000_000_000L, Packets.udp(lo, 1111, lo, 2222, "one".getBytes(StandardCharsets.UTF_8)));
                w.write(1_700_000_001_000_000_000L, Packets.icmpEcho(lo, lo, 7, 1, new byte[8]));
            }
            Cli.Result sniff = Cli.launch("sniff", "-r", pcap.toString());
            assertEquals(0, sniff.rc(), sniff::toString);
            assertEquals(2, sniff.outLines().size(), sniff::toString);
            assertTrue(sniff.outLines().get(0).endsWith(" IP 127.0.0.1.1111 > 127.0.0.1.2222: UDP, length 3"), sniff::toString);
            assertTrue(sniff.outLines().get(1).contains(" IP 127.0.0.1 > 127.0.0.1: ICMP echo request"), sniff::toString);

            Files.writeString(script, "System.out.println(\"htons=\" + Rawsock.htons(1));\n/exit\n");
            Cli.Result shell = Cli.launch("shell", script.toString());
            assertEquals(0, shell.rc(), shell::toString);
            assertTrue(shell.out().contains("htons=256"), shell::toString);
        } finally {
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(script);
            Files.deleteIfExists(dir);
        }

        // The documented exit codes, one line each: bad flag 2, bad host 1.
        Cli.Result badFlag = Cli.launch("ping", "--no-such-flag", "127.0.0.1");
        assertEquals(2, badFlag.rc(), badFlag::toString);
        assertEquals(1, badFlag.errLines().size(), badFlag::toString);
        String host = "a".repeat(64) + ".invalid";
        Cli.Result badHost = Cli.launch("ping", "-c", "1", host);
        assertEquals(1, badHost.rc(), badHost::toString);
        assertEquals(List.of("rawsock ping: " + host + ": Name or service not known"), badHost.errLines());
    }
}
