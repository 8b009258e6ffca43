package dev.rawsock.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** One line saying what the numbers were measured on: CPU, cores, kernel, JDK, gcc. */
final class Machine {
    private Machine() {}

    static String describe() {
        return cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
                + ", JDK " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")"
                + ", gcc " + gcc();
    }

    private static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            // fall through: not Linux, or no /proc
        }
        return "unknown CPU";
    }

    private static String gcc() {
        try {
            Process p = new ProcessBuilder("gcc", "-dumpfullversion").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return "unknown";
            return v;
        } catch (IOException e) {
            return "none";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
