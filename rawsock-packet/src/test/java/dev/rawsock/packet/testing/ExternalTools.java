package dev.rawsock.packet.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
}
