package dev.rawsock.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The names of one family of {@link Consts} constants (those whose names start with a prefix), read
 * once from Consts' fields so that every C name is spelled in one place. Looks a name up with or
 * without its prefix, in any case; gives the first-declared C name of a value.
 */
public final class ConstTable {
    private final String prefix;
    private final Map<String, Integer> byName = new LinkedHashMap<>();
    private final Map<Integer, String> byValue = new HashMap<>();

    private ConstTable(String prefix, List<String> excluded) {
        this.prefix = prefix;
        for (Field f : Consts.class.getFields()) {
            String n = f.getName();
            if (!n.startsWith(prefix) || excluded.contains(n) || !Modifier.isStatic(f.getModifiers())) continue;
            try {
                int v = ((Number) f.get(null)).intValue();
                byName.put(n, v);
                byValue.putIfAbsent(v, n);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The constants named {@code prefix...}, less the {@code excluded} names (flags sharing the prefix, say). */
    public static ConstTable of(String prefix, String... excluded) {
        return new ConstTable(prefix, List.of(excluded));
    }

    /** The C name of {@code value} ({@code "AF_INET"}), the first declared where names share it; null if none. */
    public String name(int value) {
        return byValue.get(value);
    }

    /** The C name of {@code value}, or the number when it has none: what the open-ended value types print. */
    public String nameOrNumber(int value) {
        String n = name(value);
        return n != null ? n : Integer.toString(value);
    }

    /** The value of {@code name}: {@code "AF_INET"}, {@code "INET"}, {@code "inet"} all work. */
    public OptionalInt value(String name) {
        String up = name.toUpperCase(Locale.ROOT);
        Integer v = byName.get(up.startsWith(prefix) ? up : prefix + up);
        if (v == null) {
            for (Map.Entry<String, Integer> e : byName.entrySet()) {  // mixed-case C names such as AF_DECnet
                if (e.getKey().equalsIgnoreCase(name) || e.getKey().equalsIgnoreCase(prefix + name)) {
                    v = e.getValue();
                    break;
                }
            }
        }
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /**
     * The value of {@code name}, or an {@link IllegalArgumentException} whose message lists every
     * accepted name (CLISP's "platform-dependent keywords") when it is unknown.
     * @param what what the name stands for, e.g. {@code "socket domain"}
     */
    public int parse(String name, String what) {
        if (name == null) throw new NullPointerException(what + " name");
        OptionalInt v = value(name.strip());
        if (v.isPresent()) return v.getAsInt();
        throw new IllegalArgumentException("unknown " + what + " '" + name + "'; known: " + String.join(", ", names()));
    }

    /** Every C name, in declaration order. */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    /** Every distinct value, in declaration order of its first name. */
    public List<Integer> values() {
        List<Integer> out = new ArrayList<>();
        for (int v : byName.values()) if (!out.contains(v)) out.add(v);
        return out;
    }

    /** The prefix, e.g. {@code "AF_"}. */
    public String prefix() {
        return prefix;
    }
}
