package dev.rawsock.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rawsock shell}: jshell with the library on its class path, native access enabled in the
 * agent JVM that runs the snippets, and {@code dev.rawsock.*} imported: the REPL CLISP users had.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "Start jshell with rawsock on the class path and dev.rawsock.* imported.")
final class ShellCommand implements Callable<Integer> {
    static final String IMPORTS = """
            import dev.rawsock.*;
            import dev.rawsock.packet.*;
            import dev.rawsock.capture.*;
            """;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "script", arity = "0..*",
            description = "jshell scripts to run instead of the interactive prompt (end one with /exit).")
    List<Path> scripts = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        if (!Files.isExecutable(jshell)) {
            throw new CliException("no jshell at " + jshell + ": this Java is a JRE; run rawsock with a full JDK (>= 22)");
        }
        for (Path p : scripts) if (!Files.isReadable(p)) throw new CliException(p + ": no such readable file");
        Path startup = Files.createTempFile("rawsock-shell", ".jsh");
        try {
            Files.writeString(startup, IMPORTS);
            List<String> cmd = new ArrayList<>(List.of(jshell.toString(),
                    "--class-path", System.getProperty("java.class.path"),
                    "-R--enable-native-access=ALL-UNNAMED",
                    "--startup", "DEFAULT", "--startup", startup.toString()));
            for (Path p : scripts) cmd.add(p.toString());
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (scripts.isEmpty()) {
                // Interactive: jshell needs the real terminal.
                return pb.inheritIO().start().waitFor();
            }
            pb.redirectInput(ProcessBuilder.Redirect.INHERIT).redirectErrorStream(true);
            Process p = pb.start();
            PrintWriter out = spec.commandLine().getOut();
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.print(new String(buf, 0, n, StandardCharsets.UTF_8));
                    out.flush();
                }
            }
            return p.waitFor();
        } finally {
            Files.deleteIfExists(startup);
        }
    }
}
