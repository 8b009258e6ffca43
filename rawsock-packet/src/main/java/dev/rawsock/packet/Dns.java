package dev.rawsock.packet;

/**
 * tcpdump's one-line DNS summary for {@link TcpdumpPrinter}: queries as {@code id+ A? name. (len)},
 * answers as {@code id q/a/n A addr, CNAME name. (len)}, for UDP and TCP port 53 and mDNS.
 */
final class Dns {
    private Dns() {}

    private static final String[] OPS = {"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7", " op8", " updateA",
            " updateD", " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef"};
    private static final String[] RCODES = {"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused", " YXDomain", " YXRRSet",
            " NXRRSet", " NotAuth", " NotZone", " Resp11", " Resp12", " Resp13", " Resp14", " NoChange", " BadVers", "Resp17", " Resp18",
            " Resp19", " Resp20", "Resp21", " Resp22", " BadCookie"};

    static String typeName(int t) {
        return switch (t) {
            case 1 -> "A";
            case 2 -> "NS";
            case 3 -> "MD";
            case 4 -> "MF";
            case 5 -> "CNAME";
            case 6 -> "SOA";
            case 7 -> "MB";
            case 8 -> "MG";
            case 9 -> "MR";
            case 10 -> "NULL";
            case 11 -> "WKS";
            case 12 -> "PTR";
            case 13 -> "HINFO";
            case 14 -> "MINFO";
            case 15 -> "MX";
            case 16 -> "TXT";
            case 17 -> "RP";
            case 18 -> "AFSDB";
            case 19 -> "X25";
            case 20 -> "ISDN";
            case 21 -> "RT";
            case 22 -> "NSAP";
            case 23 -> "NSAP_PTR";
            case 24 -> "SIG";
            case 25 -> "KEY";
            case 26 -> "PX";
            case 27 -> "GPOS";
            case 28 -> "AAAA";
            case 29 -> "LOC";
            case 30 -> "NXT";
            case 31 -> "EID";
            case 32 -> "NIMLOC";
            case 33 -> "SRV";
            case 34 -> "ATMA";
            case 35 -> "NAPTR";
            case 36 -> "KX";
            case 37 -> "CERT";
            case 38 -> "A6";
            case 39 -> "DNAME";
            case 40 -> "SINK";
            case 41 -> "OPT";
            case 42 -> "APL";
            case 43 -> "DS";
            case 44 -> "SSHFP";
            case 45 -> "IPSECKEY";
            case 46 -> "RRSIG";
            case 47 -> "NSEC";
            case 48 -> "DNSKEY";
            case 99 -> "SPF";
            case 100 -> "UINFO";
            case 101 -> "UID";
            case 102 -> "GID";
            case 103 -> "UNSPEC";
            case 104 -> "UNSPECA";
            case 249 -> "TKEY";
            case 250 -> "TSIG";
            case 251 -> "IXFR";
            case 252 -> "AXFR";
            case 253 -> "MAILB";
            case 254 -> "MAILA";
            case 255 -> "ANY";
            case 256 -> "URI";
            default -> null;
        };
    }

    private static void type(StringBuilder b, int t) {
        String n = typeName(t);
        if (n == null) b.append("Type").append(t);
        else b.append(n);
    }

    private static void klass(StringBuilder b, int c) {
        switch (c) {
            case 1 -> b.append("IN");
            case 3 -> b.append("CHAOS");
            case 4 -> b.append("HS");
            case 255 -> b.append("ANY");
            default -> b.append("(Class ").append(c).append(')');
        }
    }

    static void print(TcpdumpPrinter pr, long bp, long length, boolean overTcp, boolean mdns) {
        StringBuilder b = pr.b;
        pr.protocol = "domain";
        if (overTcp) {
            if (length < 2) {
                b.append(" [DNS over TCP: length ").append(length).append(" < 2] (invalid)");
                return;
            }
            length -= 2;
            int prefix = pr.u16(bp);
            if (prefix != length) {
                b.append(" [prefix length(").append(prefix).append(") != length(").append(length).append(")] (invalid)");
                return;
            }
            bp += 2;
            b.append(' ');
        }
        if (length < 12) {
            b.append("domain [length ").append(length).append(" < 12] (invalid)");
            return;
        }
        pr.check(bp, 12);
        int flags = pr.u16(bp + 2);
        int qd = pr.u16(bp + 4), an = pr.u16(bp + 6), ns = pr.u16(bp + 8), ar = pr.u16(bp + 10);
        int rcode = flags & 0xF;
        rcode = scanOptRcode(pr, bp, qd, an, ns, ar, rcode);
        int id = pr.u16(bp);
        int op = flags >>> 11 & 0xF;
        long cp = bp + 12;
        if ((flags & 0x8000) != 0) {
            b.append(id).append(OPS[op]).append(rcode < RCODES.length ? RCODES[rcode] : " Resp" + (rcode & 0xFFF))
                    .append((flags & 0x0400) != 0 ? "*" : "").append((flags & 0x0080) != 0 ? "" : "-")
                    .append((flags & 0x0200) != 0 ? "|" : "").append((flags & 0x0020) != 0 ? "$" : "");
            if (qd != 1) b.append(" [").append(qd).append("q]");
            for (int i = 0; i < qd; i++) {
                if (i != 0) b.append(',');
                cp = skip(pr, cp);
                if (cp < 0) {
                    pr.trunc();
                    return;
                }
                cp += 4;
            }
            b.append(' ').append(an).append('/').append(ns).append('/').append(ar);
            if (an > 0) {
                cp = rr(pr, cp, bp, mdns);
                if (cp < 0) {
                    pr.trunc();
                    return;
                }
                an--;
                while (cp < pr.snapend && an > 0) {
                    b.append(',');
                    cp = rr(pr, cp, bp, mdns);
                    if (cp < 0) {
                        pr.trunc();
                        return;
                    }
                    an--;
                }
            }
            if (an > 0) {
                pr.trunc();
                return;
            }
        } else {
            b.append(id).append(OPS[op]).append((flags & 0x0100) != 0 ? "+" : "").append((flags & 0x0010) != 0 ? "%" : "");
            if ((flags & 0x6cf) != 0) b.append(" [b2&3=0x").append(Integer.toHexString(flags)).append(']');
            if (op == 1) {
                if (qd != 0) b.append(" [").append(qd).append("q]");
                if (an != 1) b.append(" [").append(an).append("a]");
            } else {
                if (an != 0) b.append(" [").append(an).append("a]");
                if (qd != 1) b.append(" [").append(qd).append("q]");
            }
            if (ns != 0) b.append(" [").append(ns).append("n]");
            if (ar != 0) b.append(" [").append(ar).append("au]");
            if (qd > 0) {
                cp = question(pr, cp, bp, mdns);
                if (cp < 0) {
                    pr.trunc();
                    return;
                }
                qd--;
                while (cp < pr.snapend && qd > 0) {
                    cp = question(pr, cp, bp, mdns);
                    if (cp < 0) {
                        pr.trunc();
                        return;
                    }
                    qd--;
                }
            }
            if (qd > 0) {
                pr.trunc();
                return;
            }
        }
        b.append(" (").append(length).append(')');
    }

    /** The first pass of tcpdump's domain_print: an OPT record's extended rcode bits. */
    private static int scanOptRcode(TcpdumpPrinter pr, long bp, int qd, int an, int ns, int ar, int rcode) {
        long cp = bp + 12;
        for (int i = 0; i < qd; i++) {
            if ((cp = skip(pr, cp)) < 0) return rcode;
            cp += 4;
            if (cp >= pr.snapend) return rcode;
        }
        for (int i = 0; i < an + ns; i++) {
            if ((cp = skip(pr, cp)) < 0) return rcode;
            cp += 8;
            if (cp + 2 > pr.snapend) return rcode;
            cp += 2 + pr.u16(cp);
            if (cp >= pr.snapend) return rcode;
        }
        for (int i = 0; i < ar; i++) {
            if ((cp = skip(pr, cp)) < 0) return rcode;
            if (cp + 2 > pr.snapend) return rcode;
            int type = pr.u16(cp);
            cp += 4;
            if (cp + 1 > pr.snapend) return rcode;
            if (type == 41) return rcode | pr.u8(cp) << 4;
            cp += 4;
            if (cp + 2 > pr.snapend) return rcode;
            cp += 2 + pr.u16(cp);
            if (cp >= pr.snapend) return rcode;
        }
        return rcode;
    }

    /** ns_nskip: the offset after a (possibly compressed) name, or -1 for a label type it cannot skip. */
    private static long skip(TcpdumpPrinter pr, long cp) {
        int i = pr.u8(cp++);
        while (i != 0) {
            switch (i & 0xC0) {
                case 0xC0 -> {
                    return cp + 1;
                }
                case 0x40 -> {
                    if ((i & 0x3F) != 0x01) return -1;
                    int bitlen = pr.u8(cp++);
                    if (bitlen == 0) bitlen = 256;
                    cp += (bitlen + 7) / 8;
                }
                case 0x80 -> {
                    return -1;
                }
                default -> cp += i;
            }
            i = pr.u8(cp++);
        }
        return cp;
    }

    private static int labelLen(TcpdumpPrinter pr, long cp) {
        if (!pr.have(cp, 1)) return -1;
        int i = pr.u8(cp);
        switch (i & 0xC0) {
            case 0x40 -> {
                int elt = i & 0x3F;
                if (elt != 0x01) {
                    pr.b.append("<ELT ").append(elt).append('>');
                    return -1;
                }
                if (!pr.have(cp + 1, 1)) return -1;
                int bitlen = pr.u8(cp + 1);
                if (bitlen == 0) bitlen = 256;
                return (bitlen + 7) / 8 + 1;
            }
            case 0x80 -> {
                pr.b.append("<BAD LABEL TYPE>");
                return -1;
            }
            default -> {
                return i;
            }
        }
    }

    /** fqdn_print: a name with its trailing dot; the offset after it, or -1. */
    static long name(TcpdumpPrinter pr, long cp, long bp) {
        StringBuilder b = pr.b;
        int l = labelLen(pr, cp);
        if (l < 0) return -1;
        long maxOffset = cp - bp;
        int i = pr.u8(cp++);
        long rp = -1;
        boolean compress = false;
        int chars = 0;
        if ((i & 0xC0) != 0xC0) rp = cp + l;
        if (i == 0) {
            b.append('.');
            return rp;
        }
        while (i != 0 && cp < pr.snapend) {
            switch (i & 0xC0) {
                case 0xC0 -> {
                    if (!compress) {
                        rp = cp + 1;
                        compress = true;
                    }
                    if (!pr.have(cp, 1)) return -1;
                    long offset = ((i << 8) | pr.u8(cp)) & 0x3FFF;
                    if (offset >= maxOffset) {
                        b.append("<BAD PTR>");
                        return -1;
                    }
                    maxOffset = offset;
                    cp = bp + offset;
                    if (!pr.have(cp, 1)) return -1;
                    i = pr.u8(cp);
                    if ((l = labelLen(pr, cp)) < 0) return -1;
                    cp++;
                    continue;
                }
                case 0x40 -> {
                    int bitlen = pr.u8(cp);
                    if (bitlen == 0) bitlen = 256;
                    int slen = (bitlen + 3) / 4;
                    b.append("\\[x");
                    long bitp = cp + 1, lim = cp + 1 + slen;
                    int bb = bitlen;
                    for (; bitp < lim && bb > 7; bb -= 8, bitp++) pr.hex2(pr.u8(bitp));
                    if (bb > 4) {
                        pr.hex2(pr.u8(bitp) & (0xFF << (8 - bb)) & 0xFF);
                    } else if (bb > 0) {
                        b.append(Character.forDigit(((pr.u8(bitp) >> 4) & 0x0F) & (0x0F << (4 - bb)) & 0xF, 16));
                    }
                    b.append('/').append(bitlen).append(']');
                }
                case 0x80 -> {
                    b.append("<BAD LABEL TYPE>");
                    return -1;
                }
                default -> {
                    if (chars + l <= 255) {
                        if (printn(pr, cp, l)) return -1;
                    } else if (chars < 255) {
                        if (printn(pr, cp, 255 - chars)) return -1;
                    }
                    chars += l;
                }
            }
            cp += l;
            if (chars <= 255) b.append('.');
            chars++;
            if (!pr.have(cp, 1)) return -1;
            i = pr.u8(cp);
            if ((l = labelLen(pr, cp)) < 0) return -1;
            cp++;
            if (!compress) rp += l + 1;
        }
        if (chars > 255) b.append("<DOMAIN NAME TOO LONG>");
        return rp;
    }

    /** nd_printn: true when the bytes ran past the capture. */
    private static boolean printn(TcpdumpPrinter pr, long s, int n) {
        while (n > 0 && s < pr.snapend) {
            n--;
            printChar(pr.b, pr.u8(s++));
        }
        return n != 0;
    }

    static void printChar(StringBuilder b, int c) {
        if (c > 0x7F) {
            c &= 0x7F;
            b.append("M-");
        }
        if (c < 0x20 || c > 0x7E) {
            c ^= 0x40;
            b.append('^');
        }
        b.append((char) c);
    }

    private static long question(TcpdumpPrinter pr, long cp, long bp, boolean mdns) {
        StringBuilder b = pr.b;
        long np = cp;
        cp = skip(pr, cp);
        if (cp < 0 || !pr.have(cp, 4)) return -1;
        int t = pr.u16(cp);
        int c = pr.u16(cp + 2);
        b.append(' ');
        type(b, t);
        int cls = mdns ? c & 0x7FFF : c;
        if (cls != 1) {
            b.append(' ');
            klass(b, cls);
        }
        if (mdns) b.append((c & 0x8000) != 0 ? " (QU)" : " (QM)");
        b.append("? ");
        long r = name(pr, np, bp);
        return r < 0 ? -1 : r + 4;
    }

    private static long rr(TcpdumpPrinter pr, long cp, long bp, boolean mdns) {
        StringBuilder b = pr.b;
        if (pr.vflag) {
            b.append(' ');
            if ((cp = name(pr, cp, bp)) < 0) return -1;
        } else {
            cp = skip(pr, cp);
        }
        if (cp < 0 || !pr.have(cp, 10)) return pr.snapend;
        int typ = pr.u16(cp);
        int c = pr.u16(cp + 2);
        cp += 4;
        int cls = mdns ? c & 0x7FFF : c;
        if (cls != 1 && typ != 41) {
            b.append(' ');
            klass(b, cls);
        }
        if (mdns && (c & 0x8000) != 0) b.append(" (Cache flush)");
        int optFlags = 0;
        if (typ == 41) {
            optFlags = pr.u16(cp + 2);
        }
        cp += 4;
        int len = pr.u16(cp);
        cp += 2;
        long rp = cp + len;
        b.append(' ');
        type(b, typ);
        if (rp > pr.snapend) return -1;
        switch (typ) {
            case 1 -> {
                if (!pr.have(cp, 4)) return -1;
                b.append(' ');
                pr.ipv4(cp);
            }
            case 2, 5, 12, 39 -> {
                b.append(' ');
                if (name(pr, cp, bp) < 0) return -1;
            }
            case 6 -> {
                if (!pr.vflag) break;
                b.append(' ');
                if ((cp = name(pr, cp, bp)) < 0) return -1;
                b.append(' ');
                if ((cp = name(pr, cp, bp)) < 0) return -1;
                if (!pr.have(cp, 20)) return -1;
                for (int k = 0; k < 5; k++) b.append(' ').append(pr.u32(cp + 4L * k));
            }
            case 15 -> {
                b.append(' ');
                if (!pr.have(cp, 2)) return -1;
                if (name(pr, cp + 2, bp) < 0) return -1;
                b.append(' ').append(pr.u16(cp));
            }
            case 16 -> {
                while (cp < rp) {
                    b.append(" \"");
                    int n = pr.u8(cp);
                    cp++;
                    if (printn(pr, cp, n)) return -1;
                    cp += n;
                    b.append('"');
                }
            }
            case 33 -> {
                b.append(' ');
                if (!pr.have(cp, 6)) return -1;
                if (name(pr, cp + 6, bp) < 0) return -1;
                b.append(':').append(pr.u16(cp + 4)).append(' ').append(pr.u16(cp)).append(' ').append(pr.u16(cp + 2));
            }
            case 28 -> {
                if (!pr.have(cp, 16)) return -1;
                b.append(' ');
                pr.ipv6(cp);
            }
            case 41 -> {
                b.append(" UDPsize=").append(cls);
                if ((optFlags & 0x8000) != 0) b.append(" DO");
                if (cp < rp) {
                    b.append(" [");
                    while (cp < rp) {
                        int code = pr.u16(cp), olen = pr.u16(cp + 2);
                        b.append("opt").append(code).append(" len ").append(olen);
                        cp += 4 + olen;
                        if (cp < rp) b.append(',');
                    }
                    b.append(']');
                }
            }
            case 104 -> {
                if (!pr.have(cp, len)) return -1;
                if (printn(pr, cp, len)) return -1;
            }
            default -> { }
        }
        return rp;
    }
}
