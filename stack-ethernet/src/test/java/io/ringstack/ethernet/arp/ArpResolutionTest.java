package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.nic.e1000.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.ringstack.ethernet.arp.ArpFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** Resolving next hops: parked frames, the broadcast request, retries, giving up, the negative cache, limits. */
class ArpResolutionTest
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

    @Test
    void threeParkedFramesGoOutInOrderWhenTheReplyArrives()
    {
        assertEquals(MacAddress.NONE, fx.arp.lookup(PEER_IP, fx.now));
        for (int tag = 1; tag <= 3; tag++)
        {
            assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(tag)));
        }

        assertEquals(1, fx.wire.count(), "one broadcast request, not one per frame");
        assertArp(fx.wire.last(), MacAddress.BROADCAST, ArpPacket.OPERATION_REQUEST, LOCAL_IP, MacAddress.NONE,
            PEER_IP);
        assertEquals(ArpState.INCOMPLETE, fx.arp.cache().state(PEER_IP));
        assertEquals(3, fx.arp.cache().pendingFrames(PEER_IP));
        assertEquals(3, fx.pool.outstanding(), "ARP holds the three frames");
        assertEquals(MacAddress.NONE, fx.arp.lookup(PEER_IP, fx.now), "not usable while INCOMPLETE");
        fx.wire.take();

        fx.advance(300 * MS);
        fx.reply(PEER_MAC, PEER_IP, LOCAL_IP);

        final List<Captured> sent = fx.wire.take();
        assertEquals(3, sent.size());
        for (int i = 0; i < 3; i++)
        {
            assertEquals(i + 1, sent.get(i).tag(), "arrival order");
            assertEquals(PEER_MAC, sent.get(i).destination(), "destination MAC written");
            assertEquals(LOCAL_MAC, sent.get(i).ethernet().source(), "the rest of the header untouched");
            assertEquals(EtherType.IPV4, sent.get(i).ethernet().etherType());
        }
        assertEquals(ArpState.REACHABLE, fx.arp.cache().state(PEER_IP));
        assertEquals(PEER_MAC, fx.arp.lookup(PEER_IP, fx.now));
        assertEquals(0, fx.arp.cache().pendingFrames());
        assertEquals(1, fx.arp.counters().get(ArpEvent.RESOLVED));
        assertEquals(3, fx.arp.counters().get(ArpEvent.FRAMES_RELEASED_ON_RESOLUTION));
        assertEquals(0, fx.pool.outstanding());
        assertEquals(0, fx.arp.drops().total(), "a solicited reply is no drop");
    }

    @Test
    void aRequestFromTheNextHopResolvesItToo()
    {
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(7)));
        fx.wire.take();

        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);

        final List<Captured> sent = fx.wire.take();
        assertEquals(2, sent.size(), "the parked frame and our reply");
        assertEquals(7, sent.get(0).tag());
        assertEquals(PEER_MAC, sent.get(0).destination());
        assertArp(sent.get(1), PEER_MAC, ArpPacket.OPERATION_REPLY, LOCAL_IP, PEER_MAC, PEER_IP);
    }

    @Test
    void retriesEverySecondThenGivesUpReleasingTheFrames()
    {
        for (int tag = 1; tag <= 3; tag++)
        {
            assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(tag)));
        }
        assertEquals(1, fx.wire.take().size(), "request 1 at once");

        fx.advance(SECOND - 1);
        assertEquals(0, fx.poll(), "nothing before the retry interval");
        assertEquals(0, fx.wire.count());

        fx.advance(1);
        assertEquals(1, fx.poll());
        assertEquals(1, fx.wire.count(), "request 2 after 1 s");
        assertArp(fx.wire.take().get(0), MacAddress.BROADCAST, ArpPacket.OPERATION_REQUEST, LOCAL_IP, 0, PEER_IP);

        fx.advance(SECOND);
        fx.poll();
        assertEquals(1, fx.wire.take().size(), "request 3 after 2 s");
        assertEquals(3, fx.arp.counters().get(ArpEvent.REQUESTS_SENT));
        assertEquals(3, fx.pool.outstanding(), "still waiting for an answer to request 3");

        fx.advance(SECOND);
        assertEquals(4, fx.poll(), "gave up: the entry plus three released frames");
        assertEquals(0, fx.wire.count(), "no fourth request");
        assertEquals(0, fx.pool.outstanding(), "parked buffers released");
        assertEquals(3, fx.arp.counters().get(ArpEvent.UNRESOLVED_DROPS));
        assertEquals(1, fx.arp.counters().get(ArpEvent.RESOLUTION_FAILURES));
        assertEquals(ArpState.FAILED, fx.arp.cache().state(PEER_IP));
        assertEquals(3, fx.arp.counters().get(ArpEvent.REQUESTS_SENT));
    }

    @Test
    void negativeCacheFailsFastThenResolutionStartsAgain()
    {
        final int first = fx.claimFrame(1);
        assertTrue(fx.enqueue(PEER_IP, first));
        for (int i = 0; i < 3; i++)
        {
            fx.advance(SECOND);
            fx.poll();
        }
        assertEquals(ArpState.FAILED, fx.arp.cache().state(PEER_IP));
        fx.wire.take();

        final int frame = fx.claimFrame(2);
        fx.advance(SECOND - 1);
        assertEquals(MacAddress.NONE, fx.arp.lookup(PEER_IP, fx.now));
        assertFalse(fx.enqueue(PEER_IP, frame), "negatively cached: refused at once");
        assertEquals(1, fx.arp.counters().get(ArpEvent.NEGATIVE_CACHE_REFUSALS));
        assertEquals(0, fx.wire.count(), "no request while negatively cached");
        assertTrue(fx.pool.isHeld(frame), "the caller still owns the refused frame");

        fx.advance(1);
        fx.poll();
        assertFalse(fx.arp.cache().contains(PEER_IP), "the negative entry aged out");
        assertEquals(1, fx.arp.counters().get(ArpEvent.CACHE_EXPIRIES));
        assertTrue(fx.enqueue(PEER_IP, frame), "a new resolution after the negative-cache time");
        assertEquals(1, fx.wire.count());
        assertEquals(ArpState.INCOMPLETE, fx.arp.cache().state(PEER_IP));
    }

    @Test
    void negativeCacheExpiryIsHonouredBeforePollRuns()
    {
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(1)));
        for (int i = 0; i < 3; i++)
        {
            fx.advance(SECOND);
            fx.poll();
        }
        fx.wire.take();
        fx.advance(SECOND); // the negative time is over, but nobody polled
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(2)));
        assertEquals(1, fx.wire.count(), "resolution started again");
    }

    @Test
    void aReplyForAFailedEntryRevivesIt()
    {
        assertTrue(fx.arp.sendRequest(PEER_IP, fx.now));
        for (int i = 0; i < 3; i++)
        {
            fx.advance(SECOND);
            fx.poll();
        }
        assertEquals(ArpState.FAILED, fx.arp.cache().state(PEER_IP));
        fx.reply(PEER_MAC, PEER_IP, LOCAL_IP); // late answer: merged (RFC 826), the host is there after all
        assertEquals(PEER_MAC, fx.arp.lookup(PEER_IP, fx.now));
    }

    @Test
    void zeroNegativeCacheTimeForgetsTheFailureAtOnce()
    {
        replace(quiet().withNegativeCacheTime(Duration.ZERO));
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(1)));
        for (int i = 0; i < 3; i++)
        {
            fx.advance(SECOND);
            fx.poll();
        }
        assertFalse(fx.arp.cache().contains(PEER_IP));
        assertEquals(0, fx.pool.outstanding());
    }

    @Test
    void perDestinationLimitRefusesTheNinthFrame()
    {
        final int[] handles = new int[9];
        for (int i = 0; i < 9; i++)
        {
            handles[i] = fx.claimFrame(i);
        }
        for (int i = 0; i < 8; i++)
        {
            assertTrue(fx.enqueue(PEER_IP, handles[i]), "frame " + i);
        }
        assertFalse(fx.enqueue(PEER_IP, handles[8]), "9th frame over the default limit of 8");
        assertEquals(1, fx.arp.counters().get(ArpEvent.QUEUE_LIMIT_REFUSALS));
        assertTrue(fx.enqueue(OTHER_IP, handles[8]), "another destination has its own queue");
        assertEquals(8, fx.arp.cache().pendingFrames(PEER_IP));
        assertEquals(1, fx.arp.cache().pendingFrames(OTHER_IP));

        fx.reply(PEER_MAC, PEER_IP, LOCAL_IP);
        fx.reply(OTHER_MAC, OTHER_IP, LOCAL_IP);
        assertEquals(0, fx.arp.cache().pendingFrames());
    }

    @Test
    void globalLimitRefusesFramesForEveryDestination()
    {
        replace(quiet().withPendingLimits(2, 3));
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(1)));
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(2)));
        final int third = fx.claimFrame(3);
        assertFalse(fx.enqueue(PEER_IP, third), "per destination");
        assertTrue(fx.enqueue(OTHER_IP, third));
        final int fourth = fx.claimFrame(4);
        final int newHop = ip(10, 0, 0, 9);
        assertFalse(fx.enqueue(OTHER_IP, fourth), "global limit (3) reached");
        assertFalse(fx.enqueue(newHop, fourth), "global limit reached: not even a new destination");
        assertFalse(fx.arp.cache().contains(newHop), "no entry made for a refused frame");
        assertEquals(3, fx.arp.counters().get(ArpEvent.QUEUE_LIMIT_REFUSALS));
        assertEquals(2, fx.wire.count(), "one request per destination that got a frame");

        fx.reply(PEER_MAC, PEER_IP, LOCAL_IP); // frees two places
        assertTrue(fx.enqueue(newHop, fourth));
        assertEquals(2, fx.arp.cache().pendingFrames());
    }

    @Test
    void enqueueForAResolvedNextHopTransmitsAtOnce()
    {
        fx.request(PEER_MAC, PEER_IP, LOCAL_IP);
        fx.wire.take();
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(5)));
        assertEquals(1, fx.wire.count());
        assertEquals(5, fx.wire.last().tag());
        assertEquals(PEER_MAC, fx.wire.last().destination());
    }

    @Test
    void parkedFramesTheTransmitterRefusesAreReleasedAndCounted()
    {
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(1)));
        assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(2)));
        fx.wire.accept = false;
        fx.reply(PEER_MAC, PEER_IP, LOCAL_IP);
        assertEquals(2, fx.arp.counters().get(ArpEvent.TRANSMIT_REFUSED));
        assertEquals(0, fx.pool.outstanding());
    }

    @Test
    void sendRequestBroadcastsAndCachesTheAnswer()
    {
        assertTrue(fx.arp.sendRequest(OTHER_IP, fx.now));
        assertArp(fx.wire.last(), MacAddress.BROADCAST, ArpPacket.OPERATION_REQUEST, LOCAL_IP, 0, OTHER_IP);
        assertEquals(ArpState.INCOMPLETE, fx.arp.cache().state(OTHER_IP));
        fx.reply(OTHER_MAC, OTHER_IP, LOCAL_IP);
        assertEquals(OTHER_MAC, fx.arp.lookup(OTHER_IP, fx.now));
        assertEquals(0, fx.arp.drops().total());

        assertTrue(fx.arp.sendRequest(OTHER_IP, fx.now), "again, for a resolved address");
        assertEquals(ArpState.REACHABLE, fx.arp.cache().state(OTHER_IP), "a resolved entry stays usable");
        assertEquals(2, fx.arp.counters().get(ArpEvent.REQUESTS_SENT));
    }

    @Test
    void withoutALocalAddressRequestsComeFromTheUnspecifiedAddress()
    {
        fx.arp.removeLocalAddress(LOCAL_IP);
        assertTrue(fx.arp.sendRequest(PEER_IP, fx.now));
        assertArp(fx.wire.last(), MacAddress.BROADCAST, ArpPacket.OPERATION_REQUEST, 0, 0, PEER_IP);
    }

    @Test
    void misuseIsRefusedWithAClearMessage()
    {
        final int handle = fx.claimFrame(1);
        final int offset = fx.pool.offset(handle);
        final IllegalArgumentException multicast = assertThrows(IllegalArgumentException.class,
            () -> fx.arp.enqueue(ip(224, 0, 0, 5), handle, offset, 60, fx.now));
        assertTrue(multicast.getMessage().contains("224.0.0.5"), multicast.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> fx.arp.enqueue(ip(255, 255, 255, 255), handle, offset, 60, fx.now));
        final IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
            () -> fx.arp.enqueue(LOCAL_IP, handle, offset, 60, fx.now));
        assertTrue(own.getMessage().contains("locally"), own.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> fx.arp.enqueue(PEER_IP, handle, offset + 2000, 60, fx.now), "outside the buffer");
        assertThrows(IllegalArgumentException.class,
            () -> fx.arp.enqueue(PEER_IP, handle, offset, 10, fx.now), "shorter than an Ethernet header");
        final int notHeld = (handle + 1) % fx.pool.capacity();
        assertThrows(IllegalArgumentException.class,
            () -> fx.arp.enqueue(PEER_IP, notHeld, fx.pool.offset(notHeld), 60, fx.now), "a buffer nobody holds");
        assertThrows(IllegalArgumentException.class, () -> fx.arp.addLocalAddress(ip(127, 0, 0, 1), fx.now));
        assertThrows(IllegalArgumentException.class, () -> fx.arp.sendRequest(0, fx.now));
        assertEquals(0, fx.wire.count());
        assertEquals(0, fx.arp.cache().size());
        fx.pool.release(handle);
    }

    @Test
    void constructorRefusesAGroupOrMissingMac()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new ArpResolver(ArpConfig.defaults(), MacAddress.BROADCAST, fx.pool, fx.wire));
        assertThrows(IllegalArgumentException.class,
            () -> new ArpResolver(ArpConfig.defaults(), MacAddress.NONE, fx.pool, fx.wire));
        assertThrows(NullPointerException.class, () -> new ArpResolver(null, LOCAL_MAC, fx.pool, fx.wire));
    }

    @Test
    void closeReleasesEveryParkedBuffer()
    {
        for (int i = 0; i < 5; i++)
        {
            assertTrue(fx.enqueue(PEER_IP, fx.claimFrame(i)));
            assertTrue(fx.enqueue(ip(10, 0, 1, i + 1), fx.claimFrame(i)));
        }
        assertEquals(10, fx.pool.outstanding());
        fx.arp.close();
        assertEquals(0, fx.pool.outstanding());
        assertEquals(10, fx.arp.counters().get(ArpEvent.UNRESOLVED_DROPS));
        final int handle = fx.claimFrame(1);
        assertThrows(IllegalStateException.class, () -> fx.enqueue(PEER_IP, handle));
        assertEquals(0, fx.poll());
        fx.reply(PEER_MAC, PEER_IP, LOCAL_IP); // ignored, no throw
        assertEquals(6, fx.wire.count(), "only the requests sent before close: PEER_IP and five others");
        fx.pool.release(handle);
    }
}
