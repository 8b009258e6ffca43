package dev.rawsock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * The {@code rawsock} command. A thin client of the public API: nothing here touches
 * {@code dev.rawsock.internal}. Exit status: 0 success, 1 a failure explained in one line on
 * stderr (a stack trace only with {@code --debug}), 2 bad usage.
 */
@Command(name = "rawsock", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Full BSD and raw socket access for Java: a tool over the rawsock library.",
        subcommands = {DoctorCommand.class, IfaddrsCommand.class, LinkCommand.class, AddrCommand.class, RouteCommand.class, MonitorCommand.class, TunCommand.class, ResolveCommand.class, PingCommand.class, TracerouteCommand.class, SendCommand.class, SockoptsCommand.class, SniffCommand.class, ShellCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Option(names = "--debug", description = "Print stack traces of failures.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the exit status (for tests and for {@link #main}). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured picocli command line: usage errors exit 2, failures exit 1 with one line. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
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
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // One line, as for failures: what was wrong and where the usage is.
            String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(cmd + ": " + message(ex) + " (try '" + cmd + " --help')");
            err.flush();
            return 2;
        });
        return cl;
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

    /** {@code --version}: the library's version and the JDK it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rawsock " + (v == null ? "0.1.0-SNAPSHOT" : v) + " on Java " + Runtime.version()};
        }
    }
}
