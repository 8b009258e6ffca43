package dev.rawsock.packet.testing;

import java.util.Arrays;
import java.util.Random;

/**
 * Ethernet frames written byte by byte (no other packet classes), drawn so that the addresses,
 * ports, VLAN ids and lengths the differential corpus names come up often: Ethernet II and 802.1Q /
 * 802.1ad (up to two tags), IPv4 with options and fragments, IPv6 (with a fragment header
 * sometimes), ARP, RARP, TCP, UDP, SCTP, ICMP, IGMP, ICMPv6 and other EtherTypes.
 */
public final class TestFrames {
    static final int[] V4 = {ip(10, 0, 0, 1), ip(10, 0, 0, 2), ip(192, 168, 1, 1), ip(192, 168, 1, 77),
        ip(192, 168, 1, 100), ip(172, 16, 5, 4), ip(8, 8, 8, 8), ip(224, 0, 0, 251), ip(0, 0, 0, 80)};
    static final String[] V6 = {"0000000000000000 0000000000000001", "fe80000000000000 0000000000000001",
        "20010db800000000 0000000000000001", "20010db800000000 0000000000000002", "20010db8ffff0000 0000000000000009",
        "ff02000000000000 00000000000000fb"};
    static final int[] PORTS = {8, 22, 53, 80, 443, 8080, 1024, 5000, 6000, 50, 55, 60, 444, 0, 65535};
    static final String[] MACS = {"001122334455", "66778899aabb", "ffffffffffff", "01005e000001", "333300000001"};
    static final int[] TPIDS = {0x8100, 0x88a8, 0x9100};
    static final int[] VIDS = {100, 200, 4095, 0};
    static final int[] IP_PROTOS = {6, 17, 1, 2, 132, 58};
    static final int[] IP6_NEXT = {6, 17, 58, 132, 44, 0, 1};

    private final Random r;
    private final byte[] b = new byte[2048];
    private int n;

    public TestFrames(long seed) {
        r = new Random(seed);
    }

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    private void u8(int v) {
        b[n++] = (byte) v;
    }

    private void u16(int v) {
        u8(v >>> 8);
        u8(v);
    }

    private void u32(int v) {
        u16(v >>> 16);
        u16(v);
    }

    private void hex(String h) {
        h = h.replace(" ", "");
        for (int i = 0; i < h.length(); i += 2) {
            u8(Integer.parseInt(h.substring(i, i + 2), 16));
        }
    }

    private void random(int count) {
        for (int i = 0; i < count; i++) {
            u8(r.nextInt(256));
        }
    }

    private boolean chance(double p) {
        return r.nextDouble() < p;
    }

    private int pick(int[] a) {
        return a[r.nextInt(a.length)];
    }

    private void mac() {
        if (chance(0.15)) {
            random(6);
        } else {
            hex(MACS[r.nextInt(MACS.length)]);
        }
    }

    private void v4addr() {
        u32(chance(0.15) ? r.nextInt() : pick(V4));
    }

    private void v6addr() {
        if (chance(0.15)) {
            random(16);
        } else {
            hex(V6[r.nextInt(V6.length)]);
        }
    }

    private int port() {
        return chance(0.2) ? r.nextInt(65536) : pick(PORTS);
    }

    /** The next frame: at least 160 bytes (so every load the corpus makes is inside it), at most 600. */
    public byte[] next() {
        n = 0;
        mac();
        mac();
        int tags = chance(0.7) ? 0 : chance(0.66) ? 1 : 2;
        for (int i = 0; i < tags; i++) {
            u16(pick(TPIDS));
            u16((r.nextInt(8) << 13) | (chance(0.8) ? pick(VIDS) : r.nextInt(4096)));
        }
        double kind = r.nextDouble();
        if (kind < 0.4) {
            u16(0x0800);
            ipv4();
        } else if (kind < 0.7) {
            u16(0x86dd);
            ipv6();
        } else if (kind < 0.8) {
            u16(0x0806);
            arp();
        } else if (kind < 0.85) {
            u16(0x8035);
            arp();
        } else {
            u16(chance(0.5) ? 0x88cc : chance(0.5) ? r.nextInt(1501) : r.nextInt(65536));
            random(40);
        }
        int len = 160 + r.nextInt(441);
        if (n > len) {
            len = n;
        }
        while (n < len) {
            u8(r.nextInt(256));
        }
        return Arrays.copyOf(b, n);
    }

    private void ipv4() {
        int ihl = chance(0.7) ? 5 : 6 + r.nextInt(10);
        u8((chance(0.97) ? 0x40 : r.nextInt(16) << 4) | ihl);
        u8(r.nextInt(256));
        u16(20 + r.nextInt(1480));
        u16(r.nextInt(65536));
        double f = r.nextDouble();
        int frag = f < 0.6 ? 0 : f < 0.75 ? 0x4000 : f < 0.85 ? 0x2000 : (r.nextInt(8) << 13) | (1 + r.nextInt(0x1fff));
        u16(frag);
        u8(r.nextInt(256));
        int proto = chance(0.9) ? pick(IP_PROTOS) : r.nextInt(256);
        u8(proto);
        u16(r.nextInt(65536));
        v4addr();
        v4addr();
        random(4 * (ihl - 5));
        transport(proto);
    }

    private void ipv6() {
        u32(0x60000000 | r.nextInt(1 << 20));
        u16(r.nextInt(1500));
        int next = chance(0.9) ? pick(IP6_NEXT) : r.nextInt(256);
        u8(next);
        u8(r.nextInt(256));
        v6addr();
        v6addr();
        if (next == 44) {
            int inner = chance(0.9) ? pick(IP_PROTOS) : r.nextInt(256);
            u8(inner);
            u8(0);
            u16(chance(0.5) ? 0 : r.nextInt(65536));
            u32(r.nextInt());
            transport(inner);
        } else {
            transport(next);
        }
    }

    private void transport(int proto) {
        switch (proto) {
            case 1, 58 -> {
                u8(chance(0.7) ? pick(new int[] {0, 8, 3, 11, 128, 129, 135}) : r.nextInt(256));
                u8(r.nextInt(4));
                random(6);
            }
            default -> {
                u16(port());
                u16(port());
                if (proto == 6) {
                    u32(r.nextInt());
                    u32(r.nextInt());
                    u8((5 + r.nextInt(11)) << 4);
                    u8(chance(0.5) ? pick(new int[] {0x02, 0x12, 0x10, 0x11, 0x04, 0x18}) : r.nextInt(256));
                    u16(r.nextInt(65536));
                    random(4);
                } else {
                    random(4);
                }
            }
        }
    }

    private void arp() {
        u16(1);
        u16(0x0800);
        u8(6);
        u8(4);
        u16(1 + r.nextInt(4));
        mac();
        v4addr();
        mac();
        v4addr();
    }
}
