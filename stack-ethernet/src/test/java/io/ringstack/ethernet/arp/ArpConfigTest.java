package io.ringstack.ethernet.arp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class ArpConfigTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void defaultsAreTheDocumentedValues()
    {
        final ArpConfig config = ArpConfig.defaults();
        assertEquals(512, config.cacheCapacity());
        assertEquals(60 * SECOND, config.reachableTimeNanos());
        assertEquals(5 * SECOND, config.refreshWindowNanos());
        assertEquals(SECOND, config.retryIntervalNanos());
        assertEquals(3, config.maxRequests());
        assertEquals(SECOND, config.negativeCacheNanos());
        assertEquals(8, config.maxPendingPerDestination());
        assertEquals(64, config.maxPendingTotal());
        assertEquals(-1, config.vlanId());
        assertEquals(10 * SECOND, config.defendIntervalNanos(), "RFC 5227 DEFEND_INTERVAL");
        assertEquals(2, config.announcements(), "RFC 5227 ANNOUNCE_NUM");
        assertEquals(2 * SECOND, config.announceIntervalNanos(), "RFC 5227 ANNOUNCE_INTERVAL");
    }

    @Test
    void withersChangeOneSettingEach()
    {
        final ArpConfig config = ArpConfig.defaults()
            .withCacheCapacity(16)
            .withRefreshWindow(Duration.ofSeconds(1))
            .withReachableTime(Duration.ofSeconds(30))
            .withRetries(5, Duration.ofMillis(250))
            .withNegativeCacheTime(Duration.ofSeconds(20))
            .withPendingLimits(4, 10)
            .withVlanId(4094)
            .withDefendInterval(Duration.ZERO)
            .withAnnouncements(1, Duration.ofSeconds(3));
        assertEquals(new ArpConfig(16, 30 * SECOND, SECOND, 250_000_000L, 5, 20 * SECOND, 4, 10, 4094, 0, 1,
            3 * SECOND), config);
    }

    @Test
    void badValuesAreRefusedWithTheRule()
    {
        final ArpConfig d = ArpConfig.defaults();
        refused(() -> d.withCacheCapacity(0), "cacheCapacity 0 must be from 1");
        refused(() -> d.withCacheCapacity(ArpConfig.MAX_CACHE_CAPACITY + 1), "cacheCapacity");
        refused(() -> d.withReachableTime(Duration.ZERO), "reachableTime");
        refused(() -> d.withReachableTime(Duration.ofSeconds(5)), "must be shorter than reachableTime");
        refused(() -> d.withRefreshWindow(Duration.ofSeconds(60)), "must be shorter than reachableTime");
        refused(() -> d.withRefreshWindow(Duration.ofSeconds(-1)), "refreshWindow");
        refused(() -> d.withRetries(0, Duration.ofSeconds(1)), "maxRequests 0");
        refused(() -> d.withRetries(3, Duration.ZERO), "retryInterval");
        refused(() -> d.withNegativeCacheTime(Duration.ofDays(2)), "one day");
        refused(() -> d.withPendingLimits(0, 64), "maxPendingPerDestination 0");
        refused(() -> d.withPendingLimits(9, 8), "must not exceed maxPendingTotal");
        refused(() -> d.withVlanId(4095), "4095 is reserved");
        refused(() -> d.withVlanId(-2), "vlanId -2");
        refused(() -> d.withDefendInterval(null), "defendInterval must not be null");
        refused(() -> d.withAnnouncements(-1, Duration.ofSeconds(2)), "announcements -1");
        refused(() -> d.withAnnouncements(2, Duration.ZERO), "announceInterval");
    }

    @Test
    void shorterLifetimeIsPossibleWhenTheRefreshWindowShrinksFirst()
    {
        final ArpConfig config = ArpConfig.defaults().withRefreshWindow(Duration.ofMillis(100))
            .withReachableTime(Duration.ofMillis(500));
        assertEquals(500_000_000L, config.reachableTimeNanos());
    }

    private static void refused(final Executable change, final String expected)
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, change);
        assertTrue(refused.getMessage().contains(expected), () -> "'" + refused.getMessage() + "' names the rule: " +
            expected);
    }
}
