package dev.rawsock.cli;

import dev.rawsock.NetNamespace;
import dev.rawsock.TunDevice;
import dev.rawsock.packet.LinkType;
import dev.rawsock.packet.PcapRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code rawsock tun NAME [--tap]}: creates a TUN (or TAP) device and prints each packet the kernel
 * sends into it, one line each as {@code sniff} prints it, until interrupted ({@code -c N} packets,
 * {@code --timeout} seconds). Configure the device meanwhile with {@code rawsock addr add ... dev NAME}
 * and {@code rawsock link set NAME up}.
 */
@Command(name = "tun", mixinStandardHelpOptions = true,
        description = "Create a tun (or tap) device and print every packet sent into it, one line each as sniff prints it.")
final class TunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetlinkText.NetnsOption ns;

    @Parameters(paramLabel = "NAME", description = "The device's name (at most 15 bytes).")
    String name;

    @Option(names = "--tap", description = "A TAP device (Ethernet frames) instead of TUN (IP packets).")
    boolean tap;

    @Option(names = "-c", paramLabel = "count", description = "Stop after count packets.")
    long count = Long.MAX_VALUE;

    @Option(names = "--timeout", paramLabel = "seconds", description = "Stop after this long (default: no limit).")
    Double timeout;

    @Override
    public Integer call() throws IOException {
        if (count < 1) throw new ParameterException(spec.commandLine(), "count must be positive: " + count);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        TunDevice.Builder b = TunDevice.builder(name);
        if (tap) b.tap();
        int linkType = tap ? LinkType.ETHERNET : LinkType.RAW;
        long end = timeout == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        try (TunDevice dev = ns.netns == null ? b.open() : NetNamespace.call(NetNamespace.named(ns.netns), b::open)) {
            err.printf("%s: %s device %s, link-type %s, waiting for packets%n", spec.qualifiedName(), tap ? "tap" : "tun", dev.name(),
                    LinkType.name(linkType));
            err.flush();
            byte[] buf = new byte[65536];
            long seen = 0;
            while (seen < count) {
                long left = end - System.nanoTime();
                if (left <= 0) break;
                dev.timeout(end == Long.MAX_VALUE ? null : Duration.ofNanos(left));
                int n;
                try {
                    n = dev.read(buf);
                } catch (SocketTimeoutException e) {
                    break;
                }
                Instant now = Instant.now();
                long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                out.println(SniffCommand.line(new PcapRecord(nanos, n, ByteBuffer.wrap(buf, 0, n)), linkType));
                out.flush();
                seen++;
            }
        }
        return 0;
    }
}
