package dev.rawsock.packet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Addresses and names in filters, read as libpcap's {@code nametoaddr.c} reads them: MAC, IPv4 and
 * IPv6 literals, and service names from {@code /etc/services}.
 */
final class BpfNames {

    private BpfNames() {
    }

    private static final java.util.regex.Pattern MAC_COLONS = java.util.regex.Pattern.compile("[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}");
    private static final java.util.regex.Pattern MAC_DASHES = java.util.regex.Pattern.compile("[0-9a-fA-F]{1,2}(-[0-9a-fA-F]{1,2}){5}");
    private static final java.util.regex.Pattern MAC_DOTS = java.util.regex.Pattern.compile("[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}");
    private static final java.util.regex.Pattern HEX_GROUP = java.util.regex.Pattern.compile("[0-9a-fA-F]{1,4}");
    private static final java.util.regex.Pattern IPV4_PARTS = java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");

    /** A MAC address as 6 bytes: xx:xx:xx:xx:xx:xx, xx-xx-..., or xxxx.xxxx.xxxx; else null. */
    static byte[] mac(String s) {
        String[] parts;
        if (MAC_COLONS.matcher(s).matches() || MAC_DASHES.matcher(s).matches()) {
            parts = s.split("[:-]");
        } else if (MAC_DOTS.matcher(s).matches()) {
            String h = s.replace(".", "");
            parts = new String[6];
            for (int i = 0; i < 6; i++) {
                parts[i] = h.substring(2 * i, 2 * i + 2);
            }
        } else {
            return null;
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    /** An IPv6 literal (RFC 4291 text forms, with an optional dotted IPv4 tail) as 16 bytes; else null. */
    static byte[] ipv6(String s) {
        if (s.isEmpty() || s.indexOf(':') < 0) {
            return null;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        String left = dbl >= 0 ? s.substring(0, dbl) : s;
        String right = dbl >= 0 ? s.substring(dbl + 2) : "";
        if (!groups(left, head, dbl < 0 || right.isEmpty()) || !groups(right, tail, true)) {
            return null;
        }
        int total = head.size() + tail.size();
        if (dbl < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            out[2 * i] = (byte) (head.get(i) >> 8);
            out[2 * i + 1] = (byte) (int) head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            int g = 8 - tail.size() + i;
            out[2 * g] = (byte) (tail.get(i) >> 8);
            out[2 * g + 1] = (byte) (int) tail.get(i);
        }
        return out;
    }

    private static boolean groups(String part, List<Integer> out, boolean mayEndInV4) {
        if (part.isEmpty()) {
            return true;
        }
        String[] gs = part.split(":", -1);
        for (int i = 0; i < gs.length; i++) {
            String g = gs[i];
            if (i == gs.length - 1 && mayEndInV4 && g.indexOf('.') >= 0) {
                long[] v4 = ipv4(g);
                if (v4 == null || v4[1] != 32) {
                    return false;
                }
                out.add((int) (v4[0] >>> 16));
                out.add((int) (v4[0] & 0xffff));
                continue;
            }
            if (!HEX_GROUP.matcher(g).matches()) {
                return false;
            }
            out.add(Integer.parseInt(g, 16));
        }
        return true;
    }

    /**
     * A dotted IPv4 address of 1 to 4 decimal parts as {value, bits}, the way libpcap's
     * {@code __pcap_atoin} reads it: "10.1" is 0x0a01 of 16 bits; else null.
     */
    static long[] ipv4(String s) {
        if (!IPV4_PARTS.matcher(s).matches()) {
            return null;
        }
        String[] parts = s.split("\\.");
        long v = 0;
        for (String p : parts) {
            if (p.length() > 3) {
                return null;
            }
            int b = Integer.parseInt(p);
            if (b > 255) {
                return null;
            }
            v = (v << 8) | b;
        }
        return new long[] {v, 8L * parts.length};
    }

    /** Service names of /etc/services ({@code services(5)}), read once, as getservbyname would find them. */
    static final class Services {
        private Services() {
        }

        static final Map<String, Integer> TCP = new java.util.HashMap<>();
        static final Map<String, Integer> UDP = new java.util.HashMap<>();

        static {
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/etc/services"),
                        java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    int hash = line.indexOf('#');
                    String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                    if (f.length < 2) {
                        continue;
                    }
                    int slash = f[1].indexOf('/');
                    if (slash <= 0) {
                        continue;
                    }
                    Map<String, Integer> m = switch (f[1].substring(slash + 1)) {
                        case "tcp" -> TCP;
                        case "udp" -> UDP;
                        default -> null;
                    };
                    int port;
                    try {
                        port = Integer.parseInt(f[1].substring(0, slash));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (m == null || port < 0 || port > 65535) {
                        continue;
                    }
                    for (int i = 0; i < f.length; i++) {
                        if (i != 1) {
                            m.putIfAbsent(f[i], port);
                        }
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // No services database: only numeric ports then, and names say they are unknown.
            }
        }
    }
}
