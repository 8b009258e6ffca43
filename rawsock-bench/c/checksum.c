/*
 * C baseline for checksum-64/1500/65536: the RFC 1071 internet checksum of SIZE bytes, as a 64-bit
 * multi-accumulator loop (the way fast C checksums are written without intrinsics). Built by
 * rawsock-bench/run twice: gcc -O3 and no -march, as distributions build (checksum), and gcc -O3
 * -march=native, the most this machine's vector units give plain C (checksum-native).
 *
 *   checksum SIZE SECONDS [--window S]   prints {"benchmark": "checksum-SIZE", "gb_per_s": N, "ops_per_s": N, ...}
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LEN 65536

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Sums 32-bit words into eight 64-bit accumulators (no carry is lost before 2^32 words), folds at
 * the end. Eight independent sums let gcc -O3 vectorize with plain SSE2; of the plain-C shapes tried
 * here (one accumulator, 64-bit words with carry counting, four or eight accumulators) it was fastest.
 */
__attribute__((noinline)) static uint16_t checksum(const unsigned char *p, size_t n) {
    uint64_t acc[8] = {0};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 8; k++) {
            uint32_t w;
            memcpy(&w, p + i + 4 * k, 4);
            acc[k] += w;
        }
    }
    uint64_t s = 0;
    for (int k = 0; k < 8; k++) s += acc[k];
    for (; i + 4 <= n; i += 4) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        s += w;
    }
    for (; i + 2 <= n; i += 2) {
        uint16_t w;
        memcpy(&w, p + i, 2);
        s += w;
    }
    if (i < n) s += p[i];  /* little-endian: the odd byte is the low byte of its word */
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    uint16_t r = (uint16_t)s;
    return (uint16_t)~(uint16_t)((r >> 8) | (r << 8));  /* back to network order */
}

/* Best ~1 s window, as in io.c: the window least disturbed by neighbours on a shared machine. */
int main(int argc, char **argv) {
    if ((argc != 3 && !(argc == 5 && strcmp(argv[3], "--window") == 0)) || atoi(argv[1]) < 1 || atoi(argv[1]) > MAX_LEN) {
        fprintf(stderr, "usage: %s SIZE(1..%d) SECONDS [--window S]\n", argv[0], MAX_LEN);
        return 2;
    }
    size_t len = (size_t)atoi(argv[1]);
    double seconds = atof(argv[2]);
    /* 64-byte aligned, as the Java side's segment */
    static unsigned char buf[MAX_LEN + 64] __attribute__((aligned(64)));
    for (int i = 0; i < MAX_LEN + 64; i++) buf[i] = (unsigned char)(i * 31 + 7);
    /* fewer calls per clock check for big buffers, so a check still comes every few ms */
    int per = len >= 16384 ? 64 : 4096;
    volatile unsigned sink = 0;
    long ops = 0;
    double start = now(), end = start + seconds;
    double window_len = argc == 5 ? atof(argv[4]) : seconds < 1 ? seconds : 1, window_start = start, best = 0;
    long window_ops = 0;
    for (;;) {
        for (int i = 0; i < per; i++) {
            /* The compiler must not hoist the call: vary nothing but keep the result live. */
            __asm__ volatile("" : : "r"(buf) : "memory");
            sink += checksum(buf, len);
        }
        ops += per;
        double t = now();
        if (t - window_start >= window_len) {
            double r = (ops - window_ops) / (t - window_start);
            if (r > best) best = r;
            window_start = t;
            window_ops = ops;
        }
        if (t >= end) break;
    }
    double took = now() - start;
    if (now() - window_start >= window_len / 2 && (ops - window_ops) / (now() - window_start) > best)
        best = (ops - window_ops) / (now() - window_start);
    if (best == 0) best = ops / took;
    printf("{\"benchmark\": \"checksum-%zu\", \"gb_per_s\": %.3f, \"ops_per_s\": %.1f, \"best_window_ops_per_s\": %.1f, \"ops\": %ld, \"seconds\": %.3f, \"checksum\": \"0x%04x\"}\n",
           len, ops * (double)len / took / 1e9, ops / took, best, ops, took, checksum(buf, len));
    return 0;
}
