package io.ringstack.ip.icmp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class IcmpErrorRateLimiterTest
{
    @Test
    void burstThenSteadyRate()
    {
        final IcmpErrorRateLimiter limiter = new IcmpErrorRateLimiter(100, 10);
        long now = 5_000_000_000L;
        int granted = 0;
        for (int i = 0; i < 50; i++)
        {
            granted += limiter.tryAcquire(now) ? 1 : 0;
        }
        assertEquals(10, granted, "the burst");
        granted = 0;
        for (int ms = 0; ms < 1000; ms++)
        {
            now += 1_000_000L;
            for (int i = 0; i < 5; i++)
            {
                granted += limiter.tryAcquire(now) ? 1 : 0;
            }
        }
        assertEquals(100, granted, "100 per second afterwards");
    }

    @Test
    void pathMtuOnlyDecreasesAndIgnoresNonsense()
    {
        final PathMtuTable table = new PathMtuTable(2, 1500);
        assertEquals(1500, table.mtuFor(7));
        assertTrue(table.report(7, 1400));
        assertFalse(table.report(7, 1450), "an increase is not believed");
        assertFalse(table.report(7, 20), "below 68 is bogus");
        assertEquals(1400, table.mtuFor(7));
        assertTrue(table.report(8, 1300));
        assertFalse(table.report(9, 1300), "full");
        assertEquals(3, table.ignoredReports());
    }
}
