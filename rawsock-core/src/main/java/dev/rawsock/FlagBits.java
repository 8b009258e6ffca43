package dev.rawsock;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The one conversion between the flag enums ({@link MsgFlag}, {@link AiFlag}, {@link NiFlag},
 * {@link IfFlag}, {@link PollEvent}) and the C bit masks they stand for. A null array or set is no
 * flags, as NIL is in CLISP.
 */
final class FlagBits {
    private FlagBits() {}

    /** The bits of {@code flags} or-ed together. */
    @SafeVarargs
    static <E extends Enum<E>> int mask(ToIntFunction<E> bit, E... flags) {
        int m = 0;
        if (flags != null) for (E f : flags) m |= bit.applyAsInt(f);
        return m;
    }

    /** The bits of a set or-ed together. */
    static <E extends Enum<E>> int mask(ToIntFunction<E> bit, Set<E> flags) {
        int m = 0;
        if (flags != null) for (E f : flags) m |= bit.applyAsInt(f);
        return m;
    }

    /** The constants of {@code type} whose bits are set in {@code bits}; bits no constant names are dropped. */
    static <E extends Enum<E>> Set<E> of(Class<E> type, int bits, ToIntFunction<E> bit) {
        EnumSet<E> s = EnumSet.noneOf(type);
        for (E f : type.getEnumConstants()) if ((bits & bit.applyAsInt(f)) != 0) s.add(f);
        return s;
    }
}
