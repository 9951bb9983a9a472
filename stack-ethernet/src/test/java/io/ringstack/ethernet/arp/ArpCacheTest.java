package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.nic.e1000.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.ringstack.ethernet.arp.ArpFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** The translation table: bounded capacity with eviction, lifetime, refresh before expiry. */
class ArpCacheTest
{
    private ArpFixture fx = started(quiet());

    @AfterEach
    void noLeaks()
    {
        fx.close();
    }

    private void replace(final ArpConfig config)
    {
        fx.close();
        fx = started(config);
    }

    private static int host(final int i)
    {
        return ip(10, 0, 2, i);
    }

    private static long mac(final int i)
    {
        return 0x5254_0000_0200L + i;
    }

    @Test
    void fullCacheEvictsTheOldestEntry()
    {
        replace(quiet().withCacheCapacity(3));
        for (int i = 1; i <= 3; i++)
        {
            fx.request(mac(i), host(i), LOCAL_IP);
            fx.advance(SECOND);
        }
        fx.request(mac(1), host(1), ip(10, 0, 0, 200)); // confirms host 1 (merge): host 2 is now the oldest
        fx.advance(SECOND);
        assertEquals(3, fx.arp.cache().size());

        fx.request(mac(4), host(4), LOCAL_IP);

        assertEquals(3, fx.arp.cache().size());
        assertFalse(fx.arp.cache().contains(host(2)), "the oldest confirmation is evicted");
        assertTrue(fx.arp.cache().contains(host(1)));
        assertTrue(fx.arp.cache().contains(host(3)));
        assertEquals(mac(4), fx.arp.cache().macFor(host(4)));
        assertEquals(1, fx.arp.counters().get(ArpEvent.CACHE_EVICTIONS));
    }

    @Test
    void entriesWithParkedFramesAreNeverEvicted()
    {
        replace(quiet().withCacheCapacity(2));
        assertTrue(fx.enqueue(host(1), fx.claimFrame(1)));
        fx.advance(SECOND);
        fx.request(mac(2), host(2), LOCAL_IP);
        fx.advance(SECOND);

        assertTrue(fx.enqueue(host(3), fx.claimFrame(3)), "evicts the REACHABLE host 2, not INCOMPLETE host 1");
        assertEquals(ArpState.INCOMPLETE, fx.arp.cache().state(host(1)));
        assertFalse(fx.arp.cache().contains(host(2)));

        final int frame = fx.claimFrame(4);
        assertFalse(fx.enqueue(host(4), frame), "every slot resolving: refused");
        assertEquals(1, fx.arp.counters().get(ArpEvent.CACHE_FULL));
        assertTrue(fx.pool.isHeld(frame));
        fx.pool.release(frame);

        fx.request(mac(5), host(5), LOCAL_IP);
        assertFalse(fx.arp.cache().contains(host(5)), "no room to learn");
        assertArp(fx.wire.last(), mac(5), ArpPacket.OPERATION_REPLY, LOCAL_IP, mac(5), host(5));
        assertEquals(2, fx.arp.counters().get(ArpEvent.CACHE_FULL));
    }

    @Test
    void entryExpiresAfterTheReachableTime()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        fx.wire.take();
        fx.advance(60 * SECOND - 1);
        assertEquals(0, fx.poll());
        assertTrue(fx.arp.cache().contains(PEER_IP));

        fx.advance(1);
        assertEquals(MacAddress.NONE, fx.arp.lookup(PEER_IP, fx.now), "expired even before poll removes it");
        assertEquals(1, fx.poll());
        assertFalse(fx.arp.cache().contains(PEER_IP));
        assertEquals(1, fx.arp.counters().get(ArpEvent.CACHE_EXPIRIES));
        assertEquals(0, fx.wire.count(), "an unused entry just expires: no refresh");
    }

    @Test
    void entryUsedInTheRefreshWindowSendsOneUnicastRequest()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        fx.wire.take();

        fx.advance(55 * SECOND - 1);
        assertEquals(PEER_MAC, fx.arp.lookup(PEER_IP, fx.now));
        assertEquals(0, fx.wire.count(), "no refresh before the window");

        fx.advance(1);
        assertEquals(PEER_MAC, fx.arp.lookup(PEER_IP, fx.now), "still usable while refreshing");
        assertEquals(1, fx.wire.count());
        // RFC 1122 §2.3.2.1: unicast to the cached address.
        assertArp(fx.wire.last(), PEER_MAC, ArpPacket.OPERATION_REQUEST, LOCAL_IP, MacAddress.NONE, PEER_IP);
        assertEquals(ArpState.PROBE, fx.arp.cache().state(PEER_IP));
        assertEquals(1, fx.arp.counters().get(ArpEvent.REFRESH_REQUESTS_SENT));

        for (int i = 0; i < 4; i++)
        {
            fx.advance(SECOND);
            assertEquals(PEER_MAC, fx.arp.lookup(PEER_IP, fx.now));
        }
        assertEquals(1, fx.wire.count(), "one refresh request, not one per use");

        fx.advance(SECOND - 1); // 60 s - 1 ns after the confirmation: still usable
        assertEquals(PEER_MAC, fx.arp.lookup(PEER_IP, fx.now));
        fx.advance(1); // 60 s, the refresh unanswered: expired
        assertEquals(MacAddress.NONE, fx.arp.lookup(PEER_IP, fx.now));
        fx.poll();
        assertFalse(fx.arp.cache().contains(PEER_IP));
    }

    @Test
    void enqueueCountsAsUseForTheRefresh()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        fx.wire.take();
        fx.advance(57 * SECOND);
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(9)));
        final var sent = fx.wire.take();
        assertEquals(2, sent.size(), "the refresh request and the frame");
        assertArp(sent.get(0), PEER_MAC, ArpPacket.OPERATION_REQUEST, LOCAL_IP, MacAddress.NONE, PEER_IP);
        assertEquals(9, sent.get(1).tag());
        assertEquals(ArpState.PROBE, fx.arp.cache().state(PEER_IP));
    }

    @Test
    void answeredRefreshExtendsTheLifetime()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        fx.wire.take();
        fx.advance(56 * SECOND);
        fx.arp.lookup(PEER_IP, fx.now);
        assertEquals(1, fx.wire.take().size());

        fx.reply(PEER_MAC, PEER_IP, LOCAL_IP);
        assertEquals(ArpState.REACHABLE, fx.arp.cache().state(PEER_IP));
        assertEquals(0, fx.arp.drops().total(), "the answer to a refresh is solicited");

        fx.advance(59 * SECOND);
        fx.poll();
        assertEquals(PEER_MAC, fx.arp.cache().macFor(PEER_IP), "alive 115 s after it was first learned");
        assertEquals(PEER_MAC, fx.arp.lookup(PEER_IP, fx.now));
        assertEquals(1, fx.wire.count(), "the next refresh, in the next window");
    }

    @Test
    void pollIsCheapWhenNothingIsDue()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        for (int i = 0; i < 100; i++)
        {
            fx.advance(100 * MS);
            assertEquals(0, fx.poll());
        }
        assertTrue(fx.arp.cache().contains(PEER_IP));
    }

    @Test
    void entryForAnAddressThatBecomesOursIsDropped()
    {
        final int address = ip(10, 0, 0, 50);
        assertTrue(fx.enqueue(address, fx.claimFrame(1)));
        fx.arp.addLocalAddress(address, fx.now);
        assertFalse(fx.arp.cache().contains(address));
        assertEquals(1, fx.arp.counters().get(ArpEvent.UNRESOLVED_DROPS));
        assertEquals(0, fx.pool.outstanding());
    }

    @Test
    void cacheViewDescribesItsEntries()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        assertTrue(fx.enqueue(OTHER_IP, fx.claimFrame(1)));
        final String text = fx.arp.cache().toString();
        assertTrue(text.contains("10.0.0.2 REACHABLE 52:54:00:00:00:02"), text);
        assertTrue(text.contains("10.0.0.3 INCOMPLETE pending=1"), text);
        assertEquals(512, fx.arp.cache().capacity());
        assertNull(fx.arp.cache().state(ip(10, 9, 9, 9)));
        assertEquals(MacAddress.NONE, fx.arp.cache().macFor(OTHER_IP), "not known while INCOMPLETE");
    }
}
