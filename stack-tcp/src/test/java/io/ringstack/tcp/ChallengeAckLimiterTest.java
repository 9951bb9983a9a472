package io.ringstack.tcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** RFC 5961 §7 throttling: each interval's budget lies in [⌈N/2⌉, ⌈N/2⌉ + N), about N on average; it varies. */
class ChallengeAckLimiterTest
{
    private static final long SECOND = 1_000_000_000L;

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = { 1, 2, 10, 1000 })
    void eachIntervalGrantsARandomBudgetAroundTheLimit(final int limit)
    {
        final long seed = 5961L * limit;
        final ChallengeAckLimiter limiter = new ChallengeAckLimiter(limit, SECOND, new SplittableRandom(seed));
        final int half = (limit + 1) / 2;
        final int intervals = 400;
        long total = 0;
        final Set<Integer> budgets = new HashSet<>();
        long now = 7 * SECOND;
        for (int interval = 0; interval < intervals; interval++)
        {
            int granted = 0;
            // 3 N + 10 attempts spread over the interval
            final int attempts = 3 * limit + 10;
            for (int i = 0; i < attempts; i++)
            {
                if (limiter.tryAcquire(now + i * (SECOND / attempts)))
                {
                    granted++;
                }
            }
            assertTrue(granted >= half && granted < half + limit,
                "seed " + seed + ", interval " + interval + ": " + granted + " granted, limit " + limit);
            budgets.add(granted);
            total += granted;
            now += SECOND;
        }
        final double average = (double)total / intervals;
        // ⌈N/2⌉ + (N - 1) / 2: N for odd N, N - 1/2 for even N
        assertEquals(half + (limit - 1) / 2.0, average, Math.max(0.1, limit * 0.1),
            "seed " + seed + ": the average is about the limit");
        if (limit > 1)
        {
            assertTrue(budgets.size() > 1, "seed " + seed + ": the budget varies between intervals");
        }
    }

    @Test
    void intervalsFollowTheClockNotTheRequests()
    {
        final ChallengeAckLimiter limiter = new ChallengeAckLimiter(1, 5 * SECOND, new SplittableRandom(1));
        assertTrue(limiter.tryAcquire(10 * SECOND));
        assertFalse(limiter.tryAcquire(10 * SECOND + 1));
        assertFalse(limiter.tryAcquire(15 * SECOND - 1), "same 5 s interval");
        assertTrue(limiter.tryAcquire(15 * SECOND), "the next interval");
        assertFalse(limiter.tryAcquire(16 * SECOND));
        assertTrue(limiter.tryAcquire(-3 * SECOND), "time may be negative (System.nanoTime)");
    }

    @Test
    void maxValueTurnsThrottlingOff()
    {
        final ChallengeAckLimiter limiter =
            new ChallengeAckLimiter(Integer.MAX_VALUE, SECOND, new SplittableRandom(1));
        for (int i = 0; i < 100_000; i++)
        {
            assertTrue(limiter.tryAcquire(0));
        }
    }

    @Test
    void nonsenseLimitsAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new ChallengeAckLimiter(0, SECOND, new SplittableRandom()));
        assertThrows(IllegalArgumentException.class, () -> new ChallengeAckLimiter(10, 0, new SplittableRandom()));
        assertThrows(IllegalArgumentException.class, () -> TcpConfig.defaults().withChallengeAckLimit(0, SECOND));
        assertThrows(IllegalArgumentException.class, () -> TcpConfig.defaults().withMaxConnections(0));
        assertThrows(IllegalArgumentException.class, () -> TcpConfig.defaults().withOutOfOrderPoolPercent(101));
    }
}
