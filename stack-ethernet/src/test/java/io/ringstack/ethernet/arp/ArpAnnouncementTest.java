package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.PacketBufferPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;

import static io.ringstack.ethernet.arp.ArpFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** RFC 5227: announcing our addresses (§2.3) and detecting and defending conflicts (§2.4). */
class ArpAnnouncementTest
{
    private static final long INTRUDER_MAC = 0x5254_0000_0666L;

    private final ArpFixture fx = new ArpFixture(ArpConfig.defaults());
    private final CapturingLogger log = new CapturingLogger();
    private final ArpResolver arp = new ArpResolver(ArpConfig.defaults(), LOCAL_MAC, fx.pool, fx.wire, log);

    @AfterEach
    void noLeaks()
    {
        arp.close();
        fx.close();
    }

    /** Another station claims LOCAL_IP; delivered to {@link #arp} (the fixture's own resolver stays idle). */
    private void conflict(final int operation)
    {
        final int header = io.ringstack.ethernet.wire.EthernetFrame.writeHeader(
            fx.rx, 0, MacAddress.BROADCAST, INTRUDER_MAC, io.ringstack.ethernet.wire.EtherType.ARP);
        ArpPacket.write(fx.rx, header, operation, INTRUDER_MAC, LOCAL_IP, MacAddress.NONE, ip(10, 0, 0, 77));
        assertTrue(fx.frame.wrap(fx.rx, 0, 60));
        assertTrue(fx.packet.wrap(fx.rx, fx.frame.payloadOffset(), fx.frame.payloadLength()));
        arp.onArp(fx.frame, fx.packet, fx.now);
    }

    @Test
    void addressComingUpIsAnnouncedTwiceTwoSecondsApart()
    {
        arp.addLocalAddress(LOCAL_IP, fx.now);

        assertEquals(1, fx.wire.count(), "the first announcement at once");
        // RFC 5227 §2.3: a broadcast request with our address as sender and target, target hardware all zeros.
        assertArp(fx.wire.last(), MacAddress.BROADCAST, ArpPacket.OPERATION_REQUEST, LOCAL_IP, MacAddress.NONE,
            LOCAL_IP);
        assertEquals(1, arp.counters().get(ArpEvent.GRATUITOUS_SENT));

        fx.advance(2 * Duration.ofSeconds(1).toNanos() - 1);
        assertEquals(0, arp.poll(fx.now));
        assertEquals(1, fx.wire.count());
        fx.advance(1);
        assertEquals(1, arp.poll(fx.now));
        assertEquals(2, fx.wire.count(), "ANNOUNCE_NUM = 2, ANNOUNCE_INTERVAL = 2 s");
        assertArp(fx.wire.last(), MacAddress.BROADCAST, ArpPacket.OPERATION_REQUEST, LOCAL_IP, 0, LOCAL_IP);

        fx.advance(60 * SECOND);
        arp.poll(fx.now);
        assertEquals(2, fx.wire.count(), "no more");
        assertEquals(2, arp.counters().get(ArpEvent.GRATUITOUS_SENT));
    }

    @Test
    void singleAnnouncementWhenConfigured()
    {
        try (ArpResolver one = new ArpResolver(
            ArpConfig.defaults().withAnnouncements(1, Duration.ofSeconds(2)), LOCAL_MAC, fx.pool, fx.wire, log))
        {
            one.addLocalAddress(LOCAL_IP, fx.now);
            fx.advance(10 * SECOND);
            one.poll(fx.now);
            assertEquals(1, fx.wire.count());
        }
    }

    @Test
    void conflictIsCountedAndDefendedAtMostOncePerInterval()
    {
        arp.addLocalAddress(LOCAL_IP, fx.now);
        fx.advance(3 * SECOND);
        arp.poll(fx.now);
        fx.wire.take();

        conflict(ArpPacket.OPERATION_REQUEST);

        assertEquals(1, arp.drops().get(ArpDrop.ADDRESS_CONFLICT));
        assertEquals(1, arp.counters().get(ArpEvent.CONFLICTS));
        assertEquals(1, fx.wire.count(), "defended");
        assertArp(fx.wire.last(), MacAddress.BROADCAST, ArpPacket.OPERATION_REQUEST, LOCAL_IP, 0, LOCAL_IP);
        assertFalse(arp.cache().contains(LOCAL_IP), "our address is never cached");

        for (int i = 0; i < 9; i++)
        {
            fx.advance(SECOND - 1); // up to 9 s later: within DEFEND_INTERVAL (10 s)
            conflict(i % 2 == 0 ? ArpPacket.OPERATION_REPLY : ArpPacket.OPERATION_REQUEST);
        }
        assertEquals(10, arp.drops().get(ArpDrop.ADDRESS_CONFLICT), "every conflicting packet counted");
        assertEquals(1, fx.wire.count(), "no second defence within the interval");
        assertEquals(1, arp.counters().get(ArpEvent.CONFLICT_DEFENCES));

        fx.advance(10 * SECOND - 9 * (SECOND - 1));
        conflict(ArpPacket.OPERATION_REQUEST);
        assertEquals(2, fx.wire.count(), "defended again once the interval has passed");
        assertEquals(2, arp.counters().get(ArpEvent.CONFLICT_DEFENCES));
        assertEquals(11, arp.counters().get(ArpEvent.CONFLICTS));
        assertEquals(4, arp.counters().get(ArpEvent.GRATUITOUS_SENT), "two announcements, two defences");
    }

    @Test
    void conflictsAreLoggedRateLimitedWithACount()
    {
        arp.addLocalAddress(LOCAL_IP, fx.now);
        for (int i = 0; i < 50; i++)
        {
            conflict(ArpPacket.OPERATION_REQUEST);
            fx.advance(100 * MS);
        }
        assertEquals(1, log.messages.size(), "one report for 50 packets in 5 s: " + log.messages);
        assertTrue(log.messages.get(0).contains("10.0.0.1"), log.messages.get(0));
        assertTrue(log.messages.get(0).contains("52:54:00:00:06:66"), log.messages.get(0));

        fx.advance(5 * SECOND); // 10 s after the first report
        conflict(ArpPacket.OPERATION_REQUEST);
        assertEquals(2, log.messages.size());
        assertTrue(log.messages.get(1).contains("50 conflicting"), "counts the packets since: " + log.messages.get(1));
        assertEquals(51, arp.drops().get(ArpDrop.ADDRESS_CONFLICT));
    }

    @Test
    void conflictOnAnAddressWeDoNotOwnIsNoConflict()
    {
        arp.addLocalAddress(LOCAL_IP, fx.now);
        fx.wire.take();
        final int header = io.ringstack.ethernet.wire.EthernetFrame.writeHeader(
            fx.rx, 0, MacAddress.BROADCAST, INTRUDER_MAC, io.ringstack.ethernet.wire.EtherType.ARP);
        ArpPacket.write(fx.rx, header, ArpPacket.OPERATION_REQUEST, INTRUDER_MAC, PEER_IP, 0, PEER_IP);
        assertTrue(fx.frame.wrap(fx.rx, 0, 60));
        assertTrue(fx.packet.wrap(fx.rx, fx.frame.payloadOffset(), fx.frame.payloadLength()));
        arp.onArp(fx.frame, fx.packet, fx.now);
        assertEquals(0, arp.drops().get(ArpDrop.ADDRESS_CONFLICT));
        assertEquals(0, fx.wire.count());
        assertTrue(log.messages.isEmpty());
    }

    @Test
    void announcementWithoutABufferIsCounted()
    {
        try (PacketBufferPool tiny = PacketBufferPool.allocate("arp-tiny", 2048, 1);
             ArpResolver starved = new ArpResolver(
                 ArpConfig.defaults(), LOCAL_MAC, tiny, new CapturingTransmitter(tiny), log))
        {
            final int held = tiny.claim(io.ringstack.nic.memory.BufferHolder.STACK);
            starved.addLocalAddress(LOCAL_IP, fx.now);
            assertEquals(1, starved.counters().get(ArpEvent.NO_BUFFER));
            assertEquals(0, starved.counters().get(ArpEvent.GRATUITOUS_SENT));
            tiny.release(held);
            fx.advance(2 * SECOND);
            starved.poll(fx.now);
            assertEquals(1, starved.counters().get(ArpEvent.GRATUITOUS_SENT), "the second one goes out");
            assertEquals(0, tiny.outstanding());
        }
    }

    @Test
    void tooManyLocalAddressesAreRefused()
    {
        for (int i = 0; i < ArpResolver.MAX_LOCAL_ADDRESSES; i++)
        {
            arp.addLocalAddress(ip(10, 1, 0, i + 1), fx.now);
        }
        arp.addLocalAddress(ip(10, 1, 0, 1), fx.now); // again: fine, announced again
        final IllegalStateException full = assertThrows(IllegalStateException.class,
            () -> arp.addLocalAddress(ip(10, 2, 0, 1), fx.now));
        assertTrue(full.getMessage().contains("remove one"), full.getMessage());
        arp.removeLocalAddress(ip(10, 1, 0, 5));
        arp.addLocalAddress(ip(10, 2, 0, 1), fx.now);
        assertTrue(arp.isLocalAddress(ip(10, 2, 0, 1)));
        assertFalse(arp.isLocalAddress(ip(10, 1, 0, 5)));
        assertTrue(arp.isLocalAddress(ip(10, 1, 0, 16)), "the last address kept when another was removed");
    }

    /** Collects the messages logged at WARNING or above. */
    static final class CapturingLogger implements System.Logger
    {
        final List<String> messages = new ArrayList<>();

        @Override
        public String getName()
        {
            return "capture";
        }

        @Override
        public boolean isLoggable(final Level level)
        {
            return level.getSeverity() >= Level.WARNING.getSeverity();
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String msg, final Throwable thrown)
        {
            messages.add(msg);
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String format, final Object... params)
        {
            messages.add(java.text.MessageFormat.format(format, params));
        }

        @Override
        public void log(final Level level, final Supplier<String> msgSupplier)
        {
            messages.add(msgSupplier.get());
        }
    }
}
