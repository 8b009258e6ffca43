package dev.rawsock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code rawsock} command. A thin client of the public API: nothing here touches
 * {@code dev.rawsock.internal}. Exit status: 0 success, 1 a failure explained in one line on
 * stderr (a stack trace only with {@code --debug}), 2 bad usage.
 *
 * <p>This class's annotation lists every subcommand: help, the man pages and the completion script
 * are made from it. A call that names its subcommand first ({@code rawsock ifaddrs}) builds only
 * that one's model over {@link RootCommand}: picocli reads each command's annotations by reflection,
 * and reading all of them took a third of a short command's start-up.
 */
@Command(subcommands = {DoctorCommand.class, IfaddrsCommand.class, LinkCommand.class, AddrCommand.class, RouteCommand.class, MonitorCommand.class, TunCommand.class, ResolveCommand.class, PingCommand.class, TracerouteCommand.class, SendCommand.class, SockoptsCommand.class, SniffCommand.class, ShellCommand.class, CommandLine.HelpCommand.class})
public final class Main extends RootCommand {
    /** Runs the command line and returns the exit status (for tests and for {@link #main}). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /**
     * The configured picocli command line for {@code args}: usage errors exit 2, failures exit 1 with
     * one line. Every subcommand, unless {@code args} name one first (after {@code --debug}): then only
     * that one, which parses and runs the same; anything else (help, an option, a typo that wants a
     * "did you mean") gets them all.
     */
    static CommandLine commandLine(String... args) {
        Class<?> only = soleSubcommand(args);
        CommandLine cl;
        if (only == null) {
            cl = new CommandLine(new Main());
        } else {
            cl = new CommandLine(new RootCommand());
            cl.addSubcommand(only);
        }
        cl.setExitCodeExceptionMapper(t -> 1);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean debug = parseResult.hasMatchedOption("--debug")
                    || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"));
            PrintWriter err = commandLine.getErr();
            Throwable t = ex;
            String msg = message(t);
            err.println(commandLine.getCommandSpec().qualifiedName() + ": " + msg);
            if (debug) t.printStackTrace(err);
            err.flush();
            // The library refuses bad input (a 16-byte interface name, ...) with IllegalArgumentException before any call: usage.
            return t instanceof IllegalArgumentException ? 2 : 1;
        });
        cl.setParameterExceptionHandler((ex, given) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // One line, as for failures: what was wrong and where the usage is.
            String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(cmd + ": " + message(ex) + " (try '" + cmd + " --help')");
            err.flush();
            return 2;
        });
        return cl;
    }

    /** The subcommand {@code args} call, when they start with one's name; null otherwise, and for help. */
    static Class<?> soleSubcommand(String... args) {
        int i = 0;
        while (i < args.length && args[i].equals("--debug")) i++;
        if (i == args.length || args[i].isEmpty() || args[i].equals("help")) return null;
        String a = args[i];
        if (!Character.isLowerCase(a.charAt(0))) return null;
        // The class names follow the command names (IfaddrsCommand is "ifaddrs"); CommandsTest checks it.
        String cls = Character.toUpperCase(a.charAt(0)) + a.substring(1) + "Command";
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            if (c.getSimpleName().equals(cls)) return c;
        }
        return null;
    }

        /** One line for a failure: the exception's message, with the C library's words for the file errors Java names only by path. */
    static String message(Throwable t) {
        if (t instanceof java.nio.file.NoSuchFileException e) return e.getFile() + ": No such file or directory";
        if (t instanceof java.nio.file.AccessDeniedException e) return e.getFile() + ": Permission denied";
        if (t instanceof java.nio.file.FileSystemException e && e.getReason() != null) return e.getFile() + ": " + e.getReason();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replace('\n', ' ');
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int rc = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(rc);
    }

    /**
     * {@code --version}: the version, the git revision the build was made from (with {@code -dirty}
     * when the tree had uncommitted changes), and the JDK it runs on. The build writes the first two
     * into {@code build.properties}; a class-path build without them (an IDE) says "unknown".
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("build.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {
                    "rawsock " + filled(p.getProperty("version")) + " (git " + filled(p.getProperty("revision")) + ")",
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")"};
        }

        /** The build's value, or "unknown" where the build left the placeholder (no git) or no file. */
        private static String filled(String v) {
            return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
        }
    }
}
