package dev.rawsock.cli;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PingCommandTest {
    static final Pattern REPLY4 = Pattern.compile("64 bytes from 127\\.0\\.0\\.1: icmp_seq=(\\d+) ttl=64 time=\\d+(\\.\\d+)? ms");
    static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received, 0% packet loss, time \\d+ms");
    static final Pattern RTT = Pattern.compile("rtt min/avg/max/mdev = [\\d.]+/[\\d.]+/[\\d.]+/[\\d.]+ ms");

    @Test
    void rawPingOfLoopbackPrintsIputilsLines() {
        assumeTrue(Cli.capNetRaw(), "needs CAP_NET_RAW for a raw ICMP socket");
        Cli.Result r = Cli.run("ping", "-c", "3", "-i", "0.2", "127.0.0.1");
        assertEquals(0, r.rc(), r::toString);
        List<String> lines = r.outLines();
        assertEquals("PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.", lines.get(0), r::toString);
        for (int seq = 1; seq <= 3; seq++) {
            Matcher m = REPLY4.matcher(lines.get(seq));
            assertTrue(m.matches(), lines.get(seq));
            assertEquals(seq, Integer.parseInt(m.group(1)));
        }
        assertEquals("", lines.get(4));
        assertEquals("--- 127.0.0.1 ping statistics ---", lines.get(5));
        Matcher s = SUMMARY.matcher(lines.get(6));
        assertTrue(s.matches(), lines.get(6));
        assertEquals("3", s.group(1));
        assertEquals("3", s.group(2));
        assertTrue(RTT.matcher(lines.get(7)).matches(), lines.get(7));
        assertEquals(8, lines.size(), r::toString);
        assertEquals(List.of(), r.errLines());
    }

    @Test
    void sizeChangesTheByteCounts() {
        assumeTrue(Cli.capNetRaw(), "needs CAP_NET_RAW for a raw ICMP socket");
        Cli.Result r = Cli.run("ping", "-c", "1", "-s", "100", "127.0.0.1");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("PING 127.0.0.1 (127.0.0.1) 100(128) bytes of data.", r.outLines().get(0));
        assertTrue(r.outLines().get(1).startsWith("108 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time="), r::toString);
    }

    @Test
    void aNameIsAnsweredByNameAndAddressUnlessNumeric() {
        assumeTrue(Cli.capNetRaw(), "needs CAP_NET_RAW for a raw ICMP socket");
        Cli.Result r = Cli.run("ping", "-4", "-c", "1", "localhost"); // /etc/hosts: no query leaves the machine
        assertEquals(0, r.rc(), r::toString);
        assertEquals("PING localhost (127.0.0.1) 56(84) bytes of data.", r.outLines().get(0));
        assertTrue(r.outLines().get(1).matches("64 bytes from \\S+ \\(127\\.0\\.0\\.1\\): icmp_seq=1 ttl=64 time=.*"), r::toString);
        assertEquals("--- localhost ping statistics ---", r.outLines().get(3));
        Cli.Result n = Cli.run("ping", "-4", "-n", "-c", "1", "localhost");
        assertTrue(n.outLines().get(1).startsWith("64 bytes from 127.0.0.1: icmp_seq=1 "), n::toString);
    }

    @Test
    void pingsIpv6Loopback() throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/net/if_inet6")).contains("00000000000000000000000000000001"),
                "::1 is not configured here");
        Cli.Result r = Cli.run("ping", "-6", "-c", "2", "-i", "0.2", "::1");
        assertEquals(0, r.rc(), r::toString);
        assertEquals("PING ::1 (::1) 56 data bytes", r.outLines().get(0));
        assertTrue(r.outLines().get(1).matches("64 bytes from ::1: icmp_seq=1 ttl=64 time=[\\d.]+ ms"), r::toString);
        assertTrue(r.out().contains("2 packets transmitted, 2 received, 0% packet loss"), r::toString);
    }

    @Test
    void unknownHostIsExit1AndOneLine() {
        // A 64-byte label is refused by the resolver before any query leaves the machine.
        String host = "a".repeat(64) + ".invalid";
        Cli.Result r = Cli.run("ping", "-c", "1", host);
        assertEquals(1, r.rc(), r::toString);
        assertEquals("", r.out());
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("rawsock ping: " + host + ": "), r::toString);
    }

    @Test
    void badFlagsAreExit2AndOneLine() {
        for (String[] args : List.of(new String[] {"ping", "--bogus", "127.0.0.1"}, new String[] {"ping", "-c", "0", "127.0.0.1"},
                new String[] {"ping", "-c", "x", "127.0.0.1"}, new String[] {"ping", "-4", "-6", "127.0.0.1"}, new String[] {"ping"})) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.rc(), () -> List.of(args) + " " + r);
            assertEquals(1, r.errLines().size(), () -> List.of(args) + " " + r);
            assertTrue(r.err().startsWith("rawsock ping: "), r::toString);
        }
    }

    /** Unprivileged (uid 65534, no capabilities) inside a namespace whose ping_group_range admits everyone. */
    @Test
    void unprivilegedPingUsesThePingSocket() throws Exception {
        assumeTrue(Cli.canNetns() && Cli.have("setpriv"), "needs root, ip and setpriv to make a namespace and drop privileges");
        Path cp = Cli.readableClassPath();
        try (Cli.Netns ns = new Cli.Netns("ping")) {
            ns.must("sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647");
            Cli.Result r = ns.in(Duration.ofSeconds(60), "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Cli.java(), "--enable-native-access=ALL-UNNAMED", "-cp", Cli.classPathOf(cp), "dev.rawsock.cli.Main",
                    "ping", "-c", "2", "-i", "0.2", "127.0.0.1");
            assertEquals(0, r.rc(), r::toString);
            assertTrue(r.out().contains("64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time="), r::toString);
            assertTrue(r.out().contains("64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time="), r::toString);
            assertTrue(r.out().contains("2 packets transmitted, 2 received, 0% packet loss"), r::toString);

            // ICMPv6 through the ping socket too (the same sysctl governs both families)
            if (ns.in("ip", "-6", "addr", "show", "dev", "lo").out().contains("::1/128")) {
                Cli.Result r6 = ns.in(Duration.ofSeconds(60), "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        Cli.java(), "--enable-native-access=ALL-UNNAMED", "-cp", Cli.classPathOf(cp), "dev.rawsock.cli.Main",
                        "ping", "-6", "-c", "1", "::1");
                assertEquals(0, r6.rc(), r6::toString);
                assertTrue(r6.out().contains("64 bytes from ::1: icmp_seq=1 ttl=64 time="), r6::toString);
            }

            // The same user where the range admits no group: neither socket is allowed.
            ns.must("sysctl", "-qw", "net.ipv4.ping_group_range=1 0");
            Cli.Result denied = ns.in(Duration.ofSeconds(60), "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Cli.java(), "--enable-native-access=ALL-UNNAMED", "-cp", Cli.classPathOf(cp), "dev.rawsock.cli.Main",
                    "ping", "-c", "1", "127.0.0.1");
            assertEquals(1, denied.rc(), denied::toString);
            assertEquals("", denied.out());
            assertEquals(1, denied.errLines().size(), denied::toString);
            assertTrue(denied.err().contains("CAP_NET_RAW") && denied.err().contains("ping_group_range"), denied::toString);
        } finally {
            Cli.deleteTree(cp);
        }
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status), which its children inherit. */
    static boolean sigintIgnored() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("SigIgn:")) return (Long.parseLong(l.substring(7).trim(), 16) & 0x2) != 0;
        }
        return false;
    }

    /** As a process through the launcher; SIGINT (Ctrl-C) prints the summary. */
    @Test
    void launcherPingAndCtrlCPrintsTheSummary() throws Exception {
        assumeTrue(Cli.capNetRaw(), "needs CAP_NET_RAW for a raw ICMP socket");
        List<String> cmd = new ArrayList<>(List.of(Cli.launcher().toString(), "ping", "-i", "0.2", "127.0.0.1"));
        if (sigintIgnored()) {
            // Started in the background (nohup, `cmd &` in a script), this JVM inherited SIGINT ignored and
            // so would the child, and a JVM never handles a signal it inherited ignored, as a shell's
            // Ctrl-C semantics want. Give the child the default back (perl-base is in every Debian).
            assumeTrue(Cli.sh("sh", "-c", "command -v perl").rc() == 0, "SIGINT is ignored here and perl is not installed");
            cmd.addAll(0, List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\""));
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5); // the first use builds
            String line;
            while (System.nanoTime() < deadline && (line = in.readLine()) != null) {
                lines.add(line);
                if (line.contains("icmp_seq=2 ")) break;
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains("icmp_seq=2 ")), lines::toString);
            Cli.Result kill = Cli.sh("kill", "-INT", Long.toString(p.pid()));
            assertEquals(0, kill.rc(), kill::toString);
            // Bounded: the process must end on SIGINT; only then is reading to the end safe.
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("ping did not end within 60 s of SIGINT; it printed " + lines);
            }
            while ((line = in.readLine()) != null) lines.add(line);
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        assertTrue(lines.contains("--- 127.0.0.1 ping statistics ---"), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\d+ packets transmitted, \\d+ received, .*% packet loss, time \\d+ms")),
                lines::toString);
        assertTrue(lines.stream().anyMatch(l -> RTT.matcher(l).matches()), lines::toString);
    }
}
