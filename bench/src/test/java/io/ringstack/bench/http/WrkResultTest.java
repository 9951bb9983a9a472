package io.ringstack.bench.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** wrk 4.1's output as it prints it (taken from runs of HttpBench), parsed. */
class WrkResultTest
{
    private static final String CLEAN = """
        Running 2s test @ http://198.18.90.2:80/bytes/64
          1 threads and 1 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency   540.10us    1.94ms  24.39ms   93.86%
            Req/Sec    11.91k     3.20k   16.18k    65.00%
          Latency Distribution
             50%   65.00us
             75%   89.00us
             90%    1.22ms
             99%   10.73ms
          23788 requests in 2.01s, 4.51MB read
        Requests/sec:  11816.28
        Transfer/sec:      2.24MB
        """;

    private static final String WITH_ERRORS = """
        Running 1m test @ http://198.18.92.1:80/bytes/64
          2 threads and 200 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     1.20ms  300.00us   2.00s    90.00%
            Req/Sec    50.00k     1.00k   60.00k    70.00%
          Latency Distribution
             50%    1.10ms
             75%    1.30ms
             90%    1.50ms
             99%    1.50s
          6000000 requests in 1.00m, 1.20GB read
          Socket errors: connect 1, read 2, write 3, timeout 4
          Non-2xx or 3xx responses: 5
        Requests/sec: 100000.00
        Transfer/sec:     20.00MB
        """;

    @Test
    void parsesRateCountDurationAndPercentiles()
    {
        final WrkResult result = WrkResult.parse(CLEAN);
        assertEquals(23788, result.requests());
        assertEquals(2.01, result.seconds(), 1e-9);
        assertEquals(11816.28, result.requestsPerSecond(), 1e-9);
        assertEquals(65.0, result.p50Micros(), 1e-9);
        assertEquals(10_730.0, result.p99Micros(), 1e-9);
        assertEquals(0, result.errors());
    }

    @Test
    void convertsSecondsAndMinutesAndAddsUpErrors()
    {
        final WrkResult result = WrkResult.parse(WITH_ERRORS);
        assertEquals(60.0, result.seconds(), 1e-9);
        assertEquals(1_100.0, result.p50Micros(), 1e-9);
        assertEquals(1_500_000.0, result.p99Micros(), 1e-9);
        assertEquals(1 + 2 + 3 + 4 + 5, result.errors());
    }

    @Test
    void refusesOutputWithoutTheLatencyDistribution()
    {
        final String withoutLatency = CLEAN.replaceAll("(?m)^\\s+\\d+%.*\\n", "");
        final IllegalStateException thrown = assertThrows(IllegalStateException.class,
            () -> WrkResult.parse(withoutLatency));
        assertTrue(thrown.getMessage().startsWith("wrk's output has no match for /(?m)^\\s+50"), thrown.getMessage());
    }
}
