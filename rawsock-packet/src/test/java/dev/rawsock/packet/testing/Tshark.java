package dev.rawsock.packet.testing;

import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Wireshark's command-line readers, as the capture file tests ask them; core's tests use it too. */
public final class Tshark {
    private Tshark() {}

    /** The fields {@link #ours} prints, per packet, as {@code tshark -T fields} prints them. */
    public static List<String> fields(String tshark, Path file) throws Exception {
        return run(List.of(tshark, "-n", "-r", file.toString(), "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.interface_id", "-e", "frame.interface_name", "-e", "frame.time_epoch", "-e", "frame.cap_len",
                "-e", "frame.len", "-e", "frame.comment"));
    }

    /** {@code capinfos} of a file: its summary lines. */
    public static String capinfos(Path file) throws Exception {
        return String.join("\n", run(List.of("capinfos", file.toString())));
    }

    /** Runs a tool to its end (at most 120 s), stderr discarded; its non-blank stdout lines; fails unless it exits 0. */
    public static List<String> run(List<String> cmd) throws Exception {
        Result r = exec(cmd);
        assertEquals(0, r.exitStatus(), () -> String.join(" ", cmd) + ": exit status");
        return r.lines();
    }

    /** A tool's exit status and non-blank stdout lines. */
    public record Result(int exitStatus, List<String> lines) {}

    /** Runs a tool to its end (at most 120 s), stderr discarded, whatever its exit status. */
    public static Result exec(List<String> cmd) throws Exception {
        Process pr = new ProcessBuilder(new ArrayList<>(cmd)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        if (!pr.waitFor(120, TimeUnit.SECONDS)) {
            pr.destroyForcibly();
            fail(cmd.getFirst() + " did not finish in 120 s");
        }
        return new Result(pr.exitValue(), out.get(10, TimeUnit.SECONDS).lines().filter(l -> !l.isBlank()).toList());
    }

    /** Our reading in tshark's field order: interface id, interface name, epoch time, captured length, wire length, comments. */
    public static List<String> ours(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(f)) {
            for (PcapRecord rec; (rec = r.next()) != null; )
                out.add(rec.interfaceId() + "\t" + (rec.interfaceName() == null ? "" : rec.interfaceName()) + "\t"
                        + String.format("%d.%09d", rec.seconds(), rec.fractionNanos()) + "\t" + rec.data().remaining() + "\t"
                        + rec.wireLength() + "\t" + String.join(",", rec.comments()));
        }
        return out;
    }
}
