package dev.rawsock.packet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finding the external tools (tcpdump, tshark, ip) that differential tests compare with; core's tests use it too. */
public final class ExternalTools {
    private ExternalTools() {}

    /**
     * The absolute path of the executable {@code tool}, or null: PATH first, then the sbin folders
     * where Debian puts ip and tcpdump but a non-root PATH may leave out.
     */
    public static String which(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** What a tool printed and how it exited. */
    public record Output(int exit, String out, String err) {
    }

    /**
     * Runs a command to its end, within 30 seconds (an {@link IOException} after that, the process
     * killed), and returns its exit status, standard output and standard error.
     */
    public static Output run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish in 30 s");
        }
        return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
