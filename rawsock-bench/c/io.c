/*
 * C baselines for rawsock-bench's I/O benchmarks: the same system calls as the Java columns, in a
 * loop for a fixed time, on one thread. Built by rawsock-bench/run with gcc -O2.
 *
 *   io pingpong SECONDS    64-byte send+recv on an AF_UNIX stream socketpair     (ops/s)
 *   io udp SECONDS         64-byte sendto+recvfrom on 127.0.0.1                  (ops/s)
 *   io udp-batch SECONDS   64 x 64-byte datagrams per sendmmsg+recvmmsg, 127.0.0.1 (packets/s)
 *   io udp-gso SECONDS     46 x 1,400-byte datagrams per UDP_SEGMENT sendmsg, received with UDP_GRO
 *                          and recvmmsg, 127.0.0.1 (packets/s)
 *   io udp-gso-sendmmsg SECONDS   the same 46 datagrams as one sendmmsg, received the same way
 *   ... --threaded         the same with an idle second thread (the fd table shared, as in a JVM)
 *   ... --window S         windows of S seconds (default: the run, at most 1 s)
 *   io flood SECONDS COUNT RATE IPV4   COUNT 64-byte UDP datagrams to IPV4 port 9 at RATE per second
 *                          (sendmmsg of 64, paced), stopping after SECONDS at the latest: the sender of
 *                          capture-flood, run inside a namespace the benchmark made
 *
 * Prints one JSON object: {"benchmark": MODE, "ops_per_s": N (whole run), "best_window_ops_per_s": N
 * (the best ~1 s window), "windows": N, "ops": N, "seconds": S}.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <netinet/udp.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#define SEGS 46
#define SEG 1400

#define SIZE 64
#define BATCH 64

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Rates per window of about a second: on a shared machine the best window is the one least
 * disturbed by neighbours, and rawsock-bench compares best windows (JMH's best iteration likewise).
 */
#define MAX_WINDOWS 1024
static double window_rate[MAX_WINDOWS];
static int windows;
static double window_start;
static long window_ops;
static double window_len;

static void window_tick(double t, long ops) {
    if (t - window_start >= window_len && windows < MAX_WINDOWS) {
        window_rate[windows++] = (ops - window_ops) / (t - window_start);
        window_start = t;
        window_ops = ops;
    }
}

/* Called between bursts of calls, never inside one: records a window when one is full; whether the run is over. */
static int tick(long ops, double end) {
    double t = now();
    window_tick(t, ops);
    return t >= end;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* A receive timeout, so a lost datagram ends the run with an error instead of hanging it. */
static void rcvtimeo(int fd) {
    struct timeval tv = {5, 0};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) die("setsockopt");
}

static void udp_pair(int *a, int *b, struct sockaddr_in *bto) {
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof sa;
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *a = socket(AF_INET, SOCK_DGRAM, 0);
    *b = socket(AF_INET, SOCK_DGRAM, 0);
    if (*a < 0 || *b < 0) die("socket");
    if (bind(*a, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind");
    if (bind(*b, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind");
    if (getsockname(*b, (struct sockaddr *)bto, &len) != 0) die("getsockname");
    rcvtimeo(*b);
}

/*
 * n send slots of slen bytes each from sbase (stride slen), all to *to, and n receive slots of rlen
 * bytes each from rbase (stride rlen): the mmsghdr arrays of udp-batch and udp-gso-sendmmsg.
 */
static void mmsg_slots(int n, struct mmsghdr *smsg, struct iovec *siov, char *sbase, size_t slen, struct sockaddr_in *to,
                       struct mmsghdr *rmsg, struct iovec *riov, char *rbase, size_t rlen) {
    memset(smsg, 0, n * sizeof *smsg);
    memset(rmsg, 0, n * sizeof *rmsg);
    for (int i = 0; i < n; i++) {
        siov[i].iov_base = sbase + i * slen;
        siov[i].iov_len = slen;
        smsg[i].msg_hdr.msg_iov = &siov[i];
        smsg[i].msg_hdr.msg_iovlen = 1;
        smsg[i].msg_hdr.msg_name = to;
        smsg[i].msg_hdr.msg_namelen = sizeof *to;
        riov[i].iov_base = rbase + i * rlen;
        riov[i].iov_len = rlen;
        rmsg[i].msg_hdr.msg_iov = &riov[i];
        rmsg[i].msg_hdr.msg_iovlen = 1;
    }
}

static void *idle(void *arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}

/* capture-flood's sender: bounded in count and in time, paced so the load is the same for every capture. */
static int flood(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s flood SECONDS COUNT RATE IPV4\n", argv[0]);
        return 2;
    }
    double seconds = atof(argv[2]);
    long count = atol(argv[3]);
    double rate = atof(argv[4]);
    if (seconds <= 0 || seconds > 600 || count < 1 || count > 100000000L || rate < 1) {
        fprintf(stderr, "flood: SECONDS 0..600, COUNT 1..1e8, RATE >= 1\n");
        return 2;
    }
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    if (inet_pton(AF_INET, argv[5], &to.sin_addr) != 1) die("inet_pton");
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) die("connect");
    static char buf[SIZE];
    memset(buf, 'f', sizeof buf);
    struct iovec iov = {buf, SIZE};
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    long sent = 0, failed = 0;
    double start = now(), end = start + seconds, t = start;
    while (sent + failed < count && t < end) {
        double due = start + (sent + failed) / rate;
        if (t < due) {
            struct timespec ts = {0, (long)((due - t) * 1e9)};
            nanosleep(&ts, NULL);
        }
        int n = count - sent - failed < BATCH ? (int)(count - sent - failed) : BATCH;
        int r = sendmmsg(fd, msgs, n, 0);
        if (r > 0) sent += r;
        else if (errno == ENOBUFS || errno == ECONNREFUSED) failed++;  /* a full queue, an ICMP error: count, go on */
        else die("sendmmsg");
        t = now();
    }
    printf("{\"benchmark\": \"flood\", \"sent\": %ld, \"failed\": %ld, \"ops_per_s\": %.1f, \"seconds\": %.3f}\n",
           sent, failed, sent / (t - start), t - start);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "flood") == 0) return flood(argc, argv);
    int threaded = 0;
    double window = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--threaded") == 0) threaded = 1;
        else if (strcmp(argv[i], "--window") == 0 && i + 1 < argc) window = atof(argv[++i]);
        else argc = 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: io pingpong|udp|udp-batch|udp-gso|udp-gso-sendmmsg SECONDS [--threaded] [--window S]\n");
        return 2;
    }
    /*
     * --threaded: a second (idle) thread, so the fd table is shared as in any JVM. A single-threaded
     * process gets the kernel's fdget fast path (no file refcount per call); a multi-threaded one
     * pays an atomic get/put per system call. Diagnostic: shows how much of C's lead is that.
     */
    if (threaded) {
        pthread_t t;
        if (pthread_create(&t, NULL, idle, NULL) != 0) die("pthread_create");
    }
    const char *mode = argv[1];
    double seconds = atof(argv[2]);
    window_len = window > 0 ? window : seconds < 1 ? seconds : 1;
    static char buf[BATCH][SIZE];
    long ops = 0;
    double start, end;
    memset(buf, 'x', sizeof buf);

    if (strcmp(mode, "pingpong") == 0) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) die("socketpair");
        rcvtimeo(sv[1]);
        start = window_start = now();
        end = start + seconds;
        for (;;) {
            for (int i = 0; i < 1024; i++) {
                if (send(sv[0], buf[0], SIZE, MSG_NOSIGNAL) != SIZE) die("send");
                if (recv(sv[1], buf[1], SIZE, 0) != SIZE) die("recv");
            }
            ops += 1024;
            if (tick(ops, end)) break;
        }
    } else if (strcmp(mode, "udp") == 0) {
        int a, b;
        struct sockaddr_in to, from;
        udp_pair(&a, &b, &to);
        start = window_start = now();
        end = start + seconds;
        for (;;) {
            for (int i = 0; i < 1024; i++) {
                socklen_t flen = sizeof from;
                if (sendto(a, buf[0], SIZE, 0, (struct sockaddr *)&to, sizeof to) != SIZE) die("sendto");
                if (recvfrom(b, buf[1], SIZE, 0, (struct sockaddr *)&from, &flen) != SIZE) die("recvfrom");
            }
            ops += 1024;
            if (tick(ops, end)) break;
        }
    } else if (strcmp(mode, "udp-batch") == 0) {
        int a, b;
        struct sockaddr_in to, from[BATCH];
        static char rbuf[BATCH][SIZE];
        struct iovec siov[BATCH], riov[BATCH];
        struct mmsghdr smsg[BATCH], rmsg[BATCH];
        udp_pair(&a, &b, &to);
        /* The default receive buffer holds a batch of 64 small datagrams easily; make sure anyway. */
        int rcvbuf = 1 << 20;
        setsockopt(b, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        mmsg_slots(BATCH, smsg, siov, buf[0], SIZE, &to, rmsg, riov, rbuf[0], SIZE);
        start = window_start = now();
        end = start + seconds;
        for (;;) {
            for (int i = 0; i < 16; i++) {
                int sent = sendmmsg(a, smsg, BATCH, 0);
                if (sent != BATCH) die("sendmmsg");
                int got = 0;
                while (got < BATCH) {
                    for (int k = got; k < BATCH; k++) {
                        rmsg[k].msg_hdr.msg_name = &from[k];
                        rmsg[k].msg_hdr.msg_namelen = sizeof from[k];
                    }
                    int n = recvmmsg(b, rmsg + got, BATCH - got, 0, NULL);
                    if (n <= 0) die("recvmmsg");
                    got += n;
                }
            }
            ops += 16 * BATCH;
            if (tick(ops, end)) break;
        }
    } else if (strcmp(mode, "udp-gso") == 0 || strcmp(mode, "udp-gso-sendmmsg") == 0) {
        int gso = strcmp(mode, "udp-gso") == 0;
        int a, b, one = 1, rcvbuf = 4 << 20;
        struct sockaddr_in to;
        static char payload[SEGS * SEG];
        static char rbuf[SEGS][65536];
        static struct iovec siov[SEGS], riov[SEGS];
        static struct mmsghdr smsg[SEGS], rmsg[SEGS];
        union { char buf[CMSG_SPACE(sizeof(uint16_t))]; struct cmsghdr align; } ctl;
        udp_pair(&a, &b, &to);
        setsockopt(b, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        if (setsockopt(b, SOL_UDP, UDP_GRO, &one, sizeof one) != 0) die("setsockopt(UDP_GRO)");
        memset(payload, 'x', sizeof payload);
        mmsg_slots(SEGS, smsg, siov, payload, SEG, &to, rmsg, riov, rbuf[0], sizeof rbuf[0]);
        /* the GSO send: one msghdr over the whole payload with a UDP_SEGMENT control message */
        struct iovec giov = {payload, sizeof payload};
        struct msghdr gmsg = {0};
        gmsg.msg_name = &to;
        gmsg.msg_namelen = sizeof to;
        gmsg.msg_iov = &giov;
        gmsg.msg_iovlen = 1;
        gmsg.msg_control = ctl.buf;
        gmsg.msg_controllen = sizeof ctl.buf;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&gmsg);
        cm->cmsg_level = SOL_UDP;
        cm->cmsg_type = UDP_SEGMENT;
        cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t seg = SEG;
        memcpy(CMSG_DATA(cm), &seg, sizeof seg);
        start = window_start = now();
        end = start + seconds;
        for (;;) {
            for (int i = 0; i < 16; i++) {
                if (gso) {
                    if (sendmsg(a, &gmsg, 0) != (ssize_t)sizeof payload) die("sendmsg(UDP_SEGMENT)");
                } else if (sendmmsg(a, smsg, SEGS, 0) != SEGS) {
                    die("sendmmsg");
                }
                long bytes = 0;
                while (bytes < (long)sizeof payload) {
                    int n = recvmmsg(b, rmsg, SEGS, MSG_WAITFORONE, NULL);
                    if (n <= 0) die("recvmmsg");
                    for (int k = 0; k < n; k++) bytes += rmsg[k].msg_len;
                }
            }
            ops += 16 * SEGS;
            if (tick(ops, end)) break;
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    double stop = now(), took = stop - start, best = 0;
    /* The last window, cut short by the end of the run, counts if it is at least half a window. */
    if (stop - window_start >= window_len / 2 && windows < MAX_WINDOWS)
        window_rate[windows++] = (ops - window_ops) / (stop - window_start);
    for (int i = 0; i < windows; i++) if (window_rate[i] > best) best = window_rate[i];
    if (windows == 0) best = ops / took;
    printf("{\"benchmark\": \"%s\", \"ops_per_s\": %.1f, \"best_window_ops_per_s\": %.1f, \"windows\": %d, \"ops\": %ld, \"seconds\": %.3f}\n",
           mode, ops / took, best, windows, ops, took);
    return 0;
}
