package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The smaller subcommands in-process through {@code Main.run}. */
class CommandsTest {
    @Test
    void versionAndHelp() {
        Cli.Result v = Cli.run("--version");
        assertEquals(0, v.rc(), v::toString);
        assertTrue(v.out().startsWith("rawsock 0.1.0"), v::toString);
        // The revision the build recorded (none when built outside git) and the JDK.
        assertTrue(v.outLines().get(0).matches("rawsock \\S+ \\(git ([0-9a-f]{12}(-dirty)?|unknown)\\)"), v::toString);
        assertEquals("Java " + Runtime.version(), v.outLines().get(1).split(" \\(")[0], v::toString);
        Cli.Result h = Cli.run("--help");
        assertEquals(0, h.rc());
        for (String sub : List.of("doctor", "ifaddrs", "resolve", "ping", "traceroute", "send", "sockopts", "sniff", "shell")) {
            assertTrue(h.out().contains(sub), () -> sub + " missing from\n" + h.out());
        }
    }

    @Test
    void aSubcommandNamedFirstGetsTheSameModelAlone() {
        picocli.CommandLine all = Main.commandLine();
        assertEquals(Main.class, all.getCommand().getClass());
        for (var e : all.getSubcommands().entrySet()) {
            String name = e.getKey();
            if (name.equals("help")) {
                assertEquals(null, Main.soleSubcommand("help", "ifaddrs"), "help lists its siblings: it needs them all");
                continue;
            }
            // The class-name convention the short path relies on, for every subcommand there is.
            assertEquals(e.getValue().getCommand().getClass(), Main.soleSubcommand(name), name);
            assertEquals(e.getValue().getCommand().getClass(), Main.soleSubcommand("--debug", name, "-x"), name);
            picocli.CommandLine alone = Main.commandLine(name);
            assertEquals(List.of(name), List.copyOf(alone.getSubcommands().keySet()), name);
            // Same usage text (options inherited from the top included) and the same qualified name in messages.
            assertEquals(e.getValue().getUsageMessage(), alone.getSubcommands().get(name).getUsageMessage(), name);
            assertEquals("rawsock " + name, alone.getSubcommands().get(name).getCommandSpec().qualifiedName());
        }
        assertEquals(all.getUsageMessage(), Main.commandLine("--debug").getUsageMessage());
        for (String other : new String[] {"Ifaddrs", "ifaddr", "", "--help", "-V", "help"}) {
            assertEquals(null, Main.soleSubcommand(other, "x"), other);
        }
        // A typo takes the whole model and is refused at the top.
        Cli.Result typo = Cli.run("ifadrs");
        assertEquals(2, typo.rc(), typo::toString);
        assertEquals(List.of("rawsock: Unmatched argument at index 0: 'ifadrs' (try 'rawsock --help')"), typo.errLines());
    }

    @Test
    void unknownSubcommandIsExit2AndOneLine() {
        Cli.Result r = Cli.run("frobnicate");
        assertEquals(2, r.rc(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
    }

    @Test
    void debugAddsTheStackTrace() {
        String host = "a".repeat(64) + ".invalid";
        Cli.Result quiet = Cli.run("resolve", host);
        assertEquals(1, quiet.errLines().size(), quiet::toString);
        Cli.Result debug = Cli.run("--debug", "resolve", host);
        assertEquals(1, debug.rc(), debug::toString);
        assertEquals("rawsock resolve: " + host + ": Name or service not known", debug.errLines().get(0));
        assertTrue(debug.errLines().size() > 3 && debug.err().contains("\tat dev.rawsock.cli.ResolveCommand"), debug::toString);
    }

    @Test
    void doctorSaysWhatWorks() {
        Cli.Result r = Cli.run("doctor");
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("unix stream: ok"), r::toString);
        assertTrue(r.out().contains("CAP_NET_RAW: " + (Cli.capNetRaw() ? "yes" : "no")), r::toString);
    }

    @Test
    void resolveLocalhostLikeGetentAhosts() {
        Cli.Result r = Cli.run("resolve", "-4", "localhost");
        assertEquals(0, r.rc(), r::toString);
        List<String> lines = r.outLines();
        assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 +STREAM +localhost"), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("127\\.0\\.0\\.1 +DGRAM *")), r::toString);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("127.")), r::toString);
    }

    @Test
    void resolveNumericIpv6AndReverse() {
        Cli.Result r = Cli.run("resolve", "::1");
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.outLines().get(0).matches("::1 +STREAM.*"), r::toString);
        Cli.Result rev = Cli.run("resolve", "--reverse", "127.0.0.1");
        assertEquals(0, rev.rc(), rev::toString);
        assertTrue(rev.out().matches("127\\.0\\.0\\.1 +\\S+\\n"), rev::toString);
    }

    @Test
    void resolveFailuresAreOneLine() {
        String host = "a".repeat(64) + ".invalid"; // refused before any query leaves the machine
        Cli.Result r = Cli.run("resolve", host);
        assertEquals(1, r.rc(), r::toString);
        assertEquals(List.of("rawsock resolve: " + host + ": Name or service not known"), r.errLines());
        Cli.Result notNumeric = Cli.run("resolve", "--reverse", "not-an-address");
        assertEquals(1, notNumeric.rc(), notNumeric::toString);
        assertEquals(1, notNumeric.errLines().size(), notNumeric::toString);
        Cli.Result both = Cli.run("resolve", "-4", "-6", "localhost");
        assertEquals(2, both.rc(), both::toString);
    }

    @Test
    void ifaddrsListsLoopbackLikeIpBrAddr() {
        Cli.Result r = Cli.run("ifaddrs");
        assertEquals(0, r.rc(), r::toString);
        String lo = r.outLines().stream().filter(l -> l.startsWith("lo ")).findFirst().orElseThrow(() -> new AssertionError(r));
        assertTrue(lo.matches("lo +UP +127\\.0\\.0\\.1/8 .*<.*LOOPBACK.*>"), lo);
        Cli.Result s = Cli.run("ifaddrs", "-s");
        assertEquals(0, s.rc(), s::toString);
        assertTrue(s.out().matches("(?s).*\\n    RX: \\d+ bytes \\d+ packets \\d+ errors \\d+ dropped \\d+ multicast\\n    TX: .*"), s::toString);
    }

    @Test
    void sockoptsOfAFreshSocket() {
        Cli.Result r = Cli.run("sockopts", "inet", "dgram");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("socket(AF_INET, SOCK_DGRAM, 0)", r.outLines().get(0));
        assertTrue(r.out().contains("\nSOL_SOCKET SO_TYPE "), r::toString);
        assertTrue(r.outLines().stream().anyMatch(l -> l.matches("SOL_SOCKET SO_TYPE +SOCK_DGRAM")), r::toString);
        assertTrue(r.outLines().stream().anyMatch(l -> l.matches("SOL_IP +IP_TTL +\\d+")), r::toString);
        assertTrue(r.outLines().size() > 40, r::toString);
        Cli.Result bad = Cli.run("sockopts", "nonsense", "stream");
        assertEquals(2, bad.rc(), bad::toString);
        assertEquals(1, bad.errLines().size(), bad::toString);
    }

    @Test
    void sendUdpArrives() throws Exception {
        try (RawSocket rx = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            rx.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            int port = rx.localAddress().port();
            Cli.Result r = Cli.run("send", "udp", "-s", "4321", "127.0.0.1", Integer.toString(port), "hello");
            assertEquals(0, r.rc(), r::toString);
            assertTrue(r.out().startsWith("sent IP 127.0.0.1.4321 > 127.0.0.1." + port + ": UDP, length 5"), r::toString);
            byte[] buf = new byte[100];
            SockAddr from = SockAddr.of(Domain.INET);
            int n = rx.timeout(Duration.ofSeconds(10)).recvFrom(buf, from);
            assertEquals("hello", new String(buf, 0, n, StandardCharsets.UTF_8));
            assertEquals(4321, from.port());

            Cli.Result hex = Cli.run("send", "udp", "127.0.0.1", Integer.toString(port), "--hex", "00ff10");
            assertEquals(0, hex.rc(), hex::toString);
            n = rx.recvFrom(buf, from);
            assertEquals(3, n);
            assertEquals((byte) 0xff, buf[1]);
        }
    }

    @Test
    void sendIcmpEchoIsAnswered() throws Exception {
        assumeTrue(Cli.capNetRaw(), "needs CAP_NET_RAW to watch ICMP on a raw socket");
        try (RawSocket icmp = RawSocket.open(Domain.INET, SocketType.RAW, dev.rawsock.Protocol.ICMP)) {
            Cli.Result r = Cli.run("send", "icmp", "--id", "4660", "--seq", "7", "127.0.0.1", "ping!");
            assertEquals(0, r.rc(), r::toString);
            assertEquals("sent IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 4660, seq 7, length 13 (raw socket)", r.out().trim());
            byte[] buf = new byte[200];
            icmp.timeout(Duration.ofSeconds(10));
            boolean reply = false;
            for (int i = 0; i < 10 && !reply; i++) {
                int n = icmp.recv(buf);
                int ihl = (buf[0] & 15) * 4;
                reply = n >= ihl + 8 && buf[ihl] == 0 && (((buf[ihl + 4] & 0xff) << 8) | (buf[ihl + 5] & 0xff)) == 4660
                        && buf[ihl + 7] == 7;
            }
            assertTrue(reply, "no echo reply to the request rawsock sent");
        }
    }

    @Test
    void sendUsage() {
        Cli.Result none = Cli.run("send");
        assertEquals(2, none.rc(), none::toString);
        Cli.Result badPort = Cli.run("send", "udp", "127.0.0.1", "70000", "x");
        assertEquals(2, badPort.rc(), badPort::toString);
        assertEquals(1, badPort.errLines().size(), badPort::toString);
        assertTrue(badPort.err().startsWith("rawsock send udp: "), badPort::toString);
    }

    @Test
    void tracerouteOfLoopbackIsOneHop() {
        Cli.Result r = Cli.run("traceroute", "-q", "1", "-w", "2", "127.0.0.1");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("traceroute to 127.0.0.1 (127.0.0.1), 30 hops max, 60 byte packets", r.outLines().get(0));
        assertTrue(r.outLines().get(1).matches(" 1  127\\.0\\.0\\.1  [\\d.]+ ms"), r::toString);
        assertEquals(2, r.outLines().size(), r::toString);
    }

    @Test
    void shellRunsAScriptWithTheLibraryImported() throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        assumeTrue(Files.isExecutable(jshell), "this Java has no jshell");
        Path script = Files.createTempFile("rs-shell", ".jsh");
        try {
            Files.writeString(script, "System.out.println(\"htons=\" + Rawsock.htons(1));\n"
                    + "System.out.println(Domain.valueOf(\"inet\"));\n/exit\n");
            Cli.Result r = Cli.run("shell", script.toString());
            assertEquals(0, r.rc(), r::toString);
            assertTrue(r.out().contains("htons=256"), r::toString);
            assertTrue(r.out().contains("AF_INET"), r::toString);
        } finally {
            Files.deleteIfExists(script);
        }
        Cli.Result missing = Cli.run("shell", "/nonexistent/script.jsh");
        assertEquals(1, missing.rc(), missing::toString);
        assertEquals(1, missing.errLines().size(), missing::toString);
    }
}
