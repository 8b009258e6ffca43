package dev.rawsock.packet;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The part of {@link TcpdumpPrinter} above IP: tcpdump's ip_demux_print and the printers it calls
 * (TCP with relative sequence numbers, UDP, ICMP, ICMPv6, and the first words of GRE, SCTP, IGMP,
 * PIM, OSPF, VRRP, ESP and AH). Offsets are into the printer's current packet.
 */
final class IpTransport {
    private IpTransport() {}

    static void demux(TcpdumpPrinter pr, long off, long length, int ver, boolean fragmented, int ttl, int nh, long iph) {
        StringBuilder b = pr.b;
        while (true) {
            switch (nh) {
                case 51 -> {
                    pr.protocol = "ah";
                    if (!pr.have(off, 1)) {
                        pr.trunc();
                        return;
                    }
                    int next = pr.u8(off);
                    int advance = ah(pr, off);
                    if (advance <= 0) return;
                    off += advance;
                    length -= advance;
                    nh = next;
                    continue;
                }
                case 50 -> {
                    pr.protocol = "esp";
                    b.append("ESP(spi=0x");
                    pr.hex(pr.u32(off), 8);
                    b.append(",seq=0x");
                    pr.hexMin(pr.u32(off + 4));
                    b.append("), length ").append(length);
                }
                case 132 -> sctp(pr, off, length, ver, iph);
                case 6 -> tcp(pr, off, length, ver, iph, fragmented);
                case 17 -> udp(pr, off, length, ver, iph, fragmented);
                case 1 -> {
                    if (ver == 4) icmp(pr, off, length, fragmented);
                    else b.append("[ICMP requires IPv4] (invalid)");
                }
                case 58 -> {
                    if (ver == 6) icmp6(pr, off, length, iph, fragmented);
                    else b.append("[ICMPv6 requires IPv6] (invalid)");
                }
                case 89 -> {
                    pr.protocol = ver == 6 ? "ospf3" : "ospf";
                    int type = pr.u8(off + 1);
                    b.append(ver == 6 ? "OSPFv" : "OSPFv").append(pr.u8(off)).append(", ");
                    String t = switch (type) {
                        case 1 -> "Hello";
                        case 2 -> "Database Description";
                        case 3 -> "LS-Request";
                        case 4 -> "LS-Update";
                        case 5 -> "LS-Ack";
                        default -> null;
                    };
                    if (t == null) b.append("unknown packet type (").append(type).append(')');
                    else b.append(t);
                    b.append(", length ").append(length);
                }
                case 2 -> {
                    if (ver == 4) igmp(pr, off, length);
                    else b.append("[IGMP requires IPv4] (invalid)");
                }
                case 4 -> pr.ip(off, length);
                case 41 -> pr.ip6(off, length);
                case 47 -> gre(pr, off, length);
                case 103 -> pim(pr, off, length);
                case 112 -> vrrp(pr, off, length, ttl, ver);
                case 59 -> b.append("no next header");
                default -> {
                    String n = null;
                    b.append(n == null ? " ip-proto-" : " ").append(nh).append(' ').append(length);
                }
            }
            return;
        }
    }

    // ---------------------------------------------------------------- AH, GRE, IGMP, PIM, VRRP, SCTP

    private static int ah(TcpdumpPrinter pr, long off) {
        StringBuilder b = pr.b;
        int sumlen = (pr.u8(off + 1) + 2) * 4;
        b.append("AH(");
        if (pr.vflag) b.append("length=").append(pr.u8(off + 1)).append('(').append(sumlen).append("-bytes),");
        if (sumlen < 12) {
            b.append("invalid AH length ").append(sumlen).append(')');
            return -1;
        }
        b.append("spi=0x");
        pr.hex(pr.u32(off + 4), 8);
        b.append(",seq=0x").append(Long.toHexString(pr.u32(off + 8)));
        pr.check(off, sumlen);
        if (sumlen > 12) {
            b.append(",icv=0x");
            for (long i = 12; i < sumlen; i++) pr.hex2(pr.u8(off + i));
        }
        b.append("): ");
        return sumlen;
    }

    private static void gre(TcpdumpPrinter pr, long off, long length) {
        StringBuilder b = pr.b;
        pr.protocol = "gre";
        pr.check(off, 2);
        if (length < 2) {
            pr.trunc();
            return;
        }
        int flags = pr.u16(off);
        int vers = flags & 7;
        b.append("GREv").append(vers);
        if (vers != 0) {
            if (vers != 1) b.append(" ERROR: unknown-version");
            else greV1(pr, off, length);
            return;
        }
        long len = length - 2;
        long q = off + 2;
        if (pr.vflag) {
            b.append(", Flags [");
            boolean first = true;
            String[] names = {"checksum present", "routing present", "key present", "sequence# present", "strict source route"};
            int[] bits = {0x8000, 0x4000, 0x2000, 0x1000, 0x0800};
            for (int i = 0; i < bits.length; i++) {
                if ((flags & bits[i]) == 0) continue;
                b.append(first ? "" : ", ").append(names[i]);
                first = false;
            }
            if (first) b.append("none");
            b.append(']');
        }
        pr.check(q, 2);
        if (len < 2) {
            pr.trunc();
            return;
        }
        int prot = pr.u16(q);
        q += 2;
        len -= 2;
        if ((flags & 0xC000) != 0) {
            if (pr.vflag) b.append(", sum 0x").append(Integer.toHexString(pr.u16(q)));
            b.append(", off 0x").append(Integer.toHexString(pr.u16(q + 2)));
            q += 4;
            len -= 4;
        }
        if ((flags & 0x2000) != 0) {
            b.append(", key=0x").append(Long.toHexString(pr.u32(q)));
            q += 4;
            len -= 4;
        }
        if ((flags & 0x1000) != 0) {
            b.append(", seq ").append(pr.u32(q));
            q += 4;
            len -= 4;
        }
        if (pr.eflag) {
            String n = TcpdumpPrinter.etherTypeName(prot);
            b.append(", proto ").append(n == null ? "unknown" : n).append(" (0x");
            pr.hex(prot, 4);
            b.append(')');
        }
        b.append(", length ").append(length);
        b.append(pr.vflag ? "\n\t" : ": ");
        switch (prot) {
            case 0x0800 -> pr.ip(q, len);
            case 0x86dd -> pr.ip6(q, len);
            default -> b.append("gre-proto-0x").append(Integer.toHexString(prot));
        }
    }

    private static void greV1(TcpdumpPrinter pr, long off, long length) {
        // PPTP's enhanced GRE: only the fields tcpdump prints without -v
        StringBuilder b = pr.b;
        int flags = pr.u16(off);
        long q = off + 4;
        b.append(", call ").append(pr.u16(q + 2));
        q += 4;
        if ((flags & 0x1000) != 0) {
            b.append(", seq ").append(pr.u32(q));
            q += 4;
        }
        if ((flags & 0x0080) != 0) b.append(", ack ").append(pr.u32(q));
        b.append(", length ").append(length);
    }

    private static void igmp(TcpdumpPrinter pr, long off, long len) {
        StringBuilder b = pr.b;
        pr.protocol = "igmp";
        if (pr.qflag) {
            b.append("igmp");
            return;
        }
        int type = pr.u8(off);
        switch (type) {
            case 0x11 -> {
                b.append("igmp query");
                if (len >= 12) {
                    igmpv3Query(pr, off, len);
                } else {
                    int mrt = pr.u8(off + 1);
                    if (mrt != 0) {
                        b.append(" v2");
                        if (mrt != 100) b.append(" [max resp time ").append(mrt).append(']');
                    } else {
                        b.append(" v1");
                    }
                    if (pr.u32(off + 4) != 0) {
                        b.append(" [gaddr ");
                        pr.ipv4(off + 4);
                        b.append(']');
                    }
                    if (len != 8) b.append(" [len ").append(len).append(']');
                }
            }
            case 0x1e, 0x1f -> {
                // print_mtrace: the query block after the 8-byte IGMP header
                if (len < 8 + 16) {
                    b.append(" [invalid len ").append(len).append(']');
                } else {
                    pr.check(off + 8, 16);
                    b.append(type == 0x1e ? "mresp " : "mtrace ").append(pr.u32(off + 20) & 0xFFFFFF).append(": ");
                    pr.ipv4(off + 8);
                    b.append(" to ");
                    pr.ipv4(off + 12);
                    b.append(" reply-to ");
                    pr.ipv4(off + 16);
                    if ((pr.u32(off + 16) & 0xF0000000L) == 0xE0000000L) b.append(" with-ttl ").append(pr.u8(off + 20));
                }
            }
            case 0x12 -> {
                b.append("igmp v1 report ");
                pr.ipv4(off + 4);
                if (len != 8) b.append(" [len ").append(len).append(']');
            }
            case 0x16 -> {
                b.append("igmp v2 report ");
                pr.ipv4(off + 4);
            }
            case 0x22 -> {
                b.append("igmp v3 report");
                int ngroups = pr.u16(off + 6);
                b.append(", ").append(ngroups).append(" group record(s)");
            }
            case 0x17 -> {
                b.append("igmp leave ");
                pr.ipv4(off + 4);
            }
            default -> b.append("igmp-").append(type);
        }
        if (pr.vflag && len >= 4 && pr.have(off, len) && Checksums.internet(pr.p, off, len) != 0)
            b.append(" bad igmp cksum ").append(Integer.toHexString(pr.u16(off + 2))).append('!');
    }

    /** IGMPv3 membership query (RFC 3376 4.1): the max response code decoded as tcpdump prints it, group and source count. */
    private static void igmpv3Query(TcpdumpPrinter pr, long off, long len) {
        StringBuilder b = pr.b;
        b.append(" v3");
        if (len < 12 || (len & 3) != 0) {
            b.append(" [invalid len ").append(len).append(']');
            return;
        }
        int mrc = pr.u8(off + 1);
        // tenths of a second; from 128 on a floating-point code (mantissa, exponent)
        long mrt = mrc < 128 ? mrc : (long) ((mrc & 0x0F) | 0x10) << (((mrc & 0x70) >> 4) + 3);
        if (mrc != 100) {
            b.append(" [max resp time ");
            if (mrt < 600) b.append(mrt / 10).append('.').append(mrt % 10).append('s');
            else pr.relativeTime(mrt / 10);
            b.append(']');
        }
        if (pr.u32(off + 4) == 0) return;
        b.append(" [gaddr ");
        pr.ipv4(off + 4);
        int nsrcs = pr.u16(off + 10);
        if (nsrcs > 0) {
            if (len < 12 + 4L * nsrcs) b.append(" [invalid number of sources]");
            else b.append(", ").append(nsrcs).append(" source(s)");
        }
        b.append(']');
    }

    /** MLDv2 query (RFC 3810 5.1): group, -v's delay, flags, robustness and interval, source count. */
    private static void mldv2Query(TcpdumpPrinter pr, long off, long len) {
        StringBuilder b = pr.b;
        b.append(" v2");
        int mrc = pr.u16(off + 4);
        long mrt = mrc < 32768 ? mrc : (long) ((mrc & 0x0FFF) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
        if (pr.vflag) b.append(" [max resp delay=").append(mrt).append(']');
        b.append(" [gaddr ");
        pr.ipv6(off + 8);
        if (pr.vflag) {
            int f = pr.u8(off + 24), qqic = pr.u8(off + 25);
            if ((f & 0x08) != 0) b.append(" sflag");
            if ((f & 0x07) != 0) b.append(" robustness=").append(f & 0x07);
            long qqi = qqic < 128 ? qqic : (long) ((qqic & 0x0F) | 0x10) << (((qqic & 0x70) >> 4) + 3);
            b.append(" qqi=").append(qqi);
        }
        int nsrcs = pr.u16(off + 26);
        if (nsrcs > 0) {
            if (len < 28 + 16L * nsrcs) b.append(" [invalid number of sources]");
            else b.append(", ").append(nsrcs).append(" source(s)");
        }
        b.append(']');
    }

    private static void pim(TcpdumpPrinter pr, long off, long length) {
        StringBuilder b = pr.b;
        pr.protocol = "pim";
        int v = pr.u8(off) >>> 4, type = pr.u8(off) & 0xF;
        if (v != 2) {
            b.append("PIMv").append(v).append(", length ").append(length);
            return;
        }
        String t = switch (type) {
            case 0 -> "Hello";
            case 1 -> "Register";
            case 2 -> "Register Stop";
            case 3 -> "Join / Prune";
            case 4 -> "Bootstrap";
            case 5 -> "Assert";
            case 6 -> "Graft";
            case 7 -> "Graft Acknowledgement";
            case 8 -> "Candidate RP Advertisement";
            case 9 -> "Prune Refresh";
            case 10 -> "DF Election";
            case 11 -> "ECMP Redirect";
            default -> null;
        };
        b.append("PIMv2, ");
        if (t == null) b.append("unknown type (").append(type).append(')');
        else b.append(t);
        b.append(", length ").append(length);
    }

    private static void vrrp(TcpdumpPrinter pr, long off, long len, int ttl, int ver) {
        StringBuilder b = pr.b;
        pr.protocol = "vrrp";
        int vt = pr.u8(off);
        int version = vt >>> 4, type = vt & 0xF;
        b.append("VRRPv").append(version).append(", ").append(type == 1 ? "Advertisement" : "unknown type (" + type + ")");
        if (ttl != 255) b.append(", (ttl ").append(ttl).append(')');
        if (version < 2 || version > 3 || type != 1) return;
        b.append(", vrid ").append(pr.u8(off + 1)).append(", prio ").append(pr.u8(off + 2));
        if (version == 2) {
            int auth = pr.u8(off + 4);
            b.append(", authtype ").append(auth == 0 ? "none" : auth == 1 ? "simple" : auth == 2 ? "ah" : "unknown");
            // read before appending: a cut packet prints nothing of the field, as tcpdump's printf
            int intvl = pr.u8(off + 5);
            b.append(", intvl ").append(intvl).append('s');
        } else {
            int intvl = pr.u16(off + 4) & 0xFFF;
            b.append(", intvl ").append(intvl).append("cs");
        }
        b.append(", length ").append(len);
        if (pr.vflag) {
            int naddrs = pr.u8(off + 3);
            if (pr.have(off, len) && Checksums.internet(pr.p, off, len) != 0)
                b.append(", (bad vrrp cksum ").append(Integer.toHexString(pr.u16(off + 6))).append(')');
            b.append(", addrs");
            if (naddrs > 1) b.append('(').append(naddrs).append(')');
            b.append(':');
            char c = ' ';
            for (int i = 0; i < naddrs; i++) {
                b.append(c);
                if (ver == 6) pr.ipv6(off + 8 + 16L * i);
                else pr.ipv4(off + 8 + 4L * i);
                c = ',';
            }
            if (version == 2 && pr.u8(off + 4) == 1) {
                b.append(" auth \"");
                for (int i = 0; i < 8 && pr.u8(off + 8 + 4L * naddrs + i) != 0; i++) Dns.printChar(b, pr.u8(off + 8 + 4L * naddrs + i));
                b.append('"');
            }
        }
    }

    private static void sctp(TcpdumpPrinter pr, long off, long length, int ver, long iph) {
        StringBuilder b = pr.b;
        pr.protocol = "sctp";
        if (length < 12) {
            b.append("truncated-sctp - ").append(12 - length).append(" bytes missing!");
            return;
        }
        pr.check(off, 12);
        int sport = pr.u16(off), dport = pr.u16(off + 2);
        addr(pr, ver, iph, true);
        b.append('.').append(sport).append(" > ");
        addr(pr, ver, iph, false);
        b.append('.').append(dport).append(": sctp");
        long q = off + 12;
        long remaining = length - 12;
        String sep = " (";
        for (int n = 1; remaining != 0; n++) {
            if (remaining < 4) {
                b.append(sep).append(n).append(") [chunk descriptor cut off at end of packet]");
                break;
            }
            pr.check(q, 4);
            int clen = pr.u16(q + 2);
            if (clen < 4) {
                b.append(sep).append(n).append(") [Bad chunk length ").append(clen).append(", < size of chunk descriptor]");
                break;
            }
            int align = clen % 4 == 0 ? 0 : 4 - clen % 4;
            if (remaining < align) {
                b.append(sep).append(n).append(") [Bad chunk length ").append(clen).append(", > remaining data in packet]");
                break;
            }
            pr.check(q, clen);
            int id = pr.u8(q);
            b.append(sep).append(n).append(") [");
            String name = switch (id) {
                case 0 -> "DATA";
                case 1 -> "INIT";
                case 2 -> "INIT ACK";
                case 3 -> "SACK";
                case 4 -> "HB REQ";
                case 5 -> "HB ACK";
                case 6 -> "ABORT";
                case 7 -> "SHUTDOWN";
                case 8 -> "SHUTDOWN ACK";
                case 9 -> "OP ERR";
                case 10 -> "COOKIE ECHO";
                case 11 -> "COOKIE ACK";
                case 12 -> "ECN ECHO";
                case 13 -> "ECN CWR";
                case 14 -> "SHUTDOWN COMPLETE";
                case 192 -> "FOR CUM TSN";
                case 193 -> "REL CTRL";
                case 194 -> "REL CTRL ACK";
                default -> null;
            };
            if (name == null) b.append("Unknown chunk type: 0x").append(Integer.toHexString(id));
            else b.append(name);
            b.append("] ");
            if ((id == 1 || id == 2) && clen >= 20) {
                b.append("[init tag: ").append(pr.u32(q + 4)).append("] [rwnd: ").append(pr.u32(q + 8)).append("] [OS: ")
                        .append(pr.u16(q + 12)).append("] [MIS: ").append(pr.u16(q + 14)).append("] [init TSN: ")
                        .append(pr.u32(q + 16)).append("] ");
            }
            q += clen + align;
            remaining -= clen + align;
            if (remaining < 0) break;
            sep = ", (";
        }
    }

    private static void addr(TcpdumpPrinter pr, int ver, long iph, boolean source) {
        if (ver == 6) pr.ipv6(iph + (source ? 8 : 24));
        else pr.ipv4(iph + (source ? 12 : 16));
    }

    /** Whether the IP header at iph names {@code proto} directly (no extension header or AH between). */
    private static boolean direct(TcpdumpPrinter pr, int ver, long iph, int proto) {
        return pr.u8(iph + (ver == 6 ? 6 : 9)) == proto;
    }

    // ---------------------------------------------------------------- UDP

    private static void udp(TcpdumpPrinter pr, long off, long length, int ver, long iph, boolean fragmented) {
        StringBuilder b = pr.b;
        pr.protocol = "udp";
        if (!pr.have(off, 4)) {
            ports(pr, ver, iph, 17, -1, -1);
            pr.trunc();
            return;
        }
        int sport = pr.u16(off), dport = pr.u16(off + 2);
        if (length < 8) {
            ports(pr, ver, iph, 17, sport, dport);
            b.append("truncated-udp ").append(length);
            return;
        }
        if (!pr.have(off + 4, 2)) {
            ports(pr, ver, iph, 17, sport, dport);
            pr.trunc();
            return;
        }
        long ulen = pr.u16(off + 4);
        if (ulen == 0 && length > 65535) ulen = length;
        if (ulen < 8) {
            ports(pr, ver, iph, 17, sport, dport);
            b.append("truncated-udplength ").append(ulen);
            return;
        }
        ulen -= 8;
        length -= 8;
        if (ulen < length) length = ulen;
        long cp = off + 8;
        if (cp > pr.snapend) {
            ports(pr, ver, iph, 17, sport, dport);
            pr.trunc();
            return;
        }
        ports(pr, ver, iph, 17, sport, dport);
        if (pr.vflag && !fragmented && ver == 6 && pr.have(cp, length)) {
            sumVerdict(pr, "udp", transportSum(pr, ver, iph, off, length + 8, 17), pr.u16(off + 6));
        }
        if (!pr.qflag && (sport == 53 || dport == 53)) {
            Dns.print(pr, cp, length, false, false);
        } else if (!pr.qflag && (sport == 5353 || dport == 5353)) {
            Dns.print(pr, cp, length, false, true);
        } else if (ulen > length && !fragmented) {
            b.append("UDP, bad length ").append(ulen).append(" > ").append(length);
        } else {
            b.append("UDP, length ").append(ulen);
        }
    }

    private static void ports(TcpdumpPrinter pr, int ver, long iph, int proto, int sport, int dport) {
        StringBuilder b = pr.b;
        if (direct(pr, ver, iph, proto)) {
            addr(pr, ver, iph, true);
            if (sport >= 0) b.append('.').append(sport);
            b.append(" > ");
            addr(pr, ver, iph, false);
            if (dport >= 0) b.append('.').append(dport);
            b.append(": ");
        } else if (sport >= 0) {
            b.append(sport).append(" > ").append(dport).append(": ");
        }
    }

    /** UDP's and ICMPv6's -v checksum remark: {@code [udp sum ok]} or {@code [bad udp cksum 0xF -> 0xS!]}. */
    private static void sumVerdict(TcpdumpPrinter pr, String proto, int sum, int field) {
        StringBuilder b = pr.b;
        if (sum == 0) {
            b.append('[').append(proto).append(" sum ok] ");
            return;
        }
        b.append("[bad ").append(proto).append(" cksum 0x");
        pr.hex(field, 4);
        b.append(" -> 0x");
        pr.hex(TcpdumpPrinter.shouldBe(field, sum), 4);
        b.append("!] ");
    }

    /**
     * Where the pseudo-header's IPv6 destination is (RFC 8200 8.1): the last address of a type 0 or 2
     * routing header, the first segment of a segment routing header, else the header's destination.
     */
    private static long finalDestination(TcpdumpPrinter pr, long iph) {
        long dst = iph + 24, cp = iph + 40;
        int nh = pr.u8(iph + 6);
        while (pr.have(cp, 8)) {
            switch (nh) {
                case 0, 60, 62, 135 -> {
                    nh = pr.u8(cp);
                    cp += (pr.u8(cp + 1) + 1) * 8L;
                }
                case 44 -> {
                    nh = pr.u8(cp);
                    cp += 8;
                }
                case 43 -> {
                    int len = pr.u8(cp + 1), type = pr.u8(cp + 2);
                    if (len % 2 == 1) return dst;
                    if ((type == 0 || type == 2) && len >= 2 && pr.have(cp + 8, 8L * len)) return cp + 8 + 16L * (len / 2 - 1);
                    if (type == 4 && pr.have(cp + 8, 16)) return cp + 8;
                    return dst;
                }
                default -> {
                    return dst;
                }
            }
        }
        return dst;
    }

    /** The ones'-complement check over pseudo-header and segment: 0 when the checksum is right. */
    private static int transportSum(TcpdumpPrinter pr, int ver, long iph, long off, long len, int proto) {
        byte[] s, d;
        if (ver == 6) {
            s = pr.p.asSlice(iph + 8, 16).toArray(JAVA_BYTE);
            d = pr.p.asSlice(finalDestination(pr, iph), 16).toArray(JAVA_BYTE);
        } else {
            s = pr.p.asSlice(iph + 12, 4).toArray(JAVA_BYTE);
            d = pr.p.asSlice(iph + 16, 4).toArray(JAVA_BYTE);
        }
        int ph = ver == 6 ? Checksums.pseudoHeaderV6(s, d, proto, len) : Checksums.pseudoHeaderV4(s, d, proto, (int) len);
        return Checksums.complement(Checksums.add(ph, Checksums.sum(pr.p, off, len)));
    }

    // ---------------------------------------------------------------- TCP

    private static final String[] TCP_FLAGS = {"F", "S", "R", "P", ".", "U", "E", "W"};

    private static void tcp(TcpdumpPrinter pr, long off, long length, int ver, long iph, boolean fragmented) {
        StringBuilder b = pr.b;
        pr.protocol = "tcp";
        if (!pr.have(off, 4)) {
            if (!pr.have(off, 2)) {
                pr.trunc();
                return;
            }
        }
        int sport = pr.u16(off), dport = pr.u16(off + 2);
        ports(pr, ver, iph, 6, sport, dport);
        pr.check(off, 20);
        int hlen = (pr.u8(off + 12) >>> 4) * 4;
        if (hlen < 20) {
            b.append(" tcp ").append(length - hlen).append(" [bad hdr length ").append(hlen).append(" - too short, < 20]");
            return;
        }
        long seq = pr.u32(off + 4), ack = pr.u32(off + 8);
        int win = pr.u16(off + 14), urp = pr.u16(off + 18);
        if (pr.qflag) {
            b.append("tcp ").append(length - hlen);
            if (hlen > length) b.append(" [bad hdr length ").append(hlen).append(" - too long, > ").append(length).append(']');
            return;
        }
        int flags = pr.u8(off + 13);
        b.append("Flags [");
        if (flags == 0) b.append("none");
        for (int i = 0; i < 8; i++) if ((flags & (1 << i)) != 0) b.append(TCP_FLAGS[i]);
        b.append(']');
        long thseq = 0, thack = 0;
        boolean rev = false;
        if (!pr.sflag && (flags & 0x10) != 0) {
            TcpdumpPrinter.TcpSeqTable t = pr.tcpSeq;
            long[] k = t.key;
            int cmp = 0;
            if (sport == dport) cmp = compareAddr(pr, ver, iph);
            rev = sport > dport || (sport == dport && cmp > 0);
            int alen = ver == 6 ? 16 : 4;
            long src = iph + (ver == 6 ? 8 : 12), dst = src + alen;
            long first = rev ? dst : src, second = rev ? src : dst;
            // key: the "src" and "dst" of tcpdump's tha, in its collating order, and the ports
            k[0] = word(pr, first, alen, 0);
            k[1] = word(pr, first, alen, 8);
            k[2] = word(pr, second, alen, 0);
            k[3] = word(pr, second, alen, 8);
            k[4] = (rev ? ((long) dport << 16 | sport) : ((long) sport << 16 | dport)) | (long) ver << 40;
            int slot = t.find();
            if (slot < 0 || (flags & 0x02) != 0) {
                if (slot < 0) slot = t.put(slot);
                if (rev) t.set(slot, ack - 1, seq);
                else t.set(slot, seq, ack - 1);
            } else if (rev) {
                seq = (seq - t.ack(slot)) & 0xFFFFFFFFL;
                ack = (ack - t.seq(slot)) & 0xFFFFFFFFL;
            } else {
                seq = (seq - t.seq(slot)) & 0xFFFFFFFFL;
                ack = (ack - t.ack(slot)) & 0xFFFFFFFFL;
            }
            thseq = t.seq(slot);
            thack = t.ack(slot);
        }
        if (hlen > length) {
            b.append(" [bad hdr length ").append(hlen).append(" - too long, > ").append(length).append(']');
            return;
        }
        if (pr.vflag && !fragmented && pr.have(off, length)) {
            int sum = transportSum(pr, ver, iph, off, length, 6);
            int field = pr.u16(off + 16);
            b.append(", cksum 0x");
            pr.hex(field, 4);
            if (sum != 0) {
                b.append(" (incorrect -> 0x");
                pr.hex(TcpdumpPrinter.shouldBe(field, sum), 4);
                b.append(')');
            } else {
                b.append(" (correct)");
            }
        }
        length -= hlen;
        if (length > 0 || (flags & 0x07) != 0) {
            b.append(", seq ").append(seq);
            if (length > 0) b.append(':').append((seq + length) & 0xFFFFFFFFL);
        }
        if ((flags & 0x10) != 0) b.append(", ack ").append(ack);
        b.append(", win ").append(win);
        if ((flags & 0x20) != 0) b.append(", urg ").append(urp);
        if (hlen > 20) {
            if (!tcpOptions(pr, off + 20, hlen - 20, rev, thseq, thack)) return;
        }
        b.append(", length ").append(length);
        if (length == 0) return;
        long data = off + hlen;
        if ((flags & 0x04) != 0 && pr.vflag) return;
        if (sport == 80 || dport == 80 || sport == 8080 || dport == 8080) {
            b.append(": ");
            http(pr, data, length);
        } else if (sport == 53 || dport == 53) {
            pr.protocol = "domain";
            Dns.print(pr, data, length, true, false);
        }
    }

    private static long word(TcpdumpPrinter pr, long off, int alen, int at) {
        if (alen == 4) return at == 0 ? pr.u32(off) : 0;
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | pr.u8(off + at + i);
        return v;
    }

    private static int compareAddr(TcpdumpPrinter pr, int ver, long iph) {
        int alen = ver == 6 ? 16 : 4;
        long src = iph + (ver == 6 ? 8 : 12), dst = src + alen;
        for (int i = 0; i < alen; i++) {
            int c = Integer.compare(pr.u8(src + i), pr.u8(dst + i));
            if (c != 0) return c;
        }
        return 0;
    }

    /** The options list; false when it ended the line (a bad option). */
    private static boolean tcpOptions(TcpdumpPrinter pr, long cp, int hlen, boolean rev, long thseq, long thack) {
        StringBuilder b = pr.b;
        b.append(", options [");
        char ch = 0;
        while (hlen > 0) {
            if (ch != 0) b.append(ch);
            int opt = pr.u8(cp);
            cp++;
            int len;
            if (opt == 0 || opt == 1) {
                len = 1;
            } else {
                len = pr.u8(cp);
                cp++;
                if (len < 2 || len > hlen) {
                    b.append("[bad opt]");
                    if (ch != 0) b.append(']');
                    return false;
                }
                --hlen;
            }
            --hlen;
            int datalen = 0;
            String name = switch (opt) {
                case 0 -> "eol";
                case 1 -> "nop";
                case 2 -> "mss";
                case 3 -> "wscale";
                case 4 -> "sackOK";
                case 5 -> "sack";
                case 6 -> "echo";
                case 7 -> "echoreply";
                case 8 -> "TS";
                case 11 -> "cc";
                case 12 -> "ccnew";
                case 13 -> "ccecho";
                case 19 -> "md5";
                case 20 -> "scps";
                case 21 -> "snack";
                case 27 -> "rec";
                case 28 -> "uto";
                case 29 -> "tcp-ao";
                case 30 -> "mptcp";
                case 34 -> "tfo";
                case 253 -> "exp";
                case 254 -> "exp";
                default -> null;
            };
            if (name == null) b.append("unknown-").append(opt);
            else b.append(name);
            switch (opt) {
                case 2 -> {
                    datalen = 2;
                    if (!lencheck(pr, cp, datalen, hlen)) return false;
                    b.append(' ').append(pr.u16(cp));
                }
                case 3 -> {
                    datalen = 1;
                    if (!lencheck(pr, cp, datalen, hlen)) return false;
                    b.append(' ').append(pr.u8(cp));
                }
                case 5 -> {
                    datalen = len - 2;
                    if (datalen % 8 != 0) {
                        b.append(" invalid sack");
                    } else {
                        b.append(' ').append(datalen / 8).append(' ');
                        for (int i = 0; i < datalen; i += 8) {
                            if (!lencheck(pr, cp, i + 8, hlen)) return false;
                            long s = pr.u32(cp + i), e = pr.u32(cp + i + 4);
                            long base = rev ? thseq : thack;
                            s = (s - base) & 0xFFFFFFFFL;
                            e = (e - base) & 0xFFFFFFFFL;
                            b.append('{').append(s).append(':').append(e).append('}');
                        }
                    }
                }
                case 6, 7, 11, 12, 13 -> {
                    datalen = 4;
                    if (!lencheck(pr, cp, datalen, hlen)) return false;
                    b.append(' ').append(pr.u32(cp));
                }
                case 8 -> {
                    datalen = 8;
                    if (!lencheck(pr, cp, datalen, hlen)) return false;
                    b.append(" val ").append(pr.u32(cp)).append(" ecr ").append(pr.u32(cp + 4));
                }
                case 0, 1, 4 -> { }
                case 28 -> {
                    datalen = 2;
                    if (!lencheck(pr, cp, datalen, hlen)) return false;
                    int uto = pr.u16(cp);
                    b.append(" 0x").append(Integer.toHexString(uto)).append(' ').append((uto & 1) != 0 ? (uto >>> 1) * 60 : uto >>> 1);
                }
                default -> {
                    datalen = len - 2;
                    if (datalen > 0) b.append(" 0x");
                    for (int i = 0; i < datalen; i++) {
                        if (!lencheck(pr, cp, i + 1, hlen)) return false;
                        pr.hex2(pr.u8(cp + i));
                    }
                }
            }
            cp += datalen;
            hlen -= datalen;
            datalen++;
            if (opt != 0 && opt != 1) datalen++;
            if (datalen != len) b.append("[len ").append(len).append(']');
            ch = ',';
            if (opt == 0) break;
        }
        b.append(']');
        return true;
    }

    private static boolean lencheck(TcpdumpPrinter pr, long cp, int l, int hlen) {
        if (l > hlen) {
            pr.b.append("[bad opt]]");
            return false;
        }
        pr.check(cp, l);
        return true;
    }

    private static final java.util.Set<String> HTTP_METHODS = java.util.Set.of("GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE",
            "POLL", "POST", "BCOPY", "BMOVE", "MKCOL", "TRACE", "LABEL", "MERGE", "DELETE", "SEARCH", "UNLOCK", "REPORT", "UPDATE",
            "NOTIFY", "BDELETE", "CONNECT", "OPTIONS", "CHECKIN", "PROPFIND", "CHECKOUT", "CCM_POST", "SUBSCRIBE", "PROPPATCH",
            "BPROPFIND", "BPROPPATCH", "UNCHECKOUT", "MKACTIVITY", "MKWORKSPACE", "UNSUBSCRIBE", "RPC_CONNECT", "VERSION-CONTROL",
            "BASELINE-CONTROL");

    /** tcpdump's txtproto_print for HTTP: "HTTP", then the request or status line when there is one. */
    private static void http(TcpdumpPrinter pr, long cp, long len) {
        StringBuilder b = pr.b;
        pr.protocol = "http";
        boolean printThis = false;
        long[] end = new long[1];
        String tok = token(pr, cp, 0, len, end);
        if (tok != null) {
            if (HTTP_METHODS.contains(tok.toUpperCase(java.util.Locale.ROOT))) printThis = true;
            String second = token(pr, cp, end[0], len, end);
            if (second != null && second.length() == 3 && Character.isDigit(second.charAt(0)) && Character.isDigit(second.charAt(1))
                    && Character.isDigit(second.charAt(2)))
                printThis = true;
        }
        b.append("HTTP");
        if (!printThis) return;
        if (pr.vflag) {
            b.append(", length: ").append(len);
            for (long idx = 0; idx < len; ) {
                long eol = textLine(pr, "\n\t", cp, idx, len);
                if (eol == 0) break;
                idx = eol;
            }
        } else {
            textLine(pr, ": ", cp, 0, len);
        }
    }

    private static String token(TcpdumpPrinter pr, long cp, long idx, long len, long[] next) {
        StringBuilder t = new StringBuilder();
        for (; idx < len; idx++) {
            if (!pr.have(cp + idx, 1)) return null;
            int c = pr.u8(cp + idx);
            if (c > 0x7F) return null;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
            if (c < 0x20 || c > 0x7E) return null;
            if (t.length() + 2 > 129) return null;
            t.append((char) c);
        }
        if (t.isEmpty()) return null;
        for (; idx < len; idx++) {
            if (!pr.have(cp + idx, 1)) break;
            int c = pr.u8(cp + idx);
            if (c == '\r' || c == '\n') break;
            if (c < 0x20 || c > 0x7E) break;
            if (c != ' ' && c != '\t') break;
        }
        next[0] = idx;
        return idx == 0 ? null : t.toString();
    }

    private static long textLine(TcpdumpPrinter pr, String prefix, long cp, long idx, long len) {
        long start = idx;
        while (idx < len) {
            int c = pr.u8(cp + idx);
            if (c == '\n') {
                appendText(pr, prefix, cp + start, idx - start);
                return idx + 1;
            } else if (c == '\r') {
                if (idx + 1 >= len) return 0;
                if (pr.u8(cp + idx + 1) == '\n') {
                    appendText(pr, prefix, cp + start, idx - start);
                    return idx + 2;
                }
                return 0;
            } else if ((c < 0x20 || c > 0x7E) && c != '\t') {
                return 0;
            }
            idx++;
        }
        appendText(pr, prefix, cp + start, idx - start);
        pr.trunc();
        return 0;
    }

    private static void appendText(TcpdumpPrinter pr, String prefix, long from, long n) {
        pr.b.append(prefix);
        for (long i = 0; i < n; i++) pr.b.append((char) pr.u8(from + i));
    }

    // ---------------------------------------------------------------- ICMP

    private static void icmp(TcpdumpPrinter pr, long off, long plen, boolean fragmented) {
        StringBuilder b = pr.b;
        pr.protocol = "icmp";
        int type = pr.u8(off), code = pr.u8(off + 1);
        b.append("ICMP ");
        long inner = off + 8;
        switch (type) {
            case 0, 8 -> b.append("echo ").append(type == 8 ? "request" : "reply").append(", id ").append(pr.u16(off + 4))
                    .append(", seq ").append(pr.u16(off + 6));
            case 3 -> {
                switch (code) {
                    case 0 -> unreach(pr, "net ", inner, " unreachable");
                    case 1 -> unreach(pr, "host ", inner, " unreachable");
                    case 2 -> {
                        int proto = pr.u8(inner + 9);
                        pr.check(inner + 16, 4);
                        pr.ipv4(inner + 16);
                        b.append(" protocol ").append(proto).append(" unreachable");
                    }
                    case 3 -> {
                        pr.check(inner + 9, 1);
                        int hl = (pr.u8(inner) & 0xF) * 4;
                        int dport = pr.u16(inner + hl + 2);
                        int proto = pr.u8(inner + 9);
                        pr.ipv4(inner + 16);
                        if (proto == 6) b.append(" tcp port ").append(dport).append(" unreachable");
                        else if (proto == 17) b.append(" udp port ").append(dport).append(" unreachable");
                        else b.append(" protocol ").append(proto).append(" port ").append(dport).append(" unreachable");
                    }
                    case 4 -> {
                        int mtu = pr.u16(off + 6);
                        pr.ipv4(inner + 16);
                        b.append(" unreachable - need to frag");
                        if (mtu != 0) b.append(" (mtu ").append(mtu).append(')');
                    }
                    case 5 -> unreach(pr, "", inner, " unreachable - source route failed");
                    case 6 -> unreach(pr, "net ", inner, " unreachable - unknown");
                    case 7 -> unreach(pr, "host ", inner, " unreachable - unknown");
                    case 8 -> unreach(pr, "", inner, " unreachable - source host isolated");
                    case 9 -> unreach(pr, "net ", inner, " unreachable - admin prohibited");
                    case 10 -> unreach(pr, "host ", inner, " unreachable - admin prohibited");
                    case 11 -> unreach(pr, "net ", inner, " unreachable - tos prohibited");
                    case 12 -> unreach(pr, "host ", inner, " unreachable - tos prohibited");
                    case 13 -> unreach(pr, "host ", inner, " unreachable - admin prohibited filter");
                    case 14 -> unreach(pr, "host ", inner, " unreachable - host precedence violation");
                    case 15 -> unreach(pr, "host ", inner, " unreachable - precedence cutoff");
                    default -> unreach(pr, "", inner, " unreachable - #" + code);
                }
            }
            case 5 -> {
                String kind = switch (code) {
                    case 0 -> "redirect ";
                    case 1 -> "redirect ";
                    case 2 -> "redirect-tos ";
                    case 3 -> "redirect-tos ";
                    default -> "redirect-#" + code + " ";
                };
                b.append(kind);
                pr.ipv4(inner + 16);
                b.append(code == 0 || code == 2 ? " to net " : code == 1 || code == 3 ? " to host " : " to ");
                pr.ipv4(off + 4);
            }
            case 11 -> {
                pr.check(inner + 16, 4);
                if (code == 0) b.append("time exceeded in-transit");
                else if (code == 1) b.append("ip reassembly time exceeded");
                else b.append("time exceeded-#").append(code);
            }
            case 12 -> {
                if (code != 0) b.append("parameter problem - code ").append(code);
                else b.append("parameter problem - octet ").append(pr.u8(off + 4));
            }
            case 18 -> {
                b.append("address mask is 0x");
                pr.hex(pr.u32(off + 8), 8);
            }
            case 13 -> b.append("time stamp query id ").append(pr.u16(off + 4)).append(" seq ").append(pr.u16(off + 6));
            case 14 -> {
                pr.check(off + 16, 4);
                b.append("time stamp reply id ").append(pr.u16(off + 4)).append(" seq ").append(pr.u16(off + 6)).append(": org ");
                stamp(b, pr.u32(off + 8));
                b.append(", recv ");
                stamp(b, pr.u32(off + 12));
                b.append(", xmit ");
                stamp(b, pr.u32(off + 16));
            }
            case 9 -> {
                b.append("router advertisement lifetime ");
                int life = pr.u16(off + 6);
                if (life < 60) b.append(life);
                else if (life < 3600) b.append(life / 60).append(':').append(two(life % 60));
                else b.append(life / 3600).append(':').append(two(life % 3600 / 60)).append(':').append(two(life % 60));
                int num = pr.u8(off + 4), size = pr.u8(off + 5);
                b.append(' ').append(num).append(':');
                if (size != 2) b.append(" [size ").append(size).append(']');
                else for (int i = 0; i < num; i++) {
                    b.append(" {");
                    pr.ipv4(off + 8 + 8L * i);
                    b.append(' ').append(pr.u32(off + 12 + 8L * i)).append('}');
                }
            }
            default -> {
                String s = switch (type) {
                    case 4 -> "source quench";
                    case 10 -> "router solicitation";
                    case 15 -> "information request";
                    case 16 -> "information reply";
                    case 17 -> "address mask request";
                    default -> null;
                };
                if (s == null) b.append("type-#").append(type);
                else b.append(s);
            }
        }
        b.append(", length ").append(plen);
        if (pr.vflag && !fragmented && pr.have(off, plen)) {
            int sum = Checksums.internet(pr.p, off, plen);
            if (sum != 0) {
                int field = pr.u16(off + 2);
                b.append(" (wrong icmp cksum ").append(Integer.toHexString(field)).append(" (->")
                        .append(Integer.toHexString(TcpdumpPrinter.shouldBe(field, sum))).append(")!)");
            }
        }
        boolean error = type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        if (pr.vflag && error) {
            b.append("\n\t");
            int ilen = pr.u16(inner + 2);
            long saved = pr.snapend;
            pr.snapend = Math.min(saved, inner + ilen);
            try {
                pr.ip(inner, ilen);
            } finally {
                pr.snapend = saved;
            }
        }
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static void stamp(StringBuilder b, long ms) {
        long sec = ms / 1000;
        b.append(two((int) (sec / 3600 % 24))).append(':').append(two((int) (sec / 60 % 60))).append(':')
                .append(two((int) (sec % 60))).append('.');
        String f = Long.toString(ms % 1000);
        b.append("000", 0, 3 - f.length()).append(f);
        if (ms >= 86_400_000L) b.append(" (in the future)");
    }

    private static void unreach(TcpdumpPrinter pr, String pre, long inner, String post) {
        pr.check(inner + 16, 4);
        pr.b.append(pre);
        pr.ipv4(inner + 16);
        pr.b.append(post);
    }

    // ---------------------------------------------------------------- ICMPv6

    private static void icmp6(TcpdumpPrinter pr, long off, long length, long iph, boolean fragmented) {
        StringBuilder b = pr.b;
        pr.protocol = "icmp6";
        if (length == 0) {
            b.append("ICMP6, length 0 (invalid)");
            return;
        }
        if (pr.vflag && !fragmented && pr.have(off, length)) {
            sumVerdict(pr, "icmp6", transportSum(pr, 6, iph, off, length, 58), pr.u16(off + 2));
        }
        int type = pr.u8(off);
        String tn = switch (type) {
            case 1 -> "destination unreachable";
            case 2 -> "packet too big";
            case 3 -> "time exceeded in-transit";
            case 4 -> "parameter problem";
            case 128 -> "echo request";
            case 129 -> "echo reply";
            case 130 -> "multicast listener query";
            case 131 -> "multicast listener report";
            case 132 -> "multicast listener done";
            case 133 -> "router solicitation";
            case 134 -> "router advertisement";
            case 135 -> "neighbor solicitation";
            case 136 -> "neighbor advertisement";
            case 137 -> "redirect";
            case 138 -> "router renumbering";
            case 141 -> "inverse neighbor solicitation";
            case 142 -> "inverse neighbor advertisement";
            case 143 -> "multicast listener report v2";
            case 144 -> "ha discovery request";
            case 145 -> "ha discovery reply";
            case 146 -> "mobile router solicitation";
            case 147 -> "mobile router advertisement";
            case 139 -> "node information query";
            case 140 -> "node information reply";
            case 200 -> "mtrace response";
            case 201 -> "mtrace message";
            case 155 -> "RPL";
            default -> null;
        };
        b.append("ICMP6, ");
        if (tn == null) b.append("unknown icmp6 type (").append(type).append(')');
        else b.append(tn);
        if (pr.vflag && (type == 133 || type == 134 || type == 136 || type == 135 || type == 137 || type == 145 || type == 147))
            b.append(", length ").append(length);
        int code = pr.u8(off + 1);
        long oip = off + 8;
        switch (type) {
            case 1 -> {
                String cn = switch (code) {
                    case 0 -> "unreachable route";
                    case 1 -> " unreachable prohibited";
                    case 2 -> "beyond scope";
                    case 3 -> "unreachable address";
                    case 4 -> "unreachable port";
                    default -> null;
                };
                b.append(", ");
                if (cn == null) b.append("unknown unreach code (").append(code).append(')');
                else b.append(cn);
                switch (code) {
                    case 0, 1, 3 -> {
                        b.append(' ');
                        pr.ipv6(oip + 24);
                    }
                    case 2 -> {
                        b.append(' ');
                        pr.ipv6(oip + 24);
                        b.append(", source address ");
                        pr.ipv6(oip + 8);
                    }
                    case 4 -> {
                        long[] up = upperLayer(pr, oip);
                        if (up == null) {
                            pr.trunc();
                            return;
                        }
                        int dport = pr.u16(up[0] + 2);
                        b.append(", ");
                        pr.ipv6(oip + 24);
                        if (up[1] == 6) b.append(" tcp port ").append(dport);
                        else if (up[1] == 17) b.append(" udp port ").append(dport);
                        else b.append(" protocol ").append(up[1]).append(" port ").append(dport).append(" unreachable");
                    }
                    default -> {
                        pr.hexOnly("\n\t", off, length);
                        return;
                    }
                }
            }
            case 2 -> b.append(", mtu ").append(pr.u32(off + 4));
            case 3 -> {
                if (code == 0) {
                    b.append(" for ");
                    pr.ipv6(oip + 24);
                } else if (code == 1) {
                    b.append(" (reassembly)");
                } else {
                    b.append(", unknown code (").append(code).append(')');
                }
            }
            case 4 -> {
                pr.check(oip + 24, 16);
                String w = switch (code) {
                    case 0 -> ", erroneous - octet ";
                    case 1 -> ", next header - octet ";
                    case 2 -> ", option - octet ";
                    case 3 -> ", incomplete header chain - octet ";
                    default -> null;
                };
                if (w == null) b.append(", code-#").append(code);
                else b.append(w).append(pr.u32(off + 4));
            }
            case 128, 129 -> b.append(", id ").append(pr.u16(off + 4)).append(", seq ").append(pr.u16(off + 6));
            case 130 -> {
                if (length == 24) mld(pr, off);
                else if (length >= 28) mldv2Query(pr, off, length);
                else b.append(" unknown-version (len ").append(length).append(") ");
            }
            case 131, 132 -> mld(pr, off);
            case 135 -> {
                b.append(", who has ");
                pr.ipv6(off + 8);
                if (pr.vflag) ndOptions(pr, off + 24, length - 24);
            }
            case 136 -> {
                b.append(", tgt is ");
                pr.ipv6(off + 8);
                if (pr.vflag) {
                    long fl = pr.u32(off + 4);
                    b.append(", Flags [");
                    boolean first = true;
                    if ((fl & 0x80000000L) != 0) { b.append("router"); first = false; }
                    if ((fl & 0x40000000L) != 0) { b.append(first ? "" : ", ").append("solicited"); first = false; }
                    if ((fl & 0x20000000L) != 0) { b.append(first ? "" : ", ").append("override"); first = false; }
                    if (first) b.append("none");
                    b.append(']');
                    ndOptions(pr, off + 24, length - 24);
                }
            }
            case 137 -> {
                b.append(", ");
                pr.ipv6(off + 24);
                b.append(" to ");
                pr.ipv6(off + 8);
                if (pr.vflag) ndOptions(pr, off + 40, length - 40);
            }
            case 133 -> {
                if (pr.vflag) ndOptions(pr, off + 8, length - 8);
            }
            case 134 -> {
                if (pr.vflag) {
                    int fl = pr.u8(off + 5);
                    b.append("\n\thop limit ").append(pr.u8(off + 4)).append(", Flags [");
                    boolean first = true;
                    String[] names = {"managed", "other stateful", "home agent", "ipv6 only"};
                    int[] bits = {0x80, 0x40, 0x20, 0x02};
                    for (int i = 0; i < 4; i++) {
                        if ((fl & bits[i]) == 0) continue;
                        b.append(first ? "" : ", ").append(names[i]);
                        first = false;
                    }
                    if (first) b.append("none");
                    b.append("], pref ").append(new String[] {"medium", "high", "rsv", "low"}[(fl & 0x18) >> 3])
                            .append(", router lifetime ").append(pr.u16(off + 6)).append("s, reachable time ").append(pr.u32(off + 8))
                            .append("ms, retrans timer ").append(pr.u32(off + 12)).append("ms");
                    ndOptions(pr, off + 16, length - 16);
                }
            }
            case 143 -> {
                if (length < 8) {
                    b.append(" [invalid len ").append(length).append(']');
                    break;
                }
                int ngroups = pr.u16(off + 6);
                b.append(", ").append(ngroups).append(" group record(s)");
                if (pr.vflag) {
                    long group = 8;
                    for (int i = 0; i < ngroups; i++) {
                        if (length < group + 20) {
                            b.append(" [invalid number of groups]");
                            return;
                        }
                        b.append(" [gaddr ");
                        pr.ipv6(off + group + 4);
                        int rt = pr.u8(off + group);
                        String r = switch (rt) {
                            case 1 -> "is_in";
                            case 2 -> "is_ex";
                            case 3 -> "to_in";
                            case 4 -> "to_ex";
                            case 5 -> "allow";
                            case 6 -> "block";
                            default -> " [v2-report-#" + rt + "]";
                        };
                        b.append(' ').append(r);
                        int nsrcs = pr.u16(off + group + 2);
                        if (length < group + 20 + nsrcs * 16L) {
                            b.append(" [invalid number of sources ").append(nsrcs).append(']');
                            return;
                        }
                        b.append(", ").append(nsrcs).append(" source(s)");
                        group += 20 + nsrcs * 16L;
                        b.append(']');
                    }
                }
            }
            case 144, 146 -> b.append(", id 0x").append(String.format("%04x", pr.u16(off + 4)));
            case 138, 139, 140, 141, 142, 145, 147, 155 -> { }
            default -> {
                b.append(", length ").append(length);
                pr.hexOnly("\n\t", off, length);
                return;
            }
        }
        if (!pr.vflag) b.append(", length ").append(length);
    }

    /** icmp6_opt_print: the neighbour discovery options, one per line, as -v shows them. */
    private static void ndOptions(TcpdumpPrinter pr, long cp, long resid) {
        StringBuilder b = pr.b;
        while (cp < pr.snapend) {
            if (!pr.have(cp + 1, 1)) {
                pr.trunc();
                return;
            }
            if (resid <= 0) return;
            int type = pr.u8(cp), olen = pr.u8(cp + 1);
            if (olen == 0 || cp + (olen << 3) > pr.snapend) {
                pr.trunc();
                return;
            }
            String n = switch (type) {
                case 1 -> "source link-address";
                case 2 -> "destination link-address";
                case 3 -> "prefix info";
                case 4 -> "redirected header";
                case 5 -> "mtu";
                case 25 -> "rdnss";
                case 31 -> "dnssl";
                case 7 -> "advertisement interval";
                case 8 -> "homeagent information";
                case 24 -> "route info";
                default -> "unknown";
            };
            b.append("\n\t  ").append(n).append(" option (").append(type).append("), length ").append(olen << 3).append(" (")
                    .append(olen).append("): ");
            switch (type) {
                case 1, 2 -> {
                    for (int i = 0; i < (olen << 3) - 2; i++) {
                        if (i > 0) b.append(':');
                        pr.hex2(pr.u8(cp + 2 + i));
                    }
                }
                case 3 -> {
                    pr.ipv6(cp + 16);
                    b.append('/').append(pr.u8(cp + 2)).append(olen != 4 ? "badlen" : "").append(", Flags [");
                    int fl = pr.u8(cp + 3);
                    boolean first = true;
                    String[] names = {"onlink", "auto", "router"};
                    int[] bits = {0x80, 0x40, 0x20};
                    for (int i = 0; i < 3; i++) {
                        if ((fl & bits[i]) == 0) continue;
                        b.append(first ? "" : ", ").append(names[i]);
                        first = false;
                    }
                    if (first) b.append("none");
                    b.append("], valid time ");
                    lifetime(b, pr.u32(cp + 4));
                    b.append(", pref. time ");
                    lifetime(b, pr.u32(cp + 8));
                }
                case 5 -> b.append(' ').append(pr.u32(cp + 4)).append(olen != 1 ? "bad option length" : "");
                default -> {
                    pr.hexOnly("\n\t  ", cp + 2, (olen << 3) - 2);
                    return;
                }
            }
            cp += olen << 3;
            resid -= olen << 3;
        }
    }

    private static void lifetime(StringBuilder b, long v) {
        if (v == 0xFFFFFFFFL) b.append("infinity");
        else b.append(v).append('s');
    }

    private static void mld(TcpdumpPrinter pr, long off) {
        if (!pr.have(off, 24)) return;
        pr.b.append("max resp delay: ").append(pr.u16(off + 4)).append(" addr: ");
        pr.ipv6(off + 8);
    }

    /** tcpdump's get_upperlayer: the inner packet's transport header offset and protocol, or null. */
    private static long[] upperLayer(TcpdumpPrinter pr, long ip6) {
        if (!pr.have(ip6, 40)) return null;
        int nh = pr.u8(ip6 + 6);
        long hlen = 40;
        while (true) {
            switch (nh) {
                case 6, 17 -> {
                    if (!pr.have(ip6 + hlen, 4)) return null;
                    return new long[] {ip6 + hlen, nh};
                }
                case 0, 60, 43 -> {
                    if (!pr.have(ip6 + hlen, 2)) return null;
                    nh = pr.u8(ip6 + hlen);
                    hlen += (pr.u8(ip6 + hlen + 1) + 1) * 8L;
                }
                case 44 -> {
                    if (!pr.have(ip6 + hlen, 4)) return null;
                    if ((pr.u16(ip6 + hlen + 2) & 0xFFF8) != 0) return null;
                    nh = pr.u8(ip6 + hlen);
                    hlen += 8;
                }
                case 51 -> {
                    if (!pr.have(ip6 + hlen, 2)) return null;
                    nh = pr.u8(ip6 + hlen);
                    hlen += (pr.u8(ip6 + hlen + 1) + 2) * 4L;
                }
                default -> {
                    return null;
                }
            }
        }
    }

    /** The options of a hop-by-hop or destination options header, as {@code -v} shows them. */
    static void ip6Options(TcpdumpPrinter pr, long off, long len) {
        StringBuilder b = pr.b;
        for (long i = 0; i < len; ) {
            int type = pr.u8(off + i);
            if (type == 0) {
                b.append("(pad1)");
                i++;
                continue;
            }
            int olen = pr.u8(off + i + 1);
            switch (type) {
                case 1 -> b.append("(padn)");
                case 5 -> {
                    b.append("(rtalert: 0x");
                    pr.hex(pr.u16(off + i + 2), 4);
                    b.append(") ");
                }
                case 0xC2 -> b.append("(jumbo: ").append(pr.u32(off + i + 2)).append(") ");
                default -> b.append("(type 0x").append(String.format("%02x", type)).append(": len=").append(olen).append(')');
            }
            i += olen + 2;
        }
        b.append(' ');
    }
}
