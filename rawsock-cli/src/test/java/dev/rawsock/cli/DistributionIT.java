package dev.rawsock.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged command, after {@code package}: {@code rawsock-VERSION.tar.gz} unpacked into an empty
 * directory works there (the command, its man pages, its completion, its AOT cache), and
 * {@code java -jar} runs the command's jar.
 */
class DistributionIT {
    static final String VERSION = System.getProperty("rawsock.version", "0.1.0-SNAPSHOT");
    static final Path TARGET = Path.of("target").toAbsolutePath();

    @TempDir
    static Path unpacked;
    static Path home;

    @BeforeAll
    static void unpack() {
        Path tgz = TARGET.resolve("rawsock-" + VERSION + ".tar.gz");
        assertTrue(Files.isRegularFile(tgz), tgz + " is built by package");
        Cli.Result tar = Cli.sh("tar", "-xzf", tgz.toString(), "-C", unpacked.toString());
        assertEquals(0, tar.rc(), tar::toString);
        home = unpacked.resolve("rawsock-" + VERSION);
    }

    private static Cli.Result rawsock(Map<String, String> env, String... args) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(home.resolve("bin/rawsock").toString());
        cmd.addAll(List.of(args));
        return Cli.exec(cmd, env, Duration.ofMinutes(2));
    }

    @Test
    void theCommandRunsFromTheUnpackedTree() {
        Cli.Result ifaddrs = rawsock(Map.of(), "ifaddrs");
        assertEquals(0, ifaddrs.rc(), ifaddrs::toString);
        assertTrue(ifaddrs.outLines().stream().anyMatch(l -> l.startsWith("lo ") && l.contains("127.0.0.1/8")), ifaddrs::toString);
        assertEquals("", ifaddrs.err(), "nothing on stderr");

        Cli.Result version = rawsock(Map.of(), "--version");
        assertEquals(0, version.rc(), version::toString);
        assertTrue(version.outLines().get(0).matches("rawsock " + java.util.regex.Pattern.quote(VERSION)
                + " \\(git ([0-9a-f]{12}(-dirty)?|unknown)\\)"), version::toString);
        assertTrue(version.outLines().get(1).startsWith("Java "), version::toString);
    }

    @Test
    void theAotCacheIsUsedByTheJdkThatMadeItAndSilentlySkippedOtherwise() throws IOException {
        Path aot = home.resolve("lib/rawsock.aot");
        assumeTrue(Files.isRegularFile(aot), "no AOT cache in the distribution: the build ran on a JDK older than 25");
        // Where classes came from: the cache ("shared objects file") or the jars. The cache is only
        // valid if unpacking kept each jar's size and mtime as the training run saw them.
        Path log = unpacked.resolve("classes.log");
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
        Cli.Result r = rawsock(env, "ifaddrs");
        assertEquals(0, r.rc(), r::toString);
        String classes = Files.readString(log);
        assertTrue(classes.lines().anyMatch(l -> l.contains(" dev.rawsock.cli.IfaddrsCommand ") && l.contains("shared objects file")),
                "the command's classes come from the AOT cache:\n" + classes.lines().filter(l -> l.contains("dev.rawsock")).toList());
        assertTrue(classes.lines().anyMatch(l -> l.contains(" picocli.CommandLine ") && l.contains("shared objects file")),
                "picocli's (upgraded) classes come from the AOT cache");

        // Another JDK build: the cache is not offered, the command still runs, nothing is said.
        Path jdk = home.resolve("lib/rawsock.aot.jdk");
        String made = Files.readString(jdk);
        try {
            Files.writeString(jdk, "22.0.0+0\n");
            Files.delete(log);
            Cli.Result other = rawsock(env, "ifaddrs");
            assertEquals(0, other.rc(), other::toString);
            assertTrue(other.errLines().stream().allMatch(l -> l.startsWith("Picked up JAVA_TOOL_OPTIONS")), other::toString);
            assertTrue(Files.readString(log).lines().noneMatch(l -> l.contains(" picocli.CommandLine ") && l.contains("shared objects file")),
                    "no cache for another JDK");
        } finally {
            Files.writeString(jdk, made);
        }
    }

    @Test
    void manPagesFormatWithManDashL() {
        assumeTrue(Cli.have("man"), "no man here (the CI installs man-db)");
        Path page = home.resolve("share/man/man1/rawsock-sniff.1");
        assertTrue(Files.isRegularFile(page), page + " exists");
        assertTrue(Files.isRegularFile(home.resolve("share/man/man1/rawsock.1")), "rawsock.1 exists");
        Cli.Result man = Cli.exec(List.of("man", "-l", page.toString()), Map.of("MANPAGER", "cat", "PAGER", "cat", "MANWIDTH", "80"),
                Duration.ofSeconds(60));
        assertEquals(0, man.rc(), man::toString);
        assertTrue(man.out().contains("rawsock-sniff"), man::toString);
        assertTrue(man.out().contains("SYNOPSIS"), man::toString);
    }

    @Test
    void bashCompletionRegistersTheCommand() {
        Path completion = home.resolve("share/bash-completion/completions/rawsock");
        Cli.Result r = Cli.sh("bash", "-c", "source '" + completion + "' && complete -p rawsock");
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("-F _complete_rawsock rawsock"), r::toString);
    }

    @Test
    void javaDashJarRunsTheCommandsJar() throws IOException {
        Path jar = TARGET.resolve("rawsock-cli-" + VERSION + ".jar");
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            assertEquals("dev.rawsock.cli.Main", m.getMainAttributes().getValue("Main-Class"));
            assertEquals("ALL-UNNAMED", m.getMainAttributes().getValue("Enable-Native-Access"));
            assertTrue(m.getMainAttributes().getValue("Class-Path").contains("lib/rawsock-core-" + VERSION + ".jar"),
                    m.getMainAttributes().getValue("Class-Path"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Cli.Result r = Cli.exec(List.of(java, "-jar", jar.toString(), "ifaddrs", "-s"), Map.of(), Duration.ofMinutes(2));
        assertEquals(0, r.rc(), r::toString);
        assertTrue(r.out().contains("127.0.0.1/8"), r::toString);
        // The manifest's Enable-Native-Access: no warning about restricted methods.
        assertEquals("", r.err(), r::toString);
    }
}
