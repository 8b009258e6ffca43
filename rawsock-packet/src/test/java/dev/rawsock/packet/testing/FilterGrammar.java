package dev.rawsock.packet.testing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random pcap-filter expressions over the whole language {@code BpfProgram.compile(String)} accepts
 * for Ethernet: every primitive with its qualifiers, {@code and}/{@code or}/{@code not}, parentheses,
 * and arithmetic over packet bytes. Addresses, ports and numbers come mostly from the values
 * {@link TestFrames} puts in its frames, so that the filters match some frames and not others.
 */
public final class FilterGrammar {
    private final Random r;

    private FilterGrammar(long seed) {
        r = new Random(seed);
    }

    /** {@return {@code n} distinct expressions} */
    public static List<String> generate(long seed, int n) {
        FilterGrammar g = new FilterGrammar(seed);
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; out.size() < n && i < 100 * n; i++) {
            out.add(g.expression(0));
        }
        return new ArrayList<>(out);
    }

    private boolean chance(double p) {
        return r.nextDouble() < p;
    }

    @SafeVarargs
    private <T> T pick(T... a) {
        return a[r.nextInt(a.length)];
    }

    String expression(int depth) {
        double d = r.nextDouble();
        if (depth >= 3 || d < 0.35) {
            return primitive();
        }
        if (d < 0.45) {
            return pick("not ", "!") + group(depth + 1);
        }
        String op = pick(" and ", " or ", " && ", " || ", " and ", " or ");
        return group(depth + 1) + op + group(depth + 1);
    }

    private String group(int depth) {
        String e = expression(depth);
        return e.contains(" ") && chance(0.6) ? "(" + e + ")" : e;
    }

    private String v4() {
        int a = TestFrames.V4[r.nextInt(TestFrames.V4.length)];
        if (chance(0.1)) {
            a = r.nextInt();
        }
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    private String v6() {
        return pick("::1", "fe80::1", "2001:db8::1", "2001:db8::2", "2001:db8:ffff::9", "ff02::fb", "::");
    }

    private String mac() {
        return pick("00:11:22:33:44:55", "66:77:88:99:aa:bb", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01",
                "33:33:00:00:00:01");
    }

    private int port() {
        return chance(0.85) ? TestFrames.PORTS[r.nextInt(TestFrames.PORTS.length)] : r.nextInt(65536);
    }

    private String dir() {
        return pick("", "", "src ", "dst ", "src or dst ", "src and dst ");
    }

    private String primitive() {
        return switch (r.nextInt(17)) {
            case 0 -> pick("ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "sctp", "igmp");
            case 1 -> pick("", "ip ", "arp ", "rarp ") + dir() + "host " + v4();
            case 2 -> pick("", "ip6 ") + dir() + "host " + v6();
            case 3 -> dir() + "net " + pick("10.0.0.0/8", "192.168.0.0/16", "192.168.1.64/26", "172.16", "10",
                    "192.168.0.0 mask 255.255.0.0", "0.0.0.0/0", "8.8.8.0/24");
            case 4 -> pick("", "ip6 ") + dir() + "net " + pick("2001:db8::/32", "fe80::/10", "2001:db8:ffff::/48",
                    "::/0", "ff00::/8");
            case 5, 6 -> pick("", "tcp ", "udp ", "sctp ") + dir() + "port " + port()
                    + (chance(0.2) ? " or " + port() : "");
            case 7 -> {
                int a = port();
                int b = chance(0.7) ? Math.min(65535, a + r.nextInt(2000)) : port();
                yield pick("", "tcp ", "udp ") + dir() + "portrange " + a + "-" + b;
            }
            case 8 -> "ether " + pick("host ", "src ", "dst ", "src host ", "dst host ", "src or dst ", "src and dst ")
                    + mac();
            case 9 -> pick("ether broadcast", "ether multicast", "broadcast", "multicast", "ip multicast",
                    "ip6 multicast");
            case 10 -> pick("ip proto ", "ip6 proto ", "proto ") + pick("6", "17", "1", "2", "58", "132", "44")
                    + (chance(0.2) ? " or " + pick("6", "17") : "");
            case 11 -> "ether proto " + pick("0x800", "0x86dd", "0x806", "0x88cc", "0x8035", "0x8100");
            case 12 -> chance(0.5) ? "vlan" : "vlan " + pick("100", "200", "4095", "0", "7");
            case 13 -> pick("len <= ", "len >= ", "less ", "greater ", "len > ", "len < ", "len = ", "len != ")
                    + (100 + r.nextInt(500));
            case 14 -> pick("tcp[tcpflags] & tcp-syn != 0", "tcp[13] & (tcp-syn|tcp-ack) = tcp-syn",
                    "icmp[icmptype] = icmp-echo", "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0", "icmp6[0] = 128",
                    "ip[6:2] & 0x1fff != 0", "ip[0] & 0xf > 5", "ether[0] & 1 = 1", "udp[2:2] = 53",
                    "ip[ip[0]&0xf] = 1", "len - 14 > ip[2:2]", "ip6[6] = 44", "arp[7] = 2");
            case 15 -> arithmetic();
            default -> pick("tcp", "udp", "ip", "ip6") + " and " + dir() + "port " + port();
        };
    }

    private String access() {
        String proto = pick("ether", "ip", "ip6", "tcp", "udp", "icmp", "arp", "sctp", "igmp", "icmp6");
        int off = r.nextInt(proto.equals("ether") || proto.startsWith("ip") ? 40 : 16);
        String size = pick("", "", ":1", ":2", ":4");
        return proto + "[" + off + size + "]";
    }

    private String value() {
        return switch (r.nextInt(6)) {
            case 0, 1 -> access();
            case 2 -> "len";
            case 3 -> Integer.toString(r.nextInt(300));
            case 4 -> "0x" + Integer.toHexString(r.nextInt(0x10000));
            default -> access() + " " + pick("&", "|", "+", "-", "*", "/", "%", "^", "<<", ">>") + " "
                    + (1 + r.nextInt(15));
        };
    }

    private String arithmetic() {
        String lhs = value();
        if (chance(0.3)) {
            lhs = lhs + " " + pick("&", "+", "-", "*") + " " + value();
        }
        String rhs = chance(0.7) ? Integer.toString(r.nextInt(chance(0.5) ? 256 : 65536)) : value();
        return lhs + " " + pick("=", "!=", ">", "<", ">=", "<=", "==") + " " + rhs;
    }

    /** A protocol load ({@code ip[...]}, {@code tcp[...]}, ...) right of an arithmetic operator. */
    private static final java.util.regex.Pattern LOAD_RIGHT_OF_OPERATOR = java.util.regex.Pattern.compile(
            "((?<![&|])[&|](?![&|])|[+*/%^-]|<<|>>)\\s*\\(*\\s*(ip6?|arp|rarp|tcp|udp|icmp6?|sctp|igmp)\\s*\\[");

    /**
     * Whether libpcap 1.10 drops a protocol test the expression needs: its gen_arth keeps the
     * protocol check of an operator's left operand only, so in {@code len + tcp[13] != 80} the load
     * from the TCP header is made whatever the frame carries. Ours keeps the check; such an
     * expression has nothing to compare.
     */
    public static boolean libpcapDropsProtocolTest(String expr) {
        return LOAD_RIGHT_OF_OPERATOR.matcher(expr).find();
    }
}
