package dev.rawsock.packet;

import static dev.rawsock.packet.BpfProgram.ADD;
import static dev.rawsock.packet.BpfProgram.AND;
import static dev.rawsock.packet.BpfProgram.B;
import static dev.rawsock.packet.BpfProgram.DIV;
import static dev.rawsock.packet.BpfProgram.H;
import static dev.rawsock.packet.BpfProgram.LSH;
import static dev.rawsock.packet.BpfProgram.MOD;
import static dev.rawsock.packet.BpfProgram.MUL;
import static dev.rawsock.packet.BpfProgram.OR;
import static dev.rawsock.packet.BpfProgram.RSH;
import static dev.rawsock.packet.BpfProgram.SUB;
import static dev.rawsock.packet.BpfProgram.W;
import static dev.rawsock.packet.BpfProgram.XOR;

import dev.rawsock.packet.BpfAst.Arith;
import dev.rawsock.packet.BpfAst.Dir;
import dev.rawsock.packet.BpfLexer.FilterError;
import dev.rawsock.packet.BpfLexer.Kind;
import dev.rawsock.packet.BpfLexer.Tok;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pcap-filter grammar (libpcap's {@code grammar.y}) as a recursive-descent parser, backtracking
 * where the LALR grammar is ambiguous for a hand parser. It builds a {@link BpfAst}: it reads values
 * and checks that qualifiers fit together, and knows nothing of offsets or link types. {@code and}
 * and {@code or} share a precedence, left to right; a bare value repeats the last primitive's
 * qualifiers ({@code port 80 or 443}).
 */
final class BpfParser {

    /** How deep parentheses, negations and unary minus may nest; libpcap's own parser stack is smaller. */
    static final int MAX_NESTING = 1000;

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

    private final String src;
    private final List<Tok> toks;
    private int p;
    /** Qualifiers of the last primitive, or null when a bare value cannot follow. */
    private Quals last;
    private FilterError furthest;
    private int depth;

    BpfParser(String src, List<Tok> toks) {
        this.src = src;
        this.toks = toks;
    }

    /** The whole filter; a failure is reported at the furthest position any alternative reached. */
    BpfAst parseAll() {
        try {
            if (peek().kind() == Kind.END) {
                return new BpfAst.True();
            }
            BpfAst n = parseExpr();
            if (peek().kind() != Kind.END) {
                throw error(peek(), "\"and\", \"or\" or the end of the filter");
            }
            return n;
        } catch (FilterError e) {
            FilterError best = furthest != null && furthest.pos > e.pos ? furthest : e;
            throw best.toIae(src);
        }
    }

    private void enter() {
        if (++depth > MAX_NESTING) {
            depth--;
            throw new FilterError(peek().pos(), "nested more than " + MAX_NESTING + " deep");
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

    static FilterError error(Tok at, String expected) {
        return new FilterError(at.pos(), "expected " + expected + ", found " + at.describe());
    }

    static FilterError fail(Tok at, String message) {
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

    private record Mark(int p, Quals last) {
    }

    /** Runs the first alternative; if it fails, rewinds and runs the second; reports the further failure. */
    private <T> T either(java.util.function.Supplier<T> first, java.util.function.Supplier<T> second) {
        Mark m = new Mark(p, last);
        try {
            return first.get();
        } catch (FilterError e) {
            if (furthest == null || e.pos > furthest.pos) {
                furthest = e;
            }
            p = m.p();
            last = m.last();
        }
        try {
            return second.get();
        } catch (FilterError e) {
            throw furthest != null && furthest.pos > e.pos ? furthest : e;
        }
    }

    // ---- boolean structure: and/or have one precedence, left to right (pcap-filter(7))

    private BpfAst parseExpr() {
        enter();
        try {
            BpfAst left = parseTerm();
            while (isAnd() || isOr()) {
                boolean and = isAnd();
                next();
                BpfAst right;
                if (last != null) {
                    Quals q = last;
                    right = either(() -> parseId(q), this::parseTerm);
                } else {
                    right = parseTerm();
                }
                left = and ? new BpfAst.And(left, right) : new BpfAst.Or(left, right);
            }
            return left;
        } finally {
            depth--;
        }
    }

    /** A bare value (or not/parenthesized list of them) that takes the last primitive's qualifiers. */
    private BpfAst parseId(Quals q) {
        enter();
        try {
            if (isNot()) {
                next();
                return new BpfAst.Not(parseId(q));
            }
            if (accept("(")) {
                BpfAst n = parseId(q);
                while (isAnd() || isOr()) {
                    boolean and = isAnd();
                    next();
                    BpfAst r = parseId(q);
                    n = and ? new BpfAst.And(n, r) : new BpfAst.Or(n, r);
                }
                expect(")");
                return n;
            }
            Tok t = peek();
            if ((t.kind() == Kind.WORD && (KEYWORDS.contains(t.text()) || PROTOS.contains(t.text())
                    || NAMED.containsKey(t.text()))) || t.kind() == Kind.PUNCT || t.kind() == Kind.END) {
                throw error(t, "a primitive");
            }
            return valuePrimitive(q);
        } finally {
            depth--;
        }
    }

    private BpfAst parseTerm() {
        enter();
        try {
            if (isNot()) {
                next();
                return new BpfAst.Not(parseTerm());
            }
            Tok t = peek();
            if (t.is("(")) {
                return either(this::parseComparison, () -> {
                    next();
                    BpfAst n = parseExpr();
                    expect(")");
                    return n;
                });
            }
            if (t.kind() == Kind.NUM || t.is("-") || t.is("len") || NAMED.containsKey(t.text())
                    || (PROTOS.contains(t.text()) && peek(1).is("["))) {
                return parseComparison();
            }
            return parsePrimitive();
        } finally {
            depth--;
        }
    }

    // ---- primitives

    private BpfAst parsePrimitive() {
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
                    return vlan(t);
                }
                case "less", "greater" -> {
                    next();
                    Tok n = next();
                    long v = number(n, 0xffffffffL, "a length");
                    last = null;
                    return new BpfAst.Length(t.text().equals("less"), (int) v);
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
            return new BpfAst.Proto(proto, t.pos());
        }
        Quals q = new Quals(proto, dir, type);
        last = q;
        return valuePrimitive(q);
    }

    private BpfAst castPrimitive(String proto, Tok what) {
        boolean bcast = what.text().equals("broadcast");
        switch (proto) {
            case "ether" -> { }
            case "ip" -> {
                if (bcast) {
                    throw fail(what, "\"ip broadcast\" needs the interface's netmask, which a pure compiler does not know");
                }
            }
            case "ip6" -> {
                if (bcast) {
                    throw fail(what, "IPv6 has no broadcast");
                }
            }
            default -> throw fail(what, "\"" + what.text() + "\" cannot be qualified by \"" + proto + "\"");
        }
        return new BpfAst.Cast(proto, bcast, what.pos());
    }

    private BpfAst vlan(Tok kw) {
        int id = -1;
        if (peek().kind() == Kind.NUM) {
            Tok t = next();
            long v = number(t, 0xffffffffL, "a VLAN id");
            if (v > 4095) {
                throw fail(t, "VLAN tag " + v + " greater than maximum 4095");
            }
            id = (int) v;
        }
        return new BpfAst.Vlan(id, kw.pos());
    }

    /** The primitive for one value under the given qualifiers. */
    private BpfAst valuePrimitive(Quals q) {
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
                    return new BpfAst.EtherProto((int) et, t.pos());
                }
                long v = number(t, 255, "a protocol number");
                if (proto != null && !proto.equals("ip") && !proto.equals("ip6")) {
                    throw fail(t, "\"proto\" cannot be qualified by \"" + proto + "\"");
                }
                return new BpfAst.ProtoNum(proto, (int) v, t.pos());
            }
            case "port":
            case "portrange": {
                String proto = q.proto();
                if (proto != null && !Set.of("tcp", "udp", "sctp").contains(proto)) {
                    throw fail(t, "illegal qualifier of '" + type + "': \"" + proto + "\"");
                }
                if (type.equals("port") && t.kind() == Kind.WORD) {
                    // A service name, looked up as libpcap's pcap_nametoport does: a name that is
                    // only TCP (or only UDP) in /etc/services matches only that protocol.
                    Integer tcp = BpfNames.Services.TCP.get(t.text());
                    Integer udp = BpfNames.Services.UDP.get(t.text());
                    if (tcp == null && udp == null) {
                        throw fail(t, "unknown port '" + t.text() + "': expected a port number or a service name"
                                + " from /etc/services");
                    }
                    String only = tcp == null ? "udp" : udp == null || !udp.equals(tcp) ? "tcp" : null;
                    if (proto != null && only != null && !proto.equals(only)) {
                        throw fail(t, "port '" + t.text() + "' is " + only);
                    }
                    int port = tcp != null ? tcp : udp;
                    return new BpfAst.Port(proto != null ? proto : only, q.dir(), port, port, false, t.pos());
                }
                int lo;
                int hi;
                if (type.equals("port")) {
                    lo = hi = (int) number(t, 65535, "a port number");
                } else {
                    int[] r = portRange(t);
                    lo = r[0];
                    hi = r[1];
                }
                return new BpfAst.Port(proto, q.dir(), lo, hi, type.equals("portrange"), t.pos());
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

    private BpfAst address(Quals q, String type, Tok t) {
        String proto = q.proto();
        switch (t.kind()) {
            case MAC -> {
                if (!"ether".equals(proto)) {
                    throw fail(t, "ethernet address used in non-ether expression");
                }
                if (type.equals("net")) {
                    throw fail(t, "ethernet address used with \"net\"");
                }
                return new BpfAst.EtherHost(q.dir(), BpfNames.mac(t.text()), t.pos());
            }
            case IP6 -> {
                byte[] a = BpfNames.ipv6(t.text());
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
                return new BpfAst.Ip6Net(q.dir(), words, masks, t.pos());
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
                    long[] v = BpfNames.ipv4(t.text());
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
                            long[] mv = BpfNames.ipv4(m.text());
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
                if (proto != null && !Set.of("ip", "arp", "rarp").contains(proto)) {
                    throw fail(t, "'" + proto + "' modifier applied to " + q.type());
                }
                return new BpfAst.Ip4Net(proto, q.dir(), (int) value, (int) mask, t.pos());
            }
            default -> throw error(t, "a numeric address (host names are not resolved)");
        }
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

    private BpfAst parseComparison() {
        Arith l = parseArith(0);
        Tok op = peek();
        String o = op.text();
        if (op.kind() != Kind.PUNCT || !Set.of(">", ">=", "<", "<=", "=", "==", "!=").contains(o)) {
            throw error(op, "a comparison operator (> >= < <= = != )");
        }
        next();
        Arith r = parseArith(0);
        last = null;
        return new BpfAst.Compare(l, o, r);
    }

    // Precedence as libpcap's grammar.y: | < & < << >> < + - < * / < unary minus. '%' and '^' have
    // no declared precedence there, so bison always shifts them: "a * b % c + d" is a * (b % (c + d)).
    private static final List<Set<String>> LEVELS = List.of(Set.of("|"), Set.of("&"), Set.of("<<", ">>"),
            Set.of("+", "-"), Set.of("*", "/"));

    private Arith parseArith(int level) {
        if (level == LEVELS.size()) {
            return parseUnary();
        }
        Arith l = parseArith(level + 1);
        while (peek().kind() == Kind.PUNCT && LEVELS.get(level).contains(peek().text())) {
            Tok op = next();
            Arith r = parseArith(level + 1);
            l = binary(op, l, r);
        }
        return l;
    }

    /** A binary operation; constants fold here, where a division by zero still has a position. */
    private static Arith binary(Tok op, Arith l, Arith r) {
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
        if (r instanceof BpfAst.Const n) {
            if ((code == DIV || code == MOD) && n.value() == 0) {
                throw fail(op, "division by zero");
            }
            if ((code == LSH || code == RSH) && Integer.compareUnsigned(n.value(), 31) > 0) {
                throw fail(op, "shift by more than 31 bits");
            }
            if (l instanceof BpfAst.Const m) {
                int a = m.value();
                int b = n.value();
                return new BpfAst.Const(switch (code) {
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
        return new BpfAst.Op(code, l, r);
    }

    private Arith parseUnary() {
        enter();
        try {
            if (accept("-")) {
                Arith e = parseUnary();
                return e instanceof BpfAst.Const n ? new BpfAst.Const(-n.value()) : new BpfAst.Minus(e);
            }
            Arith e = parsePrimary();
            if (peek().is("%") || peek().is("^")) {
                Tok op = next();
                return binary(op, e, parseArith(0));
            }
            return e;
        } finally {
            depth--;
        }
    }

    private Arith parsePrimary() {
        Tok t = peek();
        if (accept("(")) {
            Arith e = parseArith(0);
            expect(")");
            return e;
        }
        if (t.kind() == Kind.NUM) {
            next();
            return new BpfAst.Const((int) number(t, 0xffffffffL, "a number"));
        }
        if (t.is("len")) {
            next();
            return new BpfAst.Len();
        }
        if (t.kind() == Kind.WORD && NAMED.containsKey(t.text())) {
            next();
            return new BpfAst.Const(NAMED.get(t.text()));
        }
        if (t.kind() == Kind.WORD && PROTOS.contains(t.text()) && peek(1).is("[")) {
            next();
            next();
            Arith idx = parseArith(0);
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
            return new BpfAst.PacketLoad(t.text().equals("link") ? "ether" : t.text(), size, idx);
        }
        throw error(t, "a number, \"len\", \"(\" or a packet access such as ip[0]");
    }
}
