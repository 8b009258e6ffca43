package dev.rawsock.bench;

import dev.rawsock.packet.BpfProgram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code bpf-compile}: compiling a typical capture filter with {@link BpfProgram#compile(String)},
 * lexer to laid-out program; reported in µs per expression by the driver. No C column: libpcap's
 * compiler is not linked here (tcpdump -d runs it in a process of its own, which would time the
 * process, not the compiler).
 */
public class BpfCompile {

    /** What a capture typically asks: a host, a protocol and a port range, with a negation. */
    static final String TYPICAL = "ip and tcp and host 10.0.0.1 and dst portrange 8000-8080 and not src net 192.168.0.0/16";

    @State(Scope.Thread)
    public static class Data extends PinnedThread {
        @Param({TYPICAL})
        public String filter;
    }

    /** One compilation of the typical filter. */
    @Benchmark
    public BpfProgram rawsock(Data d) {
        return BpfProgram.compile(d.filter);
    }
}
