package dev.rawsock.packet;

import static dev.rawsock.packet.BpfProgram.ABS;
import static dev.rawsock.packet.BpfProgram.ADD;
import static dev.rawsock.packet.BpfProgram.ALU;
import static dev.rawsock.packet.BpfProgram.AND;
import static dev.rawsock.packet.BpfProgram.B;
import static dev.rawsock.packet.BpfProgram.DIV;
import static dev.rawsock.packet.BpfProgram.H;
import static dev.rawsock.packet.BpfProgram.IMM;
import static dev.rawsock.packet.BpfProgram.IND;
import static dev.rawsock.packet.BpfProgram.JA;
import static dev.rawsock.packet.BpfProgram.JEQ;
import static dev.rawsock.packet.BpfProgram.JGE;
import static dev.rawsock.packet.BpfProgram.JGT;
import static dev.rawsock.packet.BpfProgram.JMP;
import static dev.rawsock.packet.BpfProgram.JSET;
import static dev.rawsock.packet.BpfProgram.K;
import static dev.rawsock.packet.BpfProgram.LD;
import static dev.rawsock.packet.BpfProgram.LDX;
import static dev.rawsock.packet.BpfProgram.LEN;
import static dev.rawsock.packet.BpfProgram.LSH;
import static dev.rawsock.packet.BpfProgram.MEM;
import static dev.rawsock.packet.BpfProgram.MISC;
import static dev.rawsock.packet.BpfProgram.MOD;
import static dev.rawsock.packet.BpfProgram.MSH;
import static dev.rawsock.packet.BpfProgram.MUL;
import static dev.rawsock.packet.BpfProgram.NEG;
import static dev.rawsock.packet.BpfProgram.OR;
import static dev.rawsock.packet.BpfProgram.RET;
import static dev.rawsock.packet.BpfProgram.RSH;
import static dev.rawsock.packet.BpfProgram.ST;
import static dev.rawsock.packet.BpfProgram.SUB;
import static dev.rawsock.packet.BpfProgram.TAX;
import static dev.rawsock.packet.BpfProgram.W;
import static dev.rawsock.packet.BpfProgram.X;
import static dev.rawsock.packet.BpfProgram.XOR;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pcap-filter compiler behind {@link BpfProgram#compile}: lexer, recursive-descent parser (with
 * backtracking where libpcap's LALR grammar is ambiguous for a hand parser) into a small boolean
 * tree, and a code generator that lays the tree out as short-circuit jumps.
 *
 * <p>Semantics follow libpcap 1.10 (gencode.c) for {@code DLT_EN10MB}: which protocols a bare
 * {@code host} covers (IPv4, ARP, RARP), that ports are read only from the first IPv4 fragment
 * through a variable IHL, that IPv6 protocol tests look through one fragment header but port tests
 * do not, that {@code vlan} shifts every later network-layer offset by 4 in parse order, that
 * {@code and}/{@code or} share a precedence. No optimizer runs: the programs are longer than
 * tcpdump's but give the same verdicts. For a live Linux socket ({@code linux}) the first
 * {@code vlan} is libpcap's {@code gen_vlan_bpf_extensions} (tag in the metadata or in the packet,
 * later offsets moved at run time through M[0]/M[1]); everything else is the same.
 */
final class BpfCompiler {

    private BpfCompiler() {
    }

    static List<BpfInstruction> compile(String filter) {
        return compile(filter, false);
    }

    /** {@code linux}: for a live Linux socket ({@link BpfProgram.Target#LINUX_SOCKET}). */
    static List<BpfInstruction> compile(String filter, boolean linux) {
        if (filter == null) {
            throw new IllegalArgumentException("filter is null");
        }
        List<Tok> toks;
        try {
            toks = Lexer.lex(filter);
        } catch (FilterError e) {
            throw toIae(filter, e);
        }
        try {
            Parser parser = new Parser(filter, toks, linux);
            Node tree = parser.parseAll();
            return new Gen(filter, parser.variable).generate(tree);
        } catch (StackOverflowError e) {
            // Recursive descent over a filter nested thousands deep: a bad filter, not a broken JVM.
            throw new IllegalArgumentException("bad pcap filter: nested too deeply to compile (" + filter.length()
                    + " characters)");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Errors

    /** A failure at a character position; the parser keeps the one that got furthest. */
    static final class FilterError extends RuntimeException {
        final int pos;

        FilterError(int pos, String message) {
            super(message, null, false, false);
            this.pos = pos;
        }
    }

    private static IllegalArgumentException toIae(String filter, FilterError e) {
        return new IllegalArgumentException("bad pcap filter \"" + abbreviate(filter) + "\" at position " + e.pos + ": "
                + e.getMessage());
    }

    /** The filter as quoted in messages: whole unless it is very long. */
    static String abbreviate(String filter) {
        return filter.length() <= 200 ? filter : filter.substring(0, 200) + "...";
    }

    /** How deep parentheses, negations and unary minus may nest; libpcap's own parser stack is smaller. */
    static final int MAX_NESTING = 1000;

    // ------------------------------------------------------------------------------------------
    // Lexer

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("0[xX][0-9a-fA-F]+|[0-9]+");
    private static final java.util.regex.Pattern DOTTED = java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+){1,3}");
    private static final java.util.regex.Pattern MAC_COLONS = java.util.regex.Pattern.compile("[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}");
    private static final java.util.regex.Pattern MAC_DASHES = java.util.regex.Pattern.compile("[0-9a-fA-F]{1,2}(-[0-9a-fA-F]{1,2}){5}");
    private static final java.util.regex.Pattern MAC_DOTS = java.util.regex.Pattern.compile("[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}");
    private static final java.util.regex.Pattern HEX_GROUP = java.util.regex.Pattern.compile("[0-9a-fA-F]{1,4}");
    private static final java.util.regex.Pattern IPV4_PARTS = java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");

    enum Kind { WORD, NUM, HID, IP6, MAC, PUNCT, END }

    record Tok(Kind kind, String text, int pos) {
        boolean is(String s) {
            return (kind == Kind.PUNCT || kind == Kind.WORD) && text.equals(s);
        }

        String describe() {
            return kind == Kind.END ? "end of filter" : "\"" + text + "\"";
        }
    }

    static final class Lexer {
        private static final String[] PUNCTS = {"&&", "||", "<<", ">>", "<=", ">=", "==", "!=",
            "!", "(", ")", "[", "]", ":", "<", ">", "=", "+", "-", "*", "/", "%", "&", "|", "^"};

        static List<Tok> lex(String s) {
            List<Tok> out = new ArrayList<>();
            int i = 0;
            int n = s.length();
            outer:
            while (i < n) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                if (isWordStart(c) || (c == ':' && i + 1 < n && s.charAt(i + 1) == ':')) {
                    int end = i;
                    while (end < n && isWordChar(s.charAt(end))) {
                        end++;
                    }
                    while (end > i + 1 && (s.charAt(end - 1) == '-' || s.charAt(end - 1) == '_')) {
                        end--; // a word ends in a letter, digit or dot, as libpcap's ID does
                    }
                    if (end < n && s.charAt(end) == ':' || c == ':') {
                        int e2 = i;
                        while (e2 < n && (isHex(s.charAt(e2)) || s.charAt(e2) == ':' || s.charAt(e2) == '.')) {
                            e2++;
                        }
                        String lit = s.substring(i, e2);
                        if (Addr.mac(lit) != null) {
                            out.add(new Tok(Kind.MAC, lit, i));
                            i = e2;
                            continue;
                        }
                        if (Addr.ipv6(lit) != null) {
                            out.add(new Tok(Kind.IP6, lit, i));
                            i = e2;
                            continue;
                        }
                        if (c == ':') {
                            throw new FilterError(i, "expected an IPv6 address, found \"" + lit + "\"");
                        }
                    }
                    String w = s.substring(i, end);
                    Kind k;
                    if (NUMBER.matcher(w).matches()) {
                        k = Kind.NUM;
                    } else if (Addr.mac(w) != null) {
                        k = Kind.MAC; // before HID: 0011.2233.4455 is a MAC address, as libpcap reads it
                    } else if (DOTTED.matcher(w).matches()) {
                        k = Kind.HID;
                    } else {
                        k = Kind.WORD;
                    }
                    out.add(new Tok(k, w, i));
                    i = end;
                    continue;
                }
                for (String p : PUNCTS) {
                    if (s.startsWith(p, i)) {
                        out.add(new Tok(Kind.PUNCT, p, i));
                        i += p.length();
                        continue outer;
                    }
                }
                throw new FilterError(i, "unexpected character '" + c + "'");
            }
            out.add(new Tok(Kind.END, "", n));
            return out;
        }

        private static boolean isWordStart(char c) {
            return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
        }

        private static boolean isWordChar(char c) {
            return isWordStart(c) || c == '-' || c == '.';
        }

        private static boolean isHex(char c) {
            return Character.digit(c, 16) >= 0 && c < 128;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Addresses and numbers

    static final class Addr {
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
    }

    /** Service names of /etc/services ({@code services(5)}), read once, as getservbyname would find them. */
    static final class Services {
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

    // ------------------------------------------------------------------------------------------
    // The tree

    /** Arithmetic: what ends up in the A register. */
    sealed interface Ar permits Num, PktLen, Load, Bin, Neg, Anc, VlanTci {
    }

    /** An ancillary load {@code ld [SKF_AD_OFF + which]} of the given size: socket metadata. */
    record Anc(int size, int which) implements Ar {
    }

    /**
     * The outer VLAN tag's TCI on a live Linux socket, as libpcap loads it: from the metadata if the
     * kernel took the tag off, else from the packet at {@code inPacket}.
     */
    record VlanTci(int inPacket) implements Ar {
    }

    record Num(int value) implements Ar {
    }

    record PktLen() implements Ar {
    }

    /**
     * A packet load of {@code size} (W/H/B) at {@code base + idx}, where {@code msh >= 0} adds the
     * IPv4 header length read from that offset, as libpcap's {@code ldxb 4*([msh]&0xf)} does, and
     * {@code var >= 0} adds the run-time offset kept in scratch word {@code M[var]} (to both).
     */
    record Load(int size, int base, int msh, Ar idx, int var) implements Ar {
        Load(int size, int base, int msh, Ar idx) {
            this(size, base, msh, idx, -1);
        }
    }

    record Bin(int op, Ar left, Ar right) implements Ar {
    }

    record Neg(Ar e) implements Ar {
    }

    /** A boolean filter. */
    sealed interface Node permits Test, AndN, OrN, NotN, Bool, Prefixed {
    }

    /** Straight-line statements (no jumps) run before {@code n}'s code, on every path into it. */
    record Prefixed(List<BpfInstruction> stmts, Node n) implements Node {
    }

    /** {@code lhs jop rhs} with jop one of JEQ/JGT/JGE/JSET. */
    record Test(Ar lhs, int jop, Ar rhs) implements Node {
    }

    record AndN(Node a, Node b) implements Node {
    }

    record OrN(Node a, Node b) implements Node {
    }

    record NotN(Node a) implements Node {
    }

    record Bool(boolean value) implements Node {
    }

    static Node and(Node... ns) {
        Node r = ns[0];
        for (int i = 1; i < ns.length; i++) {
            r = new AndN(r, ns[i]);
        }
        return r;
    }

    static Node or(Node... ns) {
        Node r = ns[0];
        for (int i = 1; i < ns.length; i++) {
            r = new OrN(r, ns[i]);
        }
        return r;
    }

    static Node not(Node n) {
        return new NotN(n);
    }

    static Ar abs(int size, int off) {
        return new Load(size, off, -1, new Num(0));
    }

    static Node eq(int size, int off, int value) {
        return new Test(abs(size, off), JEQ, new Num(value));
    }

    static Node eqMasked(int size, int off, int mask, int value) {
        if (mask == 0) {
            // No bits to test, so no load: libpcap's optimizer drops it too, which matters for short frames.
            return new Bool(value == 0);
        }
        if (mask == -1) {
            return eq(size, off, value);
        }
        return new Test(new Bin(AND, abs(size, off), new Num(mask)), JEQ, new Num(value));
    }

    // ------------------------------------------------------------------------------------------
    // Parser

    enum Dir { DEFAULT, SRC, DST, OR, AND }

    /** The qualifiers of a primitive, which a following bare value repeats ({@code port 80 or 443}). */
    record Quals(String proto, Dir dir, String type) {
    }

    static final Set<String> PROTOS = Set.of("ether", "link", "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp",
            "icmp", "icmp6", "igmp");

    /** Words the grammar reserves: never a service or host name. */
    static final Set<String> KEYWORDS = Set.of("and", "or", "not", "host", "net", "port", "portrange", "src", "dst",
            "proto", "vlan", "less", "greater", "broadcast", "multicast", "len", "mask", "gateway", "inbound",
            "outbound", "protochain", "ifname", "mpls", "pppoed", "pppoes", "geneve", "llc");

    static final Map<String, Integer> NAMED = Map.ofEntries(
            Map.entry("tcpflags", 13), Map.entry("tcp-fin", 0x01), Map.entry("tcp-syn", 0x02),
            Map.entry("tcp-rst", 0x04), Map.entry("tcp-push", 0x08), Map.entry("tcp-ack", 0x10),
            Map.entry("tcp-urg", 0x20), Map.entry("tcp-ece", 0x40), Map.entry("tcp-cwr", 0x80),
            Map.entry("icmptype", 0), Map.entry("icmpcode", 1), Map.entry("icmp-echoreply", 0),
            Map.entry("icmp-unreach", 3), Map.entry("icmp-sourcequench", 4), Map.entry("icmp-redirect", 5),
            Map.entry("icmp-echo", 8), Map.entry("icmp-routeradvert", 9), Map.entry("icmp-routersolicit", 10),
            Map.entry("icmp-timxceed", 11), Map.entry("icmp-paramprob", 12), Map.entry("icmp-tstamp", 13),
            Map.entry("icmp-tstampreply", 14), Map.entry("icmp-ireq", 15), Map.entry("icmp-ireqreply", 16),
            Map.entry("icmp-maskreq", 17), Map.entry("icmp-maskreply", 18),
            Map.entry("icmp6type", 0), Map.entry("icmp6code", 1), Map.entry("icmp6-destinationunreach", 1),
            Map.entry("icmp6-packettoobig", 2), Map.entry("icmp6-timeexceeded", 3),
            Map.entry("icmp6-parameterproblem", 4), Map.entry("icmp6-echo", 128), Map.entry("icmp6-echoreply", 129),
            Map.entry("icmp6-multicastlistenerquery", 130), Map.entry("icmp6-multicastlistenerreportv1", 131),
            Map.entry("icmp6-multicastlistenerdone", 132), Map.entry("icmp6-routersolicit", 133),
            Map.entry("icmp6-routeradvert", 134), Map.entry("icmp6-neighborsolicit", 135),
            Map.entry("icmp6-neighboradvert", 136), Map.entry("icmp6-redirect", 137));

    /** Scratch words holding the run-time parts of the link-layer payload and link-type offsets (as libpcap's). */
    static final int LINKPL_REG = 0, LINKTYPE_REG = 1;

    static final int ETH_IP = EthernetHeader.TYPE_IPV4, ETH_IP6 = EthernetHeader.TYPE_IPV6, ETH_ARP = EthernetHeader.TYPE_ARP,
            ETH_RARP = 0x8035;

    static final class Parser {
        private final String src;
        private final List<Tok> toks;
        private int p;
        /** VLAN primitives seen so far, in parse order. */
        private int vlans;
        /** Of them, those that move later offsets by a constant 4 bytes (all, offline). */
        private int shift;
        /** For a live Linux socket: the first vlan tests metadata and packet, later offsets vary at run time. */
        private final boolean linux;
        /** Whether some offsets depend on M[LINKPL]/M[LINKTYPE] (a LINUX_SOCKET vlan was compiled). */
        boolean variable;
        /** Qualifiers of the last primitive, or null when a bare value cannot follow. */
        private Quals last;
        private FilterError furthest;
        private int depth;

        private void enter() {
            if (++depth > MAX_NESTING) {
                depth--;
                throw new FilterError(peek().pos(), "nested more than " + MAX_NESTING + " deep");
            }
        }

        Parser(String src, List<Tok> toks, boolean linux) {
            this.src = src;
            this.toks = toks;
            this.linux = linux;
        }

        private int nl() {
            return 14 + 4 * shift;
        }

        private int linkType() {
            return 12 + 4 * shift;
        }

        /**
         * The node with its network-layer and link-type loads made relative to the run-time offsets,
         * once a LINUX_SOCKET vlan made them variable (libpcap's {@code gen_abs_offset_varpart}). In
         * this compiler a load's base tells its layer: below 12 the link-layer header (MAC addresses,
         * {@code ether[]}), which never moves; exactly the link type's offset; else the payload.
         */
        private static Node relocate(Node n, int linkType) {
            return switch (n) {
                case Test t -> new Test(relocate(t.lhs(), linkType), t.jop(), relocate(t.rhs(), linkType));
                case AndN a -> new AndN(relocate(a.a(), linkType), relocate(a.b(), linkType));
                case OrN o -> new OrN(relocate(o.a(), linkType), relocate(o.b(), linkType));
                case NotN x -> new NotN(relocate(x.a(), linkType));
                case Prefixed p -> new Prefixed(p.stmts(), relocate(p.n(), linkType));
                case Bool b -> b;
            };
        }

        private static Ar relocate(Ar e, int linkType) {
            return switch (e) {
                case Load l when l.var() < 0 && l.base() >= 12 -> new Load(l.size(), l.base(), l.msh(),
                        relocate(l.idx(), linkType), l.base() == linkType && l.msh() < 0 ? LINKTYPE_REG : LINKPL_REG);
                case Load l -> new Load(l.size(), l.base(), l.msh(), relocate(l.idx(), linkType), l.var());
                case Bin b -> new Bin(b.op(), relocate(b.left(), linkType), relocate(b.right(), linkType));
                case Neg x -> new Neg(relocate(x.e(), linkType));
                case Num n -> n;
                case PktLen p -> p;
                case Anc a -> a;
                case VlanTci v -> v;
            };
        }

        /** Runs a leaf-producing parse step; its loads go relative once offsets became variable before it. */
        private Node leaf(java.util.function.Supplier<Node> step) {
            boolean wasVariable = variable;
            int linkType = linkType(); // before a vlan in the step moves it
            Node n = step.get();
            return wasVariable ? relocate(n, linkType) : n;
        }

        Node parseAll() {
            try {
                if (peek().kind() == Kind.END) {
                    return new Bool(true);
                }
                Node n = parseExpr();
                if (peek().kind() != Kind.END) {
                    throw error(peek(), "\"and\", \"or\" or the end of the filter");
                }
                return n;
            } catch (FilterError e) {
                FilterError best = furthest != null && furthest.pos > e.pos ? furthest : e;
                throw toIae(src, best);
            }
        }

        // ---- token helpers

        private Tok peek() {
            return toks.get(p);
        }

        private Tok peek(int ahead) {
            return toks.get(Math.min(p + ahead, toks.size() - 1));
        }

        private Tok next() {
            Tok t = toks.get(p);
            if (t.kind() != Kind.END) {
                p++;
            }
            return t;
        }

        private boolean accept(String s) {
            if (peek().is(s)) {
                p++;
                return true;
            }
            return false;
        }

        private void expect(String s) {
            if (!accept(s)) {
                throw error(peek(), "\"" + s + "\"");
            }
        }

        private FilterError error(Tok at, String expected) {
            return new FilterError(at.pos(), "expected " + expected + ", found " + at.describe());
        }

        private FilterError fail(Tok at, String message) {
            return new FilterError(at.pos(), message);
        }

        private boolean isAnd() {
            return peek().is("and") || peek().is("&&");
        }

        private boolean isOr() {
            return peek().is("or") || peek().is("||");
        }

        private boolean isNot() {
            return peek().is("not") || peek().is("!");
        }

        private record Mark(int p, int vlans, int shift, boolean variable, Quals last) {
        }

        private Mark mark() {
            return new Mark(p, vlans, shift, variable, last);
        }

        private void reset(Mark m, FilterError e) {
            if (furthest == null || e.pos > furthest.pos) {
                furthest = e;
            }
            p = m.p();
            vlans = m.vlans();
            shift = m.shift();
            variable = m.variable();
            last = m.last();
        }

        /** Runs the first alternative; if it fails, rewinds and runs the second; reports the further failure. */
        private Node either(java.util.function.Supplier<Node> first, java.util.function.Supplier<Node> second) {
            Mark m = mark();
            try {
                return first.get();
            } catch (FilterError e) {
                reset(m, e);
            }
            try {
                return second.get();
            } catch (FilterError e) {
                throw furthest != null && furthest.pos > e.pos ? furthest : e;
            }
        }

        // ---- boolean structure: and/or have one precedence, left to right (pcap-filter(7))

        Node parseExpr() {
            enter();
            try {
                return parseExpr0();
            } finally {
                depth--;
            }
        }

        private Node parseExpr0() {
            Node left = parseTerm();
            while (isAnd() || isOr()) {
                boolean and = isAnd();
                next();
                Node right;
                if (last != null) {
                    Quals q = last;
                    right = either(() -> parseId(q), this::parseTerm);
                } else {
                    right = parseTerm();
                }
                left = and ? new AndN(left, right) : new OrN(left, right);
            }
            return left;
        }

        /** A bare value (or not/parenthesized list of them) that takes the last primitive's qualifiers. */
        private Node parseId(Quals q) {
            enter();
            try {
                return parseId0(q);
            } finally {
                depth--;
            }
        }

        private Node parseId0(Quals q) {
            if (isNot()) {
                next();
                return not(parseId(q));
            }
            if (accept("(")) {
                Node n = parseId(q);
                while (isAnd() || isOr()) {
                    boolean and = isAnd();
                    next();
                    Node r = parseId(q);
                    n = and ? new AndN(n, r) : new OrN(n, r);
                }
                expect(")");
                return n;
            }
            Tok t = peek();
            if ((t.kind() == Kind.WORD && (KEYWORDS.contains(t.text()) || PROTOS.contains(t.text())
                    || NAMED.containsKey(t.text()))) || t.kind() == Kind.PUNCT || t.kind() == Kind.END) {
                throw error(t, "a primitive");
            }
            return leaf(() -> valuePrimitive(q));
        }

        private Node parseTerm() {
            enter();
            try {
                return parseTerm0();
            } finally {
                depth--;
            }
        }

        private Node parseTerm0() {
            if (isNot()) {
                next();
                return not(parseTerm());
            }
            Tok t = peek();
            if (t.is("(")) {
                return either(() -> leaf(this::parseComparison), () -> {
                    next();
                    Node n = parseExpr();
                    expect(")");
                    return n;
                });
            }
            if (t.kind() == Kind.NUM || t.is("-") || t.is("len") || NAMED.containsKey(t.text())
                    || (PROTOS.contains(t.text()) && peek(1).is("["))) {
                return leaf(this::parseComparison);
            }
            return leaf(this::parsePrimitive);
        }

        // ---- primitives

        private Node parsePrimitive() {
            Tok t = peek();
            if (t.kind() != Kind.WORD) {
                throw error(t, "a primitive (such as host, net, port, tcp, vlan, or a comparison)");
            }
            String proto = null;
            if (PROTOS.contains(t.text())) {
                proto = t.text().equals("link") ? "ether" : t.text();
                next();
                Tok u = peek();
                if (u.is("proto")) {
                    next();
                    Quals q = new Quals(proto, Dir.DEFAULT, "proto");
                    last = q;
                    return valuePrimitive(q);
                }
                if (u.is("broadcast") || u.is("multicast")) {
                    next();
                    last = null;
                    return castPrimitive(proto, u);
                }
            } else {
                switch (t.text()) {
                    case "vlan" -> {
                        next();
                        last = null;
                        return vlan();
                    }
                    case "less", "greater" -> {
                        next();
                        Tok n = next();
                        long v = number(n, 0xffffffffL, "a length");
                        last = null;
                        Node gt = new Test(new PktLen(), t.text().equals("less") ? JGT : JGE, new Num((int) v));
                        return t.text().equals("less") ? not(gt) : gt;
                    }
                    case "broadcast", "multicast" -> {
                        next();
                        last = null;
                        return castPrimitive("ether", t);
                    }
                    case "proto" -> {
                        next();
                        Quals q = new Quals(null, Dir.DEFAULT, "proto");
                        last = q;
                        return valuePrimitive(q);
                    }
                    default -> { }
                }
            }
            Dir dir = Dir.DEFAULT;
            if (peek().is("src") || peek().is("dst")) {
                boolean src = next().is("src");
                dir = src ? Dir.SRC : Dir.DST;
                String other = src ? "dst" : "src";
                if ((isOr() || isAnd()) && peek(1).is(other)) {
                    dir = isOr() ? Dir.OR : Dir.AND;
                    next();
                    next();
                }
            }
            String type = null;
            Tok a = peek();
            if (a.is("host") || a.is("net") || a.is("port") || a.is("portrange")) {
                type = next().text();
            }
            if (dir == Dir.DEFAULT && type == null) {
                if (proto == null) {
                    throw error(t, "a primitive (such as host, net, port, tcp, vlan, or a comparison)");
                }
                if (proto.equals("ether")) {
                    throw error(peek(), "\"host\", \"src\", \"dst\", \"proto\", \"broadcast\" or \"multicast\" after \"ether\"");
                }
                last = null;
                return protoAbbrev(proto);
            }
            Quals q = new Quals(proto, dir, type);
            last = q;
            return valuePrimitive(q);
        }

        private Node castPrimitive(String proto, Tok what) {
            boolean bcast = what.text().equals("broadcast");
            return switch (proto) {
                case "ether" -> bcast
                        ? and(eq(W, 2, 0xffffffff), eq(H, 0, 0xffff))
                        : new Test(abs(B, 0), JSET, new Num(1));
                case "ip" -> {
                    if (bcast) {
                        throw fail(what, "\"ip broadcast\" needs the interface's netmask, which a pure compiler does not know");
                    }
                    yield and(etherType(ETH_IP), new Test(abs(B, nl() + 16), JGE, new Num(224)));
                }
                case "ip6" -> {
                    if (bcast) {
                        throw fail(what, "IPv6 has no broadcast");
                    }
                    yield and(etherType(ETH_IP6), eq(B, nl() + 24, 255));
                }
                default -> throw fail(what, "\"" + what.text() + "\" cannot be qualified by \"" + proto + "\"");
            };
        }

        private Node vlan() {
            Node tpid = or(eq(H, linkType(), 0x8100), eq(H, linkType(), 0x88a8), eq(H, linkType(), 0x9100));
            int id = -1;
            if (peek().kind() == Kind.NUM) {
                Tok t = next();
                long v = number(t, 0xffffffffL, "a VLAN id");
                if (v > 4095) {
                    throw fail(t, "VLAN tag " + v + " greater than maximum 4095");
                }
                id = (int) v;
            }
            boolean first = vlans++ == 0;
            if (linux && first) {
                return linuxVlan(tpid, id);
            }
            Node n = id < 0 ? tpid : and(tpid, eqMasked(H, linkType() + 2, 0x0fff, id));
            shift++;
            return n;
        }

        /**
         * The first vlan on a live Linux socket, shaped as libpcap's {@code gen_vlan_bpf_extensions}:
         * a tag in the metadata passes at once and leaves the offsets alone; otherwise both run-time
         * offsets grow by 4 and the tag must be in the packet. The id test reads the TCI from where
         * the tag was found. The offsets start at 0 (the program's prologue, see {@link Gen}).
         */
        private Node linuxVlan(Node tpidInPacket, int id) {
            variable = true;
            Node present = new Test(new Anc(B, BpfProgram.SKF_AD_VLAN_TAG_PRESENT), JEQ, new Num(1));
            List<BpfInstruction> grow = new ArrayList<>();
            for (int reg : new int[] {LINKPL_REG, LINKTYPE_REG}) {
                grow.add(BpfInstruction.stmt(LD | MEM, reg));
                grow.add(BpfInstruction.stmt(ALU | ADD | K, 4));
                grow.add(BpfInstruction.stmt(ST, reg));
            }
            Node n = or(present, new Prefixed(List.copyOf(grow), tpidInPacket));
            if (id >= 0) {
                n = and(n, new Test(new Bin(AND, new VlanTci(nl()), new Num(0x0fff)), JEQ, new Num(id)));
            }
            return n;
        }

        private Node etherType(int type) {
            return eq(H, linkType(), type);
        }

        /** A protocol name alone: {@code tcp}, {@code ip6}, ... */
        private Node protoAbbrev(String proto) {
            return switch (proto) {
                case "ip" -> etherType(ETH_IP);
                case "ip6" -> etherType(ETH_IP6);
                case "arp" -> etherType(ETH_ARP);
                case "rarp" -> etherType(ETH_RARP);
                case "tcp" -> or(ipProto(6), ip6Proto(6));
                case "udp" -> or(ipProto(17), ip6Proto(17));
                case "sctp" -> or(ipProto(132), ip6Proto(132));
                case "icmp" -> ipProto(1);
                case "igmp" -> ipProto(2);
                case "icmp6" -> ip6Proto(58);
                default -> throw new AssertionError(proto);
            };
        }

        private Node ipProto(int proto) {
            return and(etherType(ETH_IP), eq(B, nl() + 9, proto));
        }

        /** IPv6 next header, looking through one fragment header as libpcap's gen_proto does. */
        private Node ip6Proto(int proto) {
            return and(etherType(ETH_IP6), or(eq(B, nl() + 6, proto), and(eq(B, nl() + 6, 44), eq(B, nl() + 40, proto))));
        }

        /** The primitive for one value under the given qualifiers. */
        private Node valuePrimitive(Quals q) {
            Tok t = next();
            String type = q.type() == null ? "host" : q.type();
            switch (type) {
                case "proto": {
                    String proto = q.proto();
                    if ("ether".equals(proto)) {
                        long et = number(t, 0xffff, "an EtherType");
                        if (et <= 1500) {
                            throw fail(t, "ether proto " + et + " is an 802.3 length or LLC SAP, not supported;"
                                    + " expected an EtherType above 1500 (0x5dc)");
                        }
                        return etherType((int) et);
                    }
                    long v = number(t, 255, "a protocol number");
                    if (proto == null) {
                        return or(ipProto((int) v), ip6Proto((int) v));
                    }
                    return switch (proto) {
                        case "ip" -> ipProto((int) v);
                        case "ip6" -> ip6Proto((int) v);
                        default -> throw fail(t, "\"proto\" cannot be qualified by \"" + proto + "\"");
                    };
                }
                case "port":
                case "portrange": {
                    String proto = q.proto();
                    if (proto != null && !Set.of("tcp", "udp", "sctp").contains(proto)) {
                        throw fail(t, "illegal qualifier of '" + type + "': \"" + proto + "\"");
                    }
                    int lo;
                    int hi;
                    if (type.equals("port") && t.kind() == Kind.WORD) {
                        // A service name, looked up as libpcap's pcap_nametoport does: a name that is
                        // only TCP (or only UDP) in /etc/services matches only that protocol.
                        Integer tcp = Services.TCP.get(t.text());
                        Integer udp = Services.UDP.get(t.text());
                        if (tcp == null && udp == null) {
                            throw fail(t, "unknown port '" + t.text() + "': expected a port number or a service name"
                                    + " from /etc/services");
                        }
                        String only = tcp == null ? "udp" : udp == null || !udp.equals(tcp) ? "tcp" : null;
                        if (proto != null && only != null && !proto.equals(only)) {
                            throw fail(t, "port '" + t.text() + "' is " + only);
                        }
                        int port = tcp != null ? tcp : udp;
                        return ports(proto != null ? proto : only, q.dir(), port, port, false);
                    }
                    if (type.equals("port")) {
                        lo = hi = (int) number(t, 65535, "a port number");
                    } else {
                        int[] r = portRange(t);
                        lo = r[0];
                        hi = r[1];
                    }
                    return ports(proto, q.dir(), lo, hi, type.equals("portrange"));
                }
                case "host":
                case "net":
                    return address(q, type, t);
                default:
                    throw new AssertionError(type);
            }
        }

        private int[] portRange(Tok t) {
            if (t.kind() == Kind.NUM) {
                int v = (int) number(t, 65535, "a port range lo-hi");
                return new int[] {v, v};
            }
            String s = t.text();
            int dash = s.indexOf('-');
            if (t.kind() != Kind.WORD || dash <= 0) {
                throw error(t, "a port range lo-hi");
            }
            Tok lo = new Tok(Kind.NUM, s.substring(0, dash), t.pos());
            Tok hi = new Tok(Kind.NUM, s.substring(dash + 1), t.pos() + dash + 1);
            int a = (int) number(lo, 65535, "a port number");
            int b = (int) number(hi, 65535, "a port number");
            return a <= b ? new int[] {a, b} : new int[] {b, a};
        }

        private Node ports(String proto, Dir dir, int lo, int hi, boolean range) {
            int[] protos = proto == null ? new int[] {132, 6, 17}
                    : new int[] {proto.equals("tcp") ? 6 : proto.equals("udp") ? 17 : 132};
            // IPv4: only the first fragment carries ports; the header length comes from IHL.
            Node[] p4 = new Node[protos.length];
            Node[] p6 = new Node[protos.length];
            for (int i = 0; i < protos.length; i++) {
                p4[i] = eq(B, nl() + 9, protos[i]);
                p6[i] = eq(B, nl() + 6, protos[i]);
            }
            Node firstFragment = not(new Test(abs(H, nl() + 6), JSET, new Num(0x1fff)));
            Ar src4 = new Load(H, nl(), nl(), new Num(0));
            Ar dst4 = new Load(H, nl() + 2, nl(), new Num(0));
            Node v4 = and(etherType(ETH_IP), or(p4), firstFragment,
                    direction(dir, portTest(src4, lo, hi, range), portTest(dst4, lo, hi, range)));
            // IPv6: the transport header right after the fixed header; no extension headers.
            Node v6 = and(etherType(ETH_IP6), or(p6),
                    direction(dir, portTest(abs(H, nl() + 40), lo, hi, range), portTest(abs(H, nl() + 42), lo, hi, range)));
            return or(v6, v4);
        }

        private static Node portTest(Ar load, int lo, int hi, boolean range) {
            if (!range) {
                return new Test(load, JEQ, new Num(lo));
            }
            return and(new Test(load, JGE, new Num(lo)), not(new Test(load, JGT, new Num(hi))));
        }

        private static Node direction(Dir dir, Node src, Node dst) {
            return switch (dir) {
                case SRC -> src;
                case DST -> dst;
                case AND -> and(src, dst);
                case DEFAULT, OR -> or(src, dst);
            };
        }

        private Node address(Quals q, String type, Tok t) {
            String proto = q.proto();
            switch (t.kind()) {
                case MAC -> {
                    if (!"ether".equals(proto)) {
                        throw fail(t, "ethernet address used in non-ether expression");
                    }
                    if (type.equals("net")) {
                        throw fail(t, "ethernet address used with \"net\"");
                    }
                    byte[] m = Addr.mac(t.text());
                    return direction(q.dir(), macTest(6, m), macTest(0, m));
                }
                case IP6 -> {
                    byte[] a = Addr.ipv6(t.text());
                    int len = 128;
                    if (accept("/")) {
                        Tok l = next();
                        len = (int) number(l, 128, "a prefix length (0..128)");
                        if (!type.equals("net")) {
                            throw fail(l, "mask syntax for networks only");
                        }
                    }
                    if (proto != null && !proto.equals("ip6")) {
                        throw fail(t, "\"" + proto + "\" qualifier applied to an IPv6 address");
                    }
                    int[] words = new int[4];
                    int[] masks = new int[4];
                    for (int w = 0; w < 4; w++) {
                        words[w] = ((a[4 * w] & 0xff) << 24) | ((a[4 * w + 1] & 0xff) << 16)
                                | ((a[4 * w + 2] & 0xff) << 8) | (a[4 * w + 3] & 0xff);
                        int bits = Math.max(0, Math.min(32, len - 32 * w));
                        masks[w] = bits == 0 ? 0 : (int) (0xffffffffL << (32 - bits));
                        if ((words[w] & ~masks[w]) != 0) {
                            throw fail(t, "non-network bits set in \"" + t.text() + "/" + len + "\"");
                        }
                    }
                    return and(etherType(ETH_IP6), direction(q.dir(), ip6Words(nl() + 8, words, masks),
                            ip6Words(nl() + 24, words, masks)));
                }
                case NUM, HID -> {
                    long value;
                    long mask;
                    if (t.kind() == Kind.NUM) {
                        value = number(t, 0xffffffffL, "an address");
                        mask = 0xffffffffL;
                        if (type.equals("net")) {
                            while (value != 0 && (value & 0xff000000L) == 0) {
                                value = (value << 8) & 0xffffffffL;
                                mask = (mask << 8) & 0xffffffffL;
                            }
                        }
                    } else {
                        long[] v = Addr.ipv4(t.text());
                        if (v == null) {
                            throw error(t, "an IPv4 address");
                        }
                        value = (v[0] << (32 - v[1])) & 0xffffffffL;
                        mask = (0xffffffffL << (32 - v[1])) & 0xffffffffL;
                        if (peek().is("/") || peek().is("mask")) {
                            boolean slash = next().is("/");
                            Tok m = next();
                            if (slash) {
                                int bits = (int) number(m, 32, "a prefix length (0..32)");
                                mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
                            } else {
                                long[] mv = Addr.ipv4(m.text());
                                if (m.kind() != Kind.HID || mv == null) {
                                    throw error(m, "a dotted netmask");
                                }
                                mask = (mv[0] << (32 - mv[1])) & 0xffffffffL;
                            }
                            if (!type.equals("net")) {
                                throw fail(m, "mask syntax for networks only");
                            }
                            if ((value & ~mask) != 0) {
                                throw fail(t, "non-network bits set in \"" + src.substring(t.pos(), m.pos() + m.text().length()) + "\"");
                            }
                        }
                    }
                    return ipv4Host(q, t, (int) value, (int) mask);
                }
                default -> throw error(t, "a numeric address (host names are not resolved)");
            }
        }

        private Node ipv4Host(Quals q, Tok t, int addr, int mask) {
            String proto = q.proto();
            if (proto == null) {
                return or(ipv4Host(ETH_IP, 12, 16, q.dir(), addr, mask), ipv4Host(ETH_ARP, 14, 24, q.dir(), addr, mask),
                        ipv4Host(ETH_RARP, 14, 24, q.dir(), addr, mask));
            }
            return switch (proto) {
                case "ip" -> ipv4Host(ETH_IP, 12, 16, q.dir(), addr, mask);
                case "arp" -> ipv4Host(ETH_ARP, 14, 24, q.dir(), addr, mask);
                case "rarp" -> ipv4Host(ETH_RARP, 14, 24, q.dir(), addr, mask);
                default -> throw fail(t, "'" + proto + "' modifier applied to " + q.type());
            };
        }

        private Node ipv4Host(int etherType, int srcOff, int dstOff, Dir dir, int addr, int mask) {
            return and(etherType(etherType),
                    direction(dir, eqMasked(W, nl() + srcOff, mask, addr), eqMasked(W, nl() + dstOff, mask, addr)));
        }

        private static Node ip6Words(int off, int[] words, int[] masks) {
            List<Node> tests = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                if (masks[w] != 0) {
                    tests.add(eqMasked(W, off + 4 * w, masks[w], words[w]));
                }
            }
            return tests.isEmpty() ? new Bool(true) : and(tests.toArray(Node[]::new));
        }

        private static Node macTest(int off, byte[] m) {
            int tail = ((m[2] & 0xff) << 24) | ((m[3] & 0xff) << 16) | ((m[4] & 0xff) << 8) | (m[5] & 0xff);
            int head = ((m[0] & 0xff) << 8) | (m[1] & 0xff);
            return and(eq(W, off + 2, tail), eq(H, off, head));
        }

        /** A number as libpcap reads one: decimal, 0x hexadecimal, or octal with a leading 0. */
        private long number(Tok t, long max, String what) {
            if (t.kind() != Kind.NUM) {
                throw error(t, what);
            }
            String s = t.text();
            long v;
            try {
                if (s.startsWith("0x") || s.startsWith("0X")) {
                    v = Long.parseLong(s.substring(2), 16);
                } else if (s.length() > 1 && s.startsWith("0")) {
                    v = Long.parseLong(s.substring(1), 8);
                } else {
                    v = Long.parseLong(s);
                }
            } catch (NumberFormatException e) {
                throw error(t, what + " (a decimal, 0x hexadecimal or 0 octal number up to " + max + ")");
            }
            if (v > max) {
                throw fail(t, "expected " + what + " up to " + max + ", found " + v);
            }
            return v;
        }

        // ---- arithmetic comparisons: arth relop arth

        private final List<Node> loadChecks = new ArrayList<>();

        private Node parseComparison() {
            loadChecks.clear();
            Ar l = parseArith(0);
            Tok op = peek();
            String o = op.text();
            if (op.kind() != Kind.PUNCT || !Set.of(">", ">=", "<", "<=", "=", "==", "!=").contains(o)) {
                throw error(op, "a comparison operator (> >= < <= = != )");
            }
            next();
            Ar r = parseArith(0);
            last = null;
            Node cmp = switch (o) {
                case ">" -> new Test(l, JGT, r);
                case ">=" -> new Test(l, JGE, r);
                case "<" -> not(new Test(l, JGE, r));
                case "<=" -> not(new Test(l, JGT, r));
                case "!=" -> not(new Test(l, JEQ, r));
                default -> new Test(l, JEQ, r);
            };
            List<Node> all = new ArrayList<>(loadChecks);
            loadChecks.clear();
            all.add(cmp);
            return and(all.toArray(Node[]::new));
        }

        // Precedence as libpcap's grammar.y: | < & < << >> < + - < * / < unary minus. '%' and '^' have
        // no declared precedence there, so bison always shifts them: "a * b % c + d" is a * (b % (c + d)).
        private static final List<Set<String>> LEVELS = List.of(Set.of("|"), Set.of("&"), Set.of("<<", ">>"),
                Set.of("+", "-"), Set.of("*", "/"));

        private Ar parseArith(int level) {
            if (level == LEVELS.size()) {
                return parseUnary();
            }
            Ar l = parseArith(level + 1);
            while (peek().kind() == Kind.PUNCT && LEVELS.get(level).contains(peek().text())) {
                Tok op = next();
                Ar r = parseArith(level + 1);
                l = binary(op, l, r);
            }
            return l;
        }

        private Ar binary(Tok op, Ar l, Ar r) {
            int code = switch (op.text()) {
                case "|" -> OR;
                case "^" -> XOR;
                case "&" -> AND;
                case "<<" -> LSH;
                case ">>" -> RSH;
                case "+" -> ADD;
                case "-" -> SUB;
                case "*" -> MUL;
                case "/" -> DIV;
                default -> MOD;
            };
            if (r instanceof Num n) {
                if ((code == DIV || code == MOD) && n.value() == 0) {
                    throw fail(op, "division by zero");
                }
                if ((code == LSH || code == RSH) && Integer.compareUnsigned(n.value(), 31) > 0) {
                    throw fail(op, "shift by more than 31 bits");
                }
                if (l instanceof Num m) {
                    int a = m.value();
                    int b = n.value();
                    return new Num(switch (code) {
                        case OR -> a | b;
                        case XOR -> a ^ b;
                        case AND -> a & b;
                        case LSH -> a << b;
                        case RSH -> a >>> b;
                        case ADD -> a + b;
                        case SUB -> a - b;
                        case MUL -> a * b;
                        case DIV -> Integer.divideUnsigned(a, b);
                        default -> Integer.remainderUnsigned(a, b);
                    });
                }
            }
            return new Bin(code, l, r);
        }

        private Ar parseUnary() {
            enter();
            try {
                return parseUnary0();
            } finally {
                depth--;
            }
        }

        private Ar parseUnary0() {
            if (accept("-")) {
                Ar e = parseUnary();
                return e instanceof Num n ? new Num(-n.value()) : new Neg(e);
            }
            Ar e = parsePrimary();
            if (peek().is("%") || peek().is("^")) {
                Tok op = next();
                return binary(op, e, parseArith(0));
            }
            return e;
        }

        private Ar parsePrimary() {
            Tok t = peek();
            if (accept("(")) {
                Ar e = parseArith(0);
                expect(")");
                return e;
            }
            if (t.kind() == Kind.NUM) {
                next();
                return new Num((int) number(t, 0xffffffffL, "a number"));
            }
            if (t.is("len")) {
                next();
                return new PktLen();
            }
            if (t.kind() == Kind.WORD && NAMED.containsKey(t.text())) {
                next();
                return new Num(NAMED.get(t.text()));
            }
            if (t.kind() == Kind.WORD && PROTOS.contains(t.text()) && peek(1).is("[")) {
                next();
                next();
                Ar idx = parseArith(0);
                int size = B;
                if (accept(":")) {
                    Tok s = next();
                    long n = number(s, 4, "a data size (1, 2 or 4)");
                    if (n == 4) {
                        size = W;
                    } else if (n == 2) {
                        size = H;
                    } else if (n != 1) {
                        throw fail(s, "data size must be 1, 2, or 4");
                    }
                }
                expect("]");
                return protoLoad(t.text(), size, idx);
            }
            throw error(t, "a number, \"len\", \"(\" or a packet access such as ip[0]");
        }

        private Ar protoLoad(String proto, int size, Ar idx) {
            switch (proto) {
                case "ether", "link" -> {
                    return new Load(size, 0, -1, idx);
                }
                case "ip" -> loadChecks.add(etherType(ETH_IP));
                case "ip6" -> loadChecks.add(etherType(ETH_IP6));
                case "arp" -> loadChecks.add(etherType(ETH_ARP));
                case "rarp" -> loadChecks.add(etherType(ETH_RARP));
                case "icmp6" -> {
                    loadChecks.add(and(etherType(ETH_IP6), eq(B, nl() + 6, 58)));
                    return new Load(size, nl() + 40, -1, idx);
                }
                default -> {
                    int n = switch (proto) {
                        case "tcp" -> 6;
                        case "udp" -> 17;
                        case "sctp" -> 132;
                        case "icmp" -> 1;
                        default -> 2; // igmp
                    };
                    // Transport bytes: IPv4 only, first fragment only, after a variable-length header.
                    loadChecks.add(and(etherType(ETH_IP), eq(B, nl() + 9, n),
                            not(new Test(abs(H, nl() + 6), JSET, new Num(0x1fff)))));
                    return new Load(size, nl(), nl(), idx);
                }
            }
            return new Load(size, nl(), -1, idx);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Code generation

    static final class Label {
    }

    /** An instruction whose jump targets are labels until layout. */
    static final class Ins {
        final int code;
        final int k;
        Label t;
        Label f;

        Ins(int code, int k, Label t, Label f) {
            this.code = code;
            this.k = k;
            this.t = t;
            this.f = f;
        }
    }

    static final class Gen {
        private final String src;
        private final List<Ins> code = new ArrayList<>();
        private final Map<Label, Ins> bound = new IdentityHashMap<>();
        private final List<Label> pending = new ArrayList<>();

        /** Whether offsets vary at run time: then M[0], M[1] hold them and expressions use the words above. */
        private final boolean variable;
        private final int scratchBase;

        Gen(String src) {
            this(src, false);
        }

        Gen(String src, boolean variable) {
            this.src = src;
            this.variable = variable;
            this.scratchBase = variable ? 2 : 0;
        }

        List<BpfInstruction> generate(Node tree) {
            // Every leaf takes at least one instruction: refuse a huge tree before recursing over it.
            int leaves = 0;
            java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(List.of(tree));
            while (!todo.isEmpty()) {
                switch (todo.pop()) {
                    case AndN a -> {
                        todo.push(a.a());
                        todo.push(a.b());
                    }
                    case OrN o -> {
                        todo.push(o.a());
                        todo.push(o.b());
                    }
                    case NotN x -> todo.push(x.a());
                    case Prefixed x -> {
                        leaves += x.stmts().size();
                        todo.push(x.n());
                    }
                    case Test t -> leaves++;
                    case Bool b -> leaves++;
                }
                if (leaves > BpfProgram.MAX_INSTRUCTIONS) {
                    throw new IllegalArgumentException("bad pcap filter \"" + abbreviate(src) + "\": it compiles to more"
                            + " than the kernel's " + BpfProgram.MAX_INSTRUCTIONS + " instructions");
                }
            }
            if (tree instanceof Bool b) {
                return List.of(BpfInstruction.stmt(RET | K, b.value() ? BpfProgram.ACCEPT_SNAPLEN : 0));
            }
            Label accept = new Label();
            Label reject = new Label();
            if (variable) {
                // libpcap's insert_compute_vloffsets: the run-time offsets start at 0 on every path
                // (the kernel also refuses a program that may read scratch memory before writing it).
                emit(LD | IMM, 0);
                emit(ST, LINKPL_REG);
                emit(ST, LINKTYPE_REG);
            }
            gen(tree, accept, reject);
            bind(accept);
            emit(RET | K, BpfProgram.ACCEPT_SNAPLEN);
            bind(reject);
            emit(RET | K, 0);
            return layout();
        }

        private void bind(Label l) {
            pending.add(l);
        }

        private Ins emit(int op, int k) {
            return emit(op, k, null, null);
        }

        private Ins emit(int op, int k, Label t, Label f) {
            Ins in = new Ins(op, k, t, f);
            for (Label l : pending) {
                bound.put(l, in);
            }
            pending.clear();
            code.add(in);
            return in;
        }

        private void gen(Node n, Label t, Label f) {
            switch (n) {
                case AndN a -> {
                    Label mid = new Label();
                    gen(a.a(), mid, f);
                    bind(mid);
                    gen(a.b(), t, f);
                }
                case OrN o -> {
                    Label mid = new Label();
                    gen(o.a(), t, mid);
                    bind(mid);
                    gen(o.b(), t, f);
                }
                case NotN x -> gen(x.a(), f, t);
                case Bool b -> emit(JMP | JA, 0, b.value() ? t : f, null);
                case Prefixed p -> {
                    for (BpfInstruction in : p.stmts()) {
                        emit(in.code(), in.k());
                    }
                    gen(p.n(), t, f);
                }
                case Test test -> {
                    int d = scratchBase;
                    if (test.rhs() instanceof Num k) {
                        arith(test.lhs(), d);
                        emit(JMP | test.jop() | K, k.value(), t, f);
                    } else {
                        arith(test.rhs(), d);
                        emit(ST, d);
                        arith(test.lhs(), d + 1);
                        emit(LDX | MEM, d);
                        emit(JMP | test.jop() | X, 0, t, f);
                    }
                }
            }
        }

        /** Code that leaves the value of e in A, using scratch words from {@code depth} up. */
        private void arith(Ar e, int depth) {
            if (depth >= BpfProgram.MEMORY_WORDS) {
                throw new IllegalArgumentException("bad pcap filter \"" + abbreviate(src)
                        + "\": expression too complex for the 16 words of BPF scratch memory");
            }
            switch (e) {
                case Num n -> emit(LD | IMM, n.value());
                case PktLen p -> emit(LD | W | LEN, 0);
                case Neg n -> {
                    arith(n.e(), depth);
                    emit(ALU | NEG, 0);
                }
                case Bin b -> {
                    if (b.right() instanceof Num n) {
                        arith(b.left(), depth);
                        emit(ALU | b.op() | K, n.value());
                    } else {
                        arith(b.right(), depth);
                        emit(ST, depth);
                        arith(b.left(), depth + 1);
                        emit(LDX | MEM, depth);
                        emit(ALU | b.op() | X, 0);
                    }
                }
                case Anc a -> emit(LD | a.size() | ABS, BpfProgram.SKF_AD_OFF + a.which());
                case VlanTci v -> {
                    // libpcap's gen_vlan_patch_vid_test: the TCI from the metadata if the tag is there, else
                    // from the packet; the caller's "and #0xfff" follows either way.
                    Label meta = new Label();
                    Label inPacket = new Label();
                    Label done = new Label();
                    emit(LD | B | ABS, BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_VLAN_TAG_PRESENT);
                    emit(JMP | JEQ | K, 1, meta, inPacket);
                    bind(meta);
                    emit(LD | H | ABS, BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_VLAN_TAG);
                    emit(JMP | JA, 0, done, null);
                    bind(inPacket);
                    emit(LD | H | ABS, v.inPacket());
                    bind(done);
                }
                case Load l when l.var() >= 0 -> varLoad(l, depth);
                case Load l -> {
                    if (l.idx() instanceof Num n) {
                        if (l.msh() >= 0) {
                            emit(LDX | B | MSH, l.msh());
                            emit(LD | l.size() | IND, l.base() + n.value());
                        } else {
                            emit(LD | l.size() | ABS, l.base() + n.value());
                        }
                    } else {
                        arith(l.idx(), depth);
                        if (l.msh() >= 0) {
                            emit(LDX | B | MSH, l.msh());
                            emit(ALU | ADD | X, 0);
                        }
                        emit(MISC | TAX, 0);
                        emit(LD | l.size() | IND, l.base());
                    }
                }
            }
        }

        /**
         * A load whose offset has a run-time part in M[var] (libpcap's variable-offset loads):
         * X = M[var] (+ the IPv4 header length read there, for transport loads) (+ the index), then
         * {@code ld [x + base]}.
         */
        private void varLoad(Load l, int depth) {
            boolean constIdx = l.idx() instanceof Num;
            int k = l.base() + (constIdx ? ((Num) l.idx()).value() : 0);
            if (!constIdx) {
                arith(l.idx(), depth);
                if (l.msh() >= 0) {
                    if (depth >= BpfProgram.MEMORY_WORDS) {
                        throw new IllegalArgumentException("bad pcap filter \"" + abbreviate(src)
                                + "\": expression too complex for the 16 words of BPF scratch memory");
                    }
                    emit(ST, depth);
                }
            }
            emit(LDX | MEM, l.var());
            if (l.msh() >= 0) {
                emit(LD | B | IND, l.msh());
                emit(ALU | AND | K, 0xf);
                emit(ALU | LSH | K, 2);
                emit(ALU | ADD | X, 0);
                emit(MISC | TAX, 0);
                if (!constIdx) {
                    emit(LD | MEM, depth);
                    emit(ALU | ADD | X, 0);
                    emit(MISC | TAX, 0);
                }
            } else if (!constIdx) {
                emit(ALU | ADD | X, 0);
                emit(MISC | TAX, 0);
            }
            emit(LD | l.size() | IND, k);
        }

        private void tooLarge() {
            if (code.size() > BpfProgram.MAX_INSTRUCTIONS) {
                throw new IllegalArgumentException("bad pcap filter \"" + abbreviate(src) + "\": it compiles to " + code.size()
                        + " instructions, more than the kernel's " + BpfProgram.MAX_INSTRUCTIONS);
            }
        }

        /**
         * Resolves labels to offsets. A conditional jump reaches at most 255 instructions ahead; a
         * longer one goes through an unconditional {@code ja} (32-bit offset) inserted right after
         * it, as libpcap does; repeated until everything fits.
         */
        private List<BpfInstruction> layout() {
            tooLarge();
            while (true) {
                Map<Ins, Integer> index = new IdentityHashMap<>();
                for (int i = 0; i < code.size(); i++) {
                    index.put(code.get(i), i);
                }
                boolean changed = false;
                for (int i = 0; i < code.size() && !changed; i++) {
                    Ins in = code.get(i);
                    if ((in.code & 0x07) != JMP || in.code == (JMP | JA)) {
                        continue;
                    }
                    int dt = index.get(bound.get(in.t)) - i - 1;
                    int df = index.get(bound.get(in.f)) - i - 1;
                    int at = i + 1;
                    if (dt > 255) {
                        Label l = new Label();
                        Ins ja = new Ins(JMP | JA, 0, in.t, null);
                        bound.put(l, ja);
                        code.add(at++, ja);
                        in.t = l;
                        changed = true;
                    }
                    if (df > 255) {
                        Label l = new Label();
                        Ins ja = new Ins(JMP | JA, 0, in.f, null);
                        bound.put(l, ja);
                        code.add(at, ja);
                        in.f = l;
                        changed = true;
                    }
                }
                if (changed) {
                    continue;
                }
                tooLarge();
                List<BpfInstruction> out = new ArrayList<>(code.size());
                for (int i = 0; i < code.size(); i++) {
                    Ins in = code.get(i);
                    if (in.code == (JMP | JA)) {
                        out.add(BpfInstruction.stmt(in.code, index.get(bound.get(in.t)) - i - 1));
                    } else if ((in.code & 0x07) == JMP) {
                        out.add(BpfInstruction.jump(in.code, in.k, index.get(bound.get(in.t)) - i - 1,
                                index.get(bound.get(in.f)) - i - 1));
                    } else {
                        out.add(BpfInstruction.stmt(in.code, in.k));
                    }
                }
                return out;
            }
        }
    }
}
