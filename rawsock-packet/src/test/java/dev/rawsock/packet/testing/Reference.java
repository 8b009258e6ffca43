package dev.rawsock.packet.testing;

import dev.rawsock.packet.Checksums;

import java.util.Arrays;

/** Plain, obviously-right reference implementations the fast code is checked against. */
public final class Reference {
    private Reference() {}

    /** RFC 1071 as written in the RFC: 16-bit big-endian words, odd byte padded, folded, complemented. */
    public static int internet(byte[] a, int off, int len) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) sum += (a[off + i] & 0xFF) << 8 | (a[off + i + 1] & 0xFF);
        if (i < len) sum += (a[off + i] & 0xFF) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }

    // The four below follow CLISP's rawsock.c step by step (little-endian sums for IP and ICMP,
    // big-endian for TCP and UDP), on a copy, to give what CLISP returns and stores.

    public static int ipcsum(byte[] b) {
        b[24] = 0; b[25] = 0;
        int n = (b[14] & 0xF) << 2;
        long sum = 0;
        int p = 14;
        while (n > 1) { sum += b[p++] & 0xFF; sum += (b[p++] & 0xFF) << 8; n -= 2; }
        if (n == 1) sum += b[p] & 0xFF;
        return finishLe(b, sum, 24);
    }

    public static int icmpcsum(byte[] b) {
        int off = (b[14] & 0xF) << 2, offset = off + 14;
        b[offset + 2] = 0; b[offset + 3] = 0;
        int n = ((b[16] & 0xFF) << 8) + (b[17] & 0xFF) - off;
        long sum = 0;
        int p = offset;
        while (n > 1) { sum += b[p++] & 0xFF; sum += (b[p++] & 0xFF) << 8; n -= 2; }
        if (n == 1) sum += b[p] & 0xFF;
        return finishLe(b, sum, offset + 2);
    }

    public static int tcpcsum(byte[] b) { return transport(b, 16); }
    public static int udpcsum(byte[] b) { return transport(b, 6); }

    private static int transport(byte[] b, int at) {
        long sum = u(b, 26) * 256 + u(b, 27) + u(b, 28) * 256 + u(b, 29);
        sum += u(b, 30) * 256 + u(b, 31) + u(b, 32) * 256 + u(b, 33);
        sum += u(b, 23);
        int packsize = u(b, 16) * 256 + u(b, 17);
        int offset = (b[14] & 0xF) << 2;
        sum += packsize - offset;
        int p = offset + 14;
        int n = packsize - offset;
        b[offset + at + 14] = 0; b[offset + at + 1 + 14] = 0;
        while (n > 1) { sum += u(b, p++) << 8; sum += u(b, p++); n -= 2; }
        if (n == 1) sum += u(b, p) << 8;
        sum = (sum >> 16) + (sum & 0xFFFF);
        int result = (int) (~(sum + (sum >> 16)) & 0xFFFF);
        b[offset + at + 1 + 14] = (byte) result;
        b[offset + at + 14] = (byte) (result >> 8);
        return result;
    }

    private static int finishLe(byte[] b, long sum, int at) {
        sum = (sum >> 16) + (sum & 0xFFFF);
        int result = (int) (~(sum + (sum >> 16)) & 0xFFFF);
        b[at] = (byte) result;
        b[at + 1] = (byte) (result >> 8);
        return result;
    }

    private static int u(byte[] b, int i) { return b[i] & 0xFF; }

    /** Sum of pseudo-header and segment of an IPv4 packet at {@code ip}: 0 when the checksum is right. */
    public static int verifyV4Transport(byte[] p, int ip) {
        int hl = (p[ip] & 0xF) * 4;
        int total = (p[ip + 2] & 0xFF) << 8 | (p[ip + 3] & 0xFF);
        int pseudo = Checksums.pseudoHeaderV4(Arrays.copyOfRange(p, ip + 12, ip + 16), Arrays.copyOfRange(p, ip + 16, ip + 20),
                p[ip + 9] & 0xFF, total - hl);
        return Checksums.complement(Checksums.add(pseudo, Checksums.sum(p, ip + hl, total - hl)));
    }
}
