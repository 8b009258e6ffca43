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

    static final Set<String> PROTOS = Set.of("ether", "link", "fddi", "tr", "wlan", "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp",
            "icmp", "icmp6", "igmp", "igrp", "pim", "vrrp", "carp", "ah", "esp", "atalk", "aarp", "decnet", "lat", "sca",
            "mopdl", "moprc", "iso", "stp", "ipx", "netbeui", "esis", "es-is", "isis", "is-is", "clnp", "l1", "l2", "iih",
            "lsp", "snp", "csnp", "psnp");

    /** What may follow {@code llc}: the frame formats and the S and U frame subtypes. */
    static final Set<String> LLC_TYPES = Set.of("i", "s", "u", "rr", "rnr", "rej", "ui", "ua", "disc", "dm", "sabme",
            "test", "xid", "frmr");

    /** Protocols whose bytes {@code proto[i]} reads (libpcap's gen_load); others are "unsupported index operation". */
    static final Set<String> INDEXABLE = Set.of("ether", "ip", "ip6", "arp", "rarp", "atalk", "decnet", "sca", "lat",
            "moprc", "mopdl", "tcp", "udp", "sctp", "icmp", "igmp", "igrp", "pim", "vrrp", "carp", "icmp6");

    /** Words the grammar reserves: never a service or host name. */
    static final Set<String> KEYWORDS = Set.of("and", "or", "not", "host", "net", "port", "portrange", "src", "dst",
            "proto", "vlan", "less", "greater", "broadcast", "multicast", "len", "mask", "gateway", "inbound",
            "outbound", "protochain", "ifname", "mpls", "pppoed", "pppoes", "geneve", "vxlan", "llc", "length", "byte", "ifindex",
            "type", "subtype", "dir", "direction", "addr1", "address1", "addr2", "address2", "addr3", "address3",
            "addr4", "address4", "ra", "ta");

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
            Map.entry("icmp6-neighboradvert", 136), Map.entry("icmp6-redirect", 137), Map.entry("icmp6-routerrenum", 138),
            Map.entry("icmp6-nodeinformationquery", 139), Map.entry("icmp6-nodeinformationresponse", 140),
            Map.entry("icmp6-ineighbordiscoverysolicit", 141), Map.entry("icmp6-ineighbordiscoveryadvert", 142),
            Map.entry("icmp6-multicastlistenerreportv2", 143), Map.entry("icmp6-homeagentdiscoveryrequest", 144),
            Map.entry("icmp6-homeagentdiscoveryreply", 145), Map.entry("icmp6-mobileprefixsolicit", 146),
            Map.entry("icmp6-mobileprefixadvert", 147), Map.entry("icmp6-certpathsolicit", 148),
            Map.entry("icmp6-certpathadvert", 149), Map.entry("icmp6-multicastrouteradvert", 151),
            Map.entry("icmp6-multicastroutersolicit", 152), Map.entry("icmp6-multicastrouterterm", 153));

    private final String src;
    private final List<Tok> toks;
    /** The ethers(5) file naming Ethernet hosts, or null for /etc/ethers. */
    private final java.nio.file.Path ethers;
    private int p;
    /** Qualifiers of the last primitive, or null when a bare value cannot follow. */
    private Quals last;
    private FilterError furthest;
    private int depth;

    BpfParser(String src, List<Tok> toks, java.nio.file.Path ethers) {
        this.src = src;
        this.toks = toks;
        this.ethers = ethers;
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
                return notArithmetic(n);
            }
            Tok t = peek();
            if ((t.kind() == Kind.WORD && (KEYWORDS.contains(t.text()) || PROTOS.contains(t.text())
                    || NAMED.containsKey(t.text()))) || t.kind() == Kind.PUNCT || t.kind() == Kind.END) {
                throw error(t, "a primitive");
            }
            return notArithmetic(valuePrimitive(q));
        } finally {
            depth--;
        }
    }

    static final Set<String> ARITH_OR_RELOP = Set.of(">", ">=", "<", "<=", "=", "==", "!=", "+", "-", "*", "/", "%",
            "&", "|", "^", "<<", ">>");

    /**
     * The bare value just read, unless an arithmetic or relational operator follows: then the value
     * starts a comparison ({@code port 80 or 264 <= 5}), as libpcap's grammar decides on that lookahead.
     */
    private BpfAst notArithmetic(BpfAst value) {
        Tok t = peek();
        if (t.kind() == Kind.PUNCT && ARITH_OR_RELOP.contains(t.text())) {
            throw error(t, "\"and\", \"or\" or the end of the filter");
        }
        return value;
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
                // libpcap's grammar gives a parenthesized expression the qualifiers in force before it:
                // "port 3 or (tcp) and 80" repeats "port", "(port 1) or 2" has none to repeat.
                Quals before = last;
                return either(this::parseComparison, () -> {
                    next();
                    BpfAst n = parseExpr();
                    expect(")");
                    last = before;
                    return n;
                });
            }
            if (t.kind() == Kind.NUM || t.is("-") || t.is("len") || t.is("length")
                    || (t.kind() == Kind.WORD && NAMED.containsKey(t.text()))
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
            proto = switch (t.text()) {
                case "link", "fddi", "tr", "wlan" -> "ether"; // libpcap's grammar makes all of them Q_LINK
                case "es-is" -> "esis";
                case "is-is" -> "isis";
                default -> t.text();
            };
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
            if (u.is("protochain")) {
                next();
                Quals q = new Quals(proto, Dir.DEFAULT, "protochain");
                last = q;
                return valuePrimitive(q);
            }
            if (u.kind() == Kind.WORD && BpfWlan.FRAME_CONTROL.contains(u.text())) {
                last = null;
                return frameControl(); // libpcap ignores the protocol before an 802.11 primitive
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
                case "type", "subtype", "dir", "direction" -> {
                    last = null;
                    return frameControl();
                }
                case "inbound", "outbound" -> {
                    next();
                    last = null;
                    return new BpfAst.Inbound(t.text().equals("outbound"), t.pos());
                }
                case "ifindex" -> {
                    next();
                    Tok n = next();
                    long v = number(n, 0xffffffffL, "an interface index");
                    last = null;
                    return new BpfAst.IfIndex((int) v, t.pos());
                }
                case "mpls", "pppoes" -> {
                    next();
                    last = null;
                    boolean mpls = t.text().equals("mpls");
                    int id = mpls ? optionalNumber(0xfffff, "an MPLS label", "MPLS label")
                            : optionalNumber(0xffff, "a PPPoE session number", "PPPoE session number");
                    return mpls ? new BpfAst.Mpls(id, t.pos()) : new BpfAst.Pppoe(true, id, t.pos());
                }
                case "gateway" -> throw fail(t, "'gateway' not supported (libpcap 1.10 refuses it when built with"
                        + " IPv6, as every distribution builds it)");
                case "geneve", "vxlan" -> {
                    next();
                    last = null;
                    boolean vxlan = t.text().equals("vxlan");
                    int vni = optionalNumber(0xffffff, "a VNI", vxlan ? "VXLAN VNI" : "Geneve VNI");
                    return new BpfAst.Encap(vxlan, vni, t.pos());
                }
                case "pppoed" -> {
                    next();
                    last = null;
                    return new BpfAst.Pppoe(false, -1, t.pos());
                }
                case "llc" -> {
                    next();
                    last = null;
                    Tok u = peek();
                    if (u.kind() == Kind.NAME || (u.kind() == Kind.WORD && !KEYWORDS.contains(u.text())
                            && !PROTOS.contains(u.text()))) {
                        next();
                        String type = u.text().toLowerCase(java.util.Locale.ROOT);
                        if (!LLC_TYPES.contains(type)) {
                            throw fail(u, "unknown LLC type name \"" + u.text() + "\"");
                        }
                        return new BpfAst.Llc(type, t.pos());
                    }
                    return new BpfAst.Llc(null, t.pos());
                }
                case "byte" -> {
                    next();
                    int idx = (int) number(next(), 0xffffffffL, "a byte offset");
                    Tok op = next();
                    if (op.kind() != Kind.PUNCT || op.text().length() != 1 || "=<>&|".indexOf(op.text().charAt(0)) < 0) {
                        throw error(op, "one of = < > & | after \"byte N\"");
                    }
                    long v = number(next(), 0xffffffffL, "a byte value");
                    last = null;
                    return new BpfAst.ByteOp(idx, op.text().charAt(0), (int) v);
                }
                case "proto", "protochain" -> {
                    next();
                    Quals q = new Quals(null, Dir.DEFAULT, t.text());
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
        } else if (peek().kind() == Kind.WORD && BpfWlan.ADDRESS_QUALIFIERS.containsKey(peek().text())) {
            dir = BpfWlan.ADDRESS_QUALIFIERS.get(next().text());
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

    /** An 802.11 frame-control primitive ({@link BpfWlan#parse}). */
    private BpfAst frameControl() {
        return BpfWlan.parse(next(), this::peek, this::next, t -> number(t, 0xffffffffL, "a number"));
    }

    private BpfAst castPrimitive(String proto, Tok what) {
        boolean bcast = what.text().equals("broadcast");
        switch (proto) {
            case "ether" -> { }
            case "ip" -> { }
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
        return new BpfAst.Vlan(optionalNumber(4095, "a VLAN id", "VLAN tag"), kw.pos());
    }

    /**
     * The number that may follow {@code vlan}, {@code mpls}, {@code pppoes}, {@code geneve} or
     * {@code vxlan} (-1 when none does), refused above {@code max} as libpcap's assert_maxval refuses it.
     */
    private int optionalNumber(long max, String what, String name) {
        if (peek().kind() != Kind.NUM) {
            return -1;
        }
        Tok t = next();
        long v = number(t, 0xffffffffL, what);
        if (v > max) {
            throw fail(t, name + " " + v + " greater than maximum " + max);
        }
        return (int) v;
    }

    /** The primitive for one value under the given qualifiers. */
    private BpfAst valuePrimitive(Quals q) {
        Tok t = next();
        String type = q.type() == null ? "host" : q.type();
        switch (type) {
            case "protochain": {
                String proto = q.proto();
                if (proto != null && !proto.equals("ip") && !proto.equals("ip6")) {
                    throw fail(t, "bad protocol applied for 'protochain'");
                }
                return new BpfAst.Protochain(proto, ipProtocol(t), t.pos());
            }
            case "proto": {
                String proto = q.proto();
                if ("ether".equals(proto)) {
                    if (isName(t)) {
                        Integer named = BpfNames.ETHER_PROTOS.get(t.text());
                        if (named == null) {
                            throw fail(t, "unknown ether proto '" + t.text() + "'");
                        }
                        return new BpfAst.EtherProto(named, t.pos());
                    }
                    // Any 32-bit number, as libpcap takes it: one above 65535 never matches.
                    return new BpfAst.EtherProto((int) number(t, 0xffffffffL, "an EtherType"), t.pos());
                }
                int v = ipProtocol(t);
                if (proto != null && !Set.of("ip", "ip6", "iso", "isis").contains(proto)) {
                    throw fail(t, "\"proto\" cannot be qualified by \"" + proto + "\"");
                }
                return new BpfAst.ProtoNum(proto, v, t.pos());
            }
            case "port":
            case "portrange": {
                String proto = q.proto();
                if (proto != null && !Set.of("tcp", "udp", "sctp").contains(proto)) {
                    throw fail(t, "illegal qualifier of '" + type + "': \"" + proto + "\"");
                }
                if (type.equals("port") && isName(t)) {
                    int[] sv = service(t.text(), t.pos(), proto);
                    return new BpfAst.Port(sv[1] != 0 ? protoName(sv[1]) : proto, q.dir(), sv[0], sv[0], false, t.pos());
                }
                if (type.equals("port")) {
                    int port = (int) number(t, 65535, "a port number");
                    return new BpfAst.Port(proto, q.dir(), port, port, false, t.pos());
                }
                int[] r = portRange(t, proto);
                return new BpfAst.Port(r[2] != 0 ? protoName(r[2]) : proto, q.dir(), r[0], r[1], true, t.pos());
            }
            case "host":
            case "net":
                return address(q, type, t);
            default:
                throw new AssertionError(type);
        }
    }

    private static String protoName(int ipProto) {
        return ipProto == 6 ? "tcp" : "udp";
    }

    /**
     * A service name looked up as libpcap's pcap_nametoport does: {port, 6 or 17 when the name is
     * only TCP (or only UDP) in /etc/services and so matches only that protocol, else 0}.
     */
    private static int[] service(String name, int pos) {
        Integer tcp = BpfNames.Services.TCP.get(name);
        Integer udp = BpfNames.Services.UDP.get(name);
        if (tcp == null && udp == null) {
            throw new FilterError(pos, "unknown port '" + name + "': expected a port number or a service name"
                    + " from /etc/services");
        }
        int only = tcp == null ? 17 : udp == null || !udp.equals(tcp) ? 6 : 0;
        return new int[] {tcp != null ? tcp : udp, only};
    }

    /** {@code service} where the qualifier must fit the protocol the name belongs to. */
    private static int[] service(String name, int pos, String proto) {
        int[] sv = service(name, pos);
        if (proto != null && sv[1] != 0 && !proto.equals(protoName(sv[1]))) {
            throw new FilterError(pos, "port '" + name + "' is " + protoName(sv[1]));
        }
        return sv;
    }

    /**
     * {lo, hi, protocol the names restrict it to or 0}: "lo-hi", each a number or a service name;
     * as pcap_nametoportrange, the range belongs to a protocol only when both ends do.
     */
    private int[] portRange(Tok t, String proto) {
        if (t.kind() == Kind.NUM) {
            int v = (int) number(t, 65535, "a port range lo-hi");
            return new int[] {v, v, 0};
        }
        String s = t.text();
        int dash = s.indexOf('-');
        if (!isName(t) || dash <= 0) {
            throw error(t, "a port range lo-hi");
        }
        int[] ends = new int[2];
        int[] only = new int[2];
        for (int i = 0; i < 2; i++) {
            String part = i == 0 ? s.substring(0, dash) : s.substring(dash + 1);
            int pos = i == 0 ? t.pos() : t.pos() + dash + 1;
            if (part.matches("[0-9].*")) {
                ends[i] = (int) number(new Tok(Kind.NUM, part, pos), 65535, "a port number");
            } else {
                int[] sv = service(part, pos);
                ends[i] = sv[0];
                only[i] = sv[1];
            }
        }
        int real = only[0] == only[1] ? only[0] : 0;
        if (proto != null && real != 0 && !proto.equals(protoName(real))) {
            throw fail(t, "port in range '" + s + "' is " + protoName(real));
        }
        return ends[0] <= ends[1] ? new int[] {ends[0], ends[1], real} : new int[] {ends[1], ends[0], real};
    }

    /**
     * An IP protocol: a number or a name from /etc/protocols (pcap_nametoproto). libpcap takes any
     * 32-bit number; one above 255 compiles to a test that never matches.
     */
    private int ipProtocol(Tok t) {
        if (!isName(t)) {
            return (int) number(t, 0xffffffffL, "a protocol number");
        }
        Integer named = BpfNames.Protocols.BY_NAME.get(t.text());
        if (named == null) {
            throw fail(t, "unknown ip proto '" + t.text() + "'");
        }
        return named;
    }

    private static boolean isName(Tok t) {
        return t.kind() == Kind.WORD || t.kind() == Kind.NAME;
    }

    /** A host, network or Ethernet name, resolved now as libpcap's gen_scode resolves it. */
    private BpfAst named(Quals q, String type, Tok t) {
        String proto = q.proto();
        String name = t.text();
        if ("ether".equals(proto)) {
            if (type.equals("net")) {
                throw fail(t, "'ether' modifier applied to net");
            }
            byte[] m = BpfNames.ether(name, ethers);
            if (m == null) {
                throw fail(t, "unknown ether host '" + name + "'");
            }
            return new BpfAst.EtherHost(q.dir(), m, t.pos());
        }
        if (proto != null && !Set.of("ip", "ip6", "arp", "rarp").contains(proto)) {
            throw fail(t, "'" + proto + "' modifier applied to " + type);
        }
        if (type.equals("net")) {
            Long v = BpfNames.network(name);
            if (v == null) {
                throw fail(t, "unknown network '" + name + "'");
            }
            long value = v;
            long mask = 0xffffffffL;
            while (value != 0 && (value & 0xff000000L) == 0) {
                value = (value << 8) & 0xffffffffL;
                mask = (mask << 8) & 0xffffffffL;
            }
            if ("ip6".equals(proto)) {
                throw fail(t, "'ip6' modifier applied to net " + name);
            }
            return new BpfAst.Ip4Net(proto, q.dir(), (int) value, (int) mask, t.pos());
        }
        java.net.InetAddress[] all;
        try {
            all = java.net.InetAddress.getAllByName(name);
        } catch (java.net.UnknownHostException | SecurityException e) {
            throw fail(t, "unknown host '" + name + "'");
        }
        BpfAst n = null;
        for (java.net.InetAddress a : all) {
            BpfAst one;
            byte[] b = a.getAddress();
            if (b.length == 4 && !"ip6".equals(proto)) {
                int v = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
                one = new BpfAst.Ip4Net(proto, q.dir(), v, -1, t.pos());
            } else if (b.length == 16 && (proto == null || proto.equals("ip6"))) {
                int[] words = new int[4];
                for (int w = 0; w < 4; w++) {
                    words[w] = ((b[4 * w] & 0xff) << 24) | ((b[4 * w + 1] & 0xff) << 16) | ((b[4 * w + 2] & 0xff) << 8)
                            | (b[4 * w + 3] & 0xff);
                }
                one = new BpfAst.Ip6Net(q.dir(), words, new int[] {-1, -1, -1, -1}, t.pos());
            } else {
                continue;
            }
            n = n == null ? one : new BpfAst.Or(n, one);
        }
        if (n == null) {
            throw fail(t, "unknown host '" + name + "' for specified address family");
        }
        return n;
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
                    if (!type.equals("net") && len != 128) {
                        // libpcap's gen_mcode6 takes a full-length prefix as the host itself.
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
                boolean masked = false;
                if (t.kind() == Kind.NUM) {
                    value = number(t, 0xffffffffL, "an address");
                    mask = 0xffffffffL;
                    if (type.equals("net") && !"decnet".equals(proto)) {
                        while (value != 0 && (value & 0xff000000L) == 0) {
                            value = (value << 8) & 0xffffffffL;
                            mask = (mask << 8) & 0xffffffffL;
                        }
                    }
                } else if ("decnet".equals(proto) && !peek().is("/") && !peek().is("mask")) {
                    return new BpfAst.DecnetHost(q.dir(), decnet(t, 0, false), t.pos());
                } else {
                    long[] v = BpfNames.ipv4(t.text());
                    if (v == null) {
                        throw error(t, "an IPv4 address");
                    }
                    value = (v[0] << (32 - v[1])) & 0xffffffffL;
                    mask = (0xffffffffL << (32 - v[1])) & 0xffffffffL;
                    if (peek().is("/") || peek().is("mask")) {
                        masked = true;
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
                if ("decnet".equals(proto)) {
                    return new BpfAst.DecnetHost(q.dir(), decnet(t, value, masked), t.pos());
                }
                if (proto != null && !Set.of("ip", "arp", "rarp").contains(proto)) {
                    throw fail(t, "'" + proto + "' modifier applied to " + q.type());
                }
                return new BpfAst.Ip4Net(proto, q.dir(), (int) value, (int) mask, t.pos());
            }
            case WORD, NAME -> {
                return named(q, type, t);
            }
            default -> throw error(t, "an address or a host name");
        }
    }

    /**
     * A DECnet address as libpcap reads one: AREA.NODE (further components ignored, as its sscanf
     * ignores them) packed as area &lt;&lt; 10 | node; a plain number as it is; with a mask or prefix
     * length, the low 16 bits of the IPv4 network it would be (gen_mcode hands that to gen_dnhostop).
     */
    private static int decnet(Tok t, long value, boolean masked) {
        if (t.kind() == Kind.NUM || masked) {
            return (int) (value & 0xffff);
        }
        String[] parts = t.text().split("\\.");
        int area = new java.math.BigInteger(parts[0]).intValue();
        int node = new java.math.BigInteger(parts[1]).intValue();
        return ((area << 10) & 0xfc00) | (node & 0x3ff);
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
        if (t.is("len") || t.is("length")) {
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
            String proto = Set.of("link", "fddi", "tr", "wlan").contains(t.text()) ? "ether" : t.text();
            if (!INDEXABLE.contains(proto)) {
                throw fail(t, "unsupported index operation");
            }
            return new BpfAst.PacketLoad(proto, size, idx);
        }
        throw error(t, "a number, \"len\", \"(\" or a packet access such as ip[0]");
    }
}
