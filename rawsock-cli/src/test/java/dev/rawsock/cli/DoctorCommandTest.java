package dev.rawsock.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

class DoctorCommandTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void doctorReportsJdkKernelPrivilegesAndSocketKinds() {
        Result r = run("doctor");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("java:        " + Runtime.version()), r.out());
        assertTrue(r.out().contains("kernel:      Linux"), r.out());
        assertTrue(r.out().matches("(?s).*CAP_NET_RAW: (yes|no).*"), r.out());
        assertTrue(r.out().contains("unix stream: ok"), r.out());
        for (String kind : new String[] {"raw icmp:", "packet:", "ping socket:", "inet6 udp:"})
            assertTrue(r.out().matches("(?s).*" + kind + " +(ok|no \\(E[A-Z]+.*\\)).*"), kind + " in " + r.out());
        if (DoctorCommand.hasCapNetRaw()) assertTrue(r.out().contains("raw icmp:    ok"), r.out());
    }

    @Test
    void badUsageExitsTwoWithOneLine() {
        Result r = run("doctor", "--no-such-flag");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("rawsock doctor: Unknown option: '--no-such-flag'"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(2, run("no-such-command").code());
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("rawsock "), v.out());
        Result h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("doctor"), h.out());
    }
}
