package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import static io.ringstack.ethernet.arp.ArpFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Steady state allocates nothing, measured with the thread's allocation counter. Two resolvers run side by side:
 * <ul>
 * <li>{@code churn} (defaults): lookup hits, requests for us answered, requests for others dropped, and full
 *     resolutions (enqueue, broadcast request, reply, parked frame sent) over more next hops than its 512 entries,
 *     so that it evicts all the time;</li>
 * <li>{@code aging} (100 ms lifetime, 40 ms refresh window): a few next hops used continually, so entries are
 *     refreshed (every other refresh answered), expire, are aged out by poll and resolved again.</li>
 * </ul>
 */
class ArpZeroAllocationTest
{
    private static final int CHURN_HOSTS = 700;
    private static final int AGING_HOSTS = 50;

    private final UnsafeBuffer rx = new UnsafeBuffer(new byte[128]);
    private final EthernetFrame frame = new EthernetFrame();
    private final ArpPacket packet = new ArpPacket();
    private PacketBufferPool pool;
    private ArpResolver churn;
    private ArpResolver aging;
    private long now = 5 * SECOND;
    private long transmitted;
    private long lookupHits;

    private boolean transmit(final int handle, final int frameOffset, final int frameLength)
    {
        transmitted++;
        pool.release(handle);
        return true;
    }

    @Test
    void steadyStateAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        try (PacketBufferPool buffers = PacketBufferPool.allocate("arp-zero", 2048, 64))
        {
            pool = buffers;
            churn = new ArpResolver(ArpConfig.defaults(), LOCAL_MAC, pool, this::transmit);
            aging = new ArpResolver(ArpConfig.defaults().withCacheCapacity(64).withRefreshWindow(Duration.ofMillis(40))
                .withReachableTime(Duration.ofMillis(100)), LOCAL_MAC, pool, this::transmit);
            churn.addLocalAddress(LOCAL_IP, now);
            aging.addLocalAddress(LOCAL_IP, now);

            run(30_000); // warm-up: let the JIT settle
            final long sentBefore = transmitted;
            final long hitsBefore = lookupHits;
            final long evictionsBefore = churn.counters().get(ArpEvent.CACHE_EVICTIONS);
            final long refreshesBefore = aging.counters().get(ArpEvent.REFRESH_REQUESTS_SENT);
            final long expiriesBefore = aging.counters().get(ArpEvent.CACHE_EXPIRIES);
            final long before = threads.getCurrentThreadAllocatedBytes();
            run(100_000);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertEquals(0, allocated, "bytes allocated over 100,000 iterations");
            assertTrue(lookupHits - hitsBefore >= 4 * 100_000, "lookups hit: " + (lookupHits - hitsBefore));
            assertTrue(transmitted - sentBefore > 2 * 100_000, "frames sent: " + (transmitted - sentBefore));
            assertTrue(churn.counters().get(ArpEvent.CACHE_EVICTIONS) - evictionsBefore > 50_000, "evictions ran");
            assertTrue(aging.counters().get(ArpEvent.REFRESH_REQUESTS_SENT) - refreshesBefore > 1_000, "refreshes");
            assertTrue(aging.counters().get(ArpEvent.CACHE_EXPIRIES) - expiriesBefore > 1_000, "expiries");
            assertTrue(churn.drops().get(ArpDrop.NOT_FOR_US) >= 130_000);
            assertEquals(0, churn.drops().total() - churn.drops().get(ArpDrop.NOT_FOR_US), churn.drops().toString());
            assertEquals(0, aging.drops().total(), aging.drops().toString());
            churn.close();
            aging.close();
            assertEquals(0, pool.outstanding());
        }
    }

    private void run(final int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            now += 100_000; // 0.1 ms
            receive(churn, ArpPacket.OPERATION_REQUEST, PEER_MAC, PEER_IP, LOCAL_IP);
            for (int n = 0; n < 4; n++)
            {
                if (churn.lookup(PEER_IP, now) == PEER_MAC)
                {
                    lookupHits++;
                }
            }
            receive(churn, ArpPacket.OPERATION_REQUEST, OTHER_MAC, OTHER_IP, ip(10, 0, 0, 200));
            use(churn, ip(10, 1, 0, 0) + (i % CHURN_HOSTS), 0x5254_0001_0000L + (i % CHURN_HOSTS));
            churn.poll(now);

            final int host = ip(10, 2, 0, 0) + (i % AGING_HOSTS);
            final long hostMac = 0x5254_0002_0000L + (i % AGING_HOSTS);
            aging.poll(now); // before use: an entry expiring now is aged out by poll, then resolved again
            final long refreshes = aging.counters().get(ArpEvent.REFRESH_REQUESTS_SENT);
            use(aging, host, hostMac);
            if (aging.counters().get(ArpEvent.REFRESH_REQUESTS_SENT) != refreshes && (refreshes & 1) == 0)
            {
                receive(aging, ArpPacket.OPERATION_REPLY, hostMac, host, LOCAL_IP);
            }
        }
    }

    /** Sends a frame to {@code host}: straight away on a hit, else parked and resolved by the host's reply. */
    private void use(final ArpResolver arp, final int host, final long hostMac)
    {
        final long mac = arp.lookup(host, now);
        if (mac == hostMac)
        {
            lookupHits++;
            return;
        }
        assertEquals(MacAddress.NONE, mac);
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        EthernetFrame.writeHeader(pool.memory(), pool.offset(handle), MacAddress.NONE, LOCAL_MAC, EtherType.IPV4);
        if (!arp.enqueue(host, handle, pool.offset(handle), 60, now))
        {
            fail("enqueue refused: " + arp.counters());
        }
        receive(arp, ArpPacket.OPERATION_REPLY, hostMac, host, LOCAL_IP);
    }

    private void receive(
        final ArpResolver arp, final int operation, final long senderMac, final int sender, final int target)
    {
        final int header = EthernetFrame.writeHeader(rx, 0, MacAddress.BROADCAST, senderMac, EtherType.ARP);
        ArpPacket.write(rx, header, operation, senderMac, sender, MacAddress.NONE, target);
        frame.wrap(rx, 0, EthernetFrame.MIN_FRAME_LENGTH);
        packet.wrap(rx, frame.payloadOffset(), frame.payloadLength());
        arp.onArp(frame, packet, now);
    }
}
