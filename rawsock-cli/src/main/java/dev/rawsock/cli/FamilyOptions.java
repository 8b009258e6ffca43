package dev.rawsock.cli;

import dev.rawsock.Domain;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code -4} / {@code -6}, shared by the subcommands that take a host: which family to resolve it to. */
final class FamilyOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "-4", description = "IPv4 only.")
    boolean ipv4;

    @Option(names = "-6", description = "IPv6 only.")
    boolean ipv6;

    /** The family asked for (null: either); both at once is a usage error. */
    Domain family() {
        return Hosts.family(mixee, ipv4, ipv6);
    }
}
