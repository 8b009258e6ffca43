package dev.rawsock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rawsock} itself, without subcommands: its options and what it does alone (print its usage).
 * {@link Main} adds every subcommand; a call that names one runs this with only that one.
 */
@Command(name = "rawsock", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Full BSD and raw socket access for Java: a tool over the rawsock library.")
class RootCommand implements Runnable {
    @Option(names = "--debug", description = "Print stack traces of failures.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
