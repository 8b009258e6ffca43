package dev.rawsock.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict a latest.md bar line gives a ratio, from its median and its spread over rounds. */
class ReportTest {
    private static String verdict(String ratio, double median, double min, double max, double want) {
        Map<String, Object> row = Map.of("name", "x", "ratios",
                Map.of(ratio, median, ratio + "_min", min, ratio + "_max", max));
        StringBuilder sb = new StringBuilder();
        Report.bar(sb, row, ratio, want);
        return sb.toString();
    }

    @Test
    void aNarrowSpreadIsJudgedByItsMedian() {
        assertTrue(verdict("rawsock_over_c", 0.96, 0.95, 0.99, 0.93).endsWith(") ok\n"));
        assertTrue(verdict("rawsock_over_c", 0.92, 0.90, 0.93, 0.93).endsWith(") SHORT\n"));
    }

    @Test
    void aWideSpreadOnOneSideOfTheBarIsJudgedInEveryRound() {
        String ok = verdict("rawsock_over_netty_epoll", 1.69, 1.31, 2.16, 0.90);
        assertTrue(ok.contains("**unreliable**") && ok.endsWith("ok in every round\n"), ok);
        String shortAll = verdict("rawsockByteBuffer_over_best", 0.80, 0.70, 0.90, 0.95);
        assertTrue(shortAll.endsWith("SHORT in every round\n"), shortAll);
    }

    @Test
    void lowerIsBetterForCpuPerPacket() {
        String ok = verdict("rawsock_cpu_over_tcpdump", 0.42, 0.38, 0.47, 1.00);
        assertTrue(ok.contains("(want <= 1.00x)") && ok.endsWith("ok in every round\n"), ok);
        String across = verdict("rawsock_cpu_over_tcpdump", 0.87, 0.62, 1.46, 1.00);
        assertTrue(across.endsWith("(unreliable: not judged)\n"), across);
    }
}
