package dev.rawsock;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One result of {@code getaddrinfo(3)} ({@code struct addrinfo}): CLISP's {@code RAWSOCK:ADDRINFO}.
 *
 * @param flags     {@code ai_flags} as the resolver returned them (glibc echoes the hints' flags)
 * @param family    {@code ai_family}, e.g. {@link Domain#INET}
 * @param type      {@code ai_socktype}, e.g. {@link SocketType#STREAM}
 * @param protocol  {@code ai_protocol}, e.g. {@link Protocol#TCP}
 * @param address   {@code ai_addr} with its {@code ai_addrlen}
 * @param canonname {@code ai_canonname}: set on the first result when {@link AiFlag#CANONNAME} was
 *                  asked for, null otherwise
 */
public record AddrInfo(Set<AiFlag> flags, Domain family, SocketType type, Protocol protocol, SockAddr address,
                       String canonname) {
    /** Copies {@code flags}, so the result stays immutable. */
    public AddrInfo {
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(AiFlag.class) : EnumSet.copyOf(flags));
    }

    /** {@return new, empty hints (no flags, AF_UNSPEC, any socket type, any protocol), to be filled fluently} */
    public static Hints hints() {
        return new Hints();
    }

    /**
     * The {@code hints} argument of {@code getaddrinfo(3)}. Fluent and mutable: each setter changes
     * this object and returns it, so both {@code AddrInfo.hints().family(Domain.INET).socktype(SocketType.STREAM)}
     * and setting fields one statement at a time work. Not thread-safe; {@code getaddrinfo} reads it
     * once, at the call.
     */
    public static final class Hints {
        private int flags;
        private Domain family = Domain.UNSPEC;
        private SocketType socktype;
        private Protocol protocol;

        private Hints() {}

        /**
         * {@code ai_flags}: replaces the flags with these (none: 0).
         *
         * @param flags the {@code AI_*} flags
         * @return these hints
         */
        public Hints flags(AiFlag... flags) {
            this.flags = AiFlag.mask(flags);
            return this;
        }

        /**
         * {@code ai_flags}: replaces the flags with these.
         *
         * @param flags the {@code AI_*} flags
         * @return these hints
         */
        public Hints flags(Set<AiFlag> flags) {
            this.flags = AiFlag.mask(flags);
            return this;
        }

        /**
         * {@code ai_family}; null means AF_UNSPEC.
         *
         * @param family the address family, or null
         * @return these hints
         */
        public Hints family(Domain family) {
            this.family = family == null ? Domain.UNSPEC : family;
            return this;
        }

        /**
         * {@code ai_socktype}; null means 0 (any).
         *
         * @param socktype the socket type, or null
         * @return these hints
         */
        public Hints socktype(SocketType socktype) {
            this.socktype = socktype;
            return this;
        }

        /**
         * {@code ai_protocol}; null means 0 (any).
         *
         * @param protocol the protocol, or null
         * @return these hints
         */
        public Hints protocol(Protocol protocol) {
            this.protocol = protocol;
            return this;
        }

        /** {@return the flags set so far} */
        public Set<AiFlag> aiFlags() { return AiFlag.of(flags); }

        /**
         * {@code ai_flags} as the C int.
         *
         * @return the {@code AI_*} bits or-ed together
         */
        public int aiFlagsValue() { return flags; }

        /** {@return the family set so far ({@link Domain#UNSPEC} by default)} */
        public Domain aiFamily() { return family; }

        /** {@return the socket type set so far, or null (any)} */
        public SocketType aiSocktype() { return socktype; }

        /** {@return the protocol set so far, or null (any)} */
        public Protocol aiProtocol() { return protocol; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hints h && h.flags == flags && h.family.equals(family)
                    && Objects.equals(h.socktype, socktype) && Objects.equals(h.protocol, protocol);
        }

        @Override
        public int hashCode() {
            return Objects.hash(flags, family, socktype, protocol);
        }

        @Override
        public String toString() {
            return "Hints[flags=" + aiFlags() + ", family=" + family + ", socktype=" + socktype + ", protocol=" + protocol + "]";
        }
    }
}
