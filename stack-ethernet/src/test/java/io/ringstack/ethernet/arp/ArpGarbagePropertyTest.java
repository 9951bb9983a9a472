package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteOrder;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static io.ringstack.ethernet.arp.ArpFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeded random garbage and random-but-plausible ARP packets (group and zero MACs, our own addresses, absurd
 * protocol addresses, corrupted fields), interleaved with enqueues, lookups, requests, address changes, a
 * transmitter that sometimes refuses and random time steps. After every step: nothing threw, every buffer the
 * pool lent out is a frame parked in the cache, the cache is within its capacity and holds no address of ours and
 * no group MAC. At the end close() returns every buffer. The seed is in the test name and every failure message.
 */
class ArpGarbagePropertyTest
{
    private static final int STEPS = 3000;
    private static final int SECOND_ADDRESS = ip(10, 0, 0, 100);

    static LongStream seeds()
    {
        return LongStream.range(0, 40).map(i -> 0x2545_F491_4F6C_DD1DL * (i + 1));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void garbageNeverThrowsLeaksOrCorruptsTheCache(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final ArpConfig config = ArpConfig.defaults()
            .withCacheCapacity(1 + random.nextInt(12))
            .withPendingLimits(1 + random.nextInt(3), 3 + random.nextInt(10))
            .withRetries(1 + random.nextInt(3), Duration.ofMillis(200 + random.nextInt(1000)))
            .withNegativeCacheTime(Duration.ofMillis(random.nextInt(2000)))
            .withRefreshWindow(Duration.ofSeconds(random.nextInt(5)))
            .withReachableTime(Duration.ofSeconds(5 + random.nextInt(20)))
            .withDefendInterval(Duration.ofSeconds(random.nextInt(10)))
            .withVlanId(random.nextBoolean() ? -1 : random.nextInt(4095));
        final String where = "seed " + seed + " (" + config + ")";
        try (PacketBufferPool pool = PacketBufferPool.allocate("arp-garbage", 2048, 48,
            io.ringstack.nic.memory.DmaAddressing.IDENTITY, true))
        {
            final ChaoticTransmitter wire = new ChaoticTransmitter(pool, random);
            final ArpResolver arp = new ArpResolver(config, LOCAL_MAC, pool, wire);
            final Run run = new Run(random, pool, arp);
            int step = 0;
            try
            {
                arp.addLocalAddress(LOCAL_IP, run.now);
                for (; step < STEPS; step++)
                {
                    run.step();
                    run.checkInvariants();
                }
                arp.close();
                assertEquals(0, pool.outstanding(), "leaked: " + pool.describeOutstanding(10));
                assertEquals(0, pool.misuses());
                assertTrue(arp.drops().total() > 0, "the garbage was seen and dropped");
                assertTrue(wire.sent > 0, "and some of it was answered");
                assertTrue(arp.counters().get(ArpEvent.RESOLVED) > 0, "some resolutions succeeded");
                final ArpCounters counters = arp.counters();
                assertEquals(counters.get(ArpEvent.FRAMES_QUEUED),
                    counters.get(ArpEvent.FRAMES_RELEASED_ON_RESOLUTION) + counters.get(ArpEvent.UNRESOLVED_DROPS),
                    "every parked frame was either sent on resolution or released unsent: " + counters);
            }
            catch (final Throwable failure)
            {
                throw new AssertionError(where + ", step " + step + ": " + failure, failure);
            }
        }
    }

    private static final class Run
    {
        private final SplittableRandom random;
        private final PacketBufferPool pool;
        private final ArpResolver arp;
        private final UnsafeBuffer rx = new UnsafeBuffer(new byte[256]);
        private final EthernetFrame frame = new EthernetFrame();
        private final ArpPacket packet = new ArpPacket();
        long now = 77 * SECOND;

        Run(final SplittableRandom random, final PacketBufferPool pool, final ArpResolver arp)
        {
            this.random = random;
            this.pool = pool;
            this.arp = arp;
        }

        void step()
        {
            final int action = random.nextInt(100);
            if (action < 30)
            {
                garbage();
            }
            else if (action < 65)
            {
                plausibleArp();
            }
            else if (action < 80)
            {
                enqueue();
            }
            else if (action < 86)
            {
                final long mac = arp.lookup(host(), now);
                assertFalse(MacAddress.isGroup(mac), "lookup returned a group MAC");
            }
            else if (action < 90)
            {
                arp.sendRequest(host(), now);
            }
            else if (action < 93)
            {
                if (random.nextBoolean())
                {
                    arp.addLocalAddress(SECOND_ADDRESS, now);
                }
                else
                {
                    arp.removeLocalAddress(SECOND_ADDRESS);
                }
            }
            else
            {
                now += random.nextLong(3 * SECOND);
                arp.poll(now);
            }
        }

        /** Random bytes, Ethernet-framed as ARP half of the time; whatever wraps (or not) goes to onArp. */
        private void garbage()
        {
            final int length = random.nextInt(100);
            for (int i = 0; i < length; i++)
            {
                rx.putByte(i, (byte)random.nextInt(256));
            }
            if (length >= 14 && random.nextBoolean())
            {
                rx.putShort(12, (short)EtherType.ARP, ByteOrder.BIG_ENDIAN);
            }
            if (frame.wrap(rx, 0, length))
            {
                packet.wrap(rx, frame.payloadOffset(), frame.payloadLength());
            }
            else
            {
                packet.wrap(rx, 0, length);
            }
            arp.onArp(frame, packet, now);
        }

        /** A well-formed packet with fields drawn from the interesting values, sometimes with one byte corrupted. */
        private void plausibleArp()
        {
            final int operation = random.nextInt(10) == 0 ? random.nextInt(5) : 1 + random.nextInt(2);
            final long senderMac = mac();
            final int header = EthernetFrame.writeHeader(rx, 0, random.nextBoolean() ? MacAddress.BROADCAST : LOCAL_MAC,
                senderMac, EtherType.ARP);
            ArpPacket.write(rx, header, operation, senderMac, address(), mac(), address());
            int length = header + ArpPacket.LENGTH;
            if (random.nextInt(8) == 0)
            {
                rx.putByte(header + random.nextInt(ArpPacket.LENGTH), (byte)random.nextInt(256));
            }
            if (random.nextInt(8) == 0)
            {
                length = header + random.nextInt(ArpPacket.LENGTH);
            }
            assertTrue(frame.wrap(rx, 0, length));
            packet.wrap(rx, frame.payloadOffset(), frame.payloadLength());
            arp.onArp(frame, packet, now);
        }

        private void enqueue()
        {
            final int handle = pool.claim(BufferHolder.TX_BUILD);
            if (handle == PacketBufferPool.NO_BUFFER)
            {
                return;
            }
            final int offset = pool.offset(handle);
            EthernetFrame.writeHeader(pool.memory(), offset, MacAddress.NONE, LOCAL_MAC, EtherType.IPV4);
            final int length = 14 + random.nextInt(1500);
            if (!arp.enqueue(host(), handle, offset, length, now))
            {
                pool.release(handle);
            }
        }

        private int host()
        {
            return ip(10, 0, 0, 2 + random.nextInt(14));
        }

        private int address()
        {
            return switch (random.nextInt(9))
            {
                case 0 -> LOCAL_IP;
                case 1 -> SECOND_ADDRESS;
                case 2 -> 0;
                case 3 -> 0xFFFF_FFFF;
                case 4 -> ip(224, 0, 0, 1 + random.nextInt(200));
                case 5 -> random.nextInt();
                default -> host();
            };
        }

        private long mac()
        {
            return switch (random.nextInt(8))
            {
                case 0 -> LOCAL_MAC;
                case 1 -> MacAddress.BROADCAST;
                case 2 -> 0x0100_5E00_0000L | random.nextInt(0x80_0000);
                case 3 -> MacAddress.NONE;
                case 4 -> random.nextLong() & 0xFFFF_FFFF_FFFFL;
                default -> 0x5254_0000_0000L + random.nextInt(6);
            };
        }

        void checkInvariants()
        {
            final ArpCache cache = arp.cache();
            assertEquals(cache.pendingFrames(), pool.outstanding(),
                () -> "every lent buffer is a parked frame: " + pool.describeOutstanding(5) + " " + cache);
            assertTrue(cache.size() <= cache.capacity(), "cache over capacity");
            assertFalse(cache.contains(LOCAL_IP), () -> "our address cached: " + cache);
            if (arp.isLocalAddress(SECOND_ADDRESS))
            {
                assertFalse(cache.contains(SECOND_ADDRESS), () -> "our second address cached: " + cache);
            }
            assertFalse(cache.contains(0), "0.0.0.0 cached");
            for (int i = 2; i < 16; i++)
            {
                final long mac = cache.macFor(ip(10, 0, 0, i));
                assertFalse(MacAddress.isGroup(mac), "group MAC cached");
                assertNotEquals(LOCAL_MAC, mac, "our MAC cached for another address");
                if (cache.state(ip(10, 0, 0, i)) != ArpState.INCOMPLETE)
                {
                    assertEquals(0, cache.pendingFrames(ip(10, 0, 0, i)), "frames parked on a non-INCOMPLETE entry");
                }
            }
        }
    }

    /** Refuses one frame in ten; otherwise checks it is a well-formed frame in its buffer and releases it. */
    private static final class ChaoticTransmitter implements FrameTransmitter
    {
        private final PacketBufferPool pool;
        private final SplittableRandom random;
        private final EthernetFrame check = new EthernetFrame();
        long sent;

        ChaoticTransmitter(final PacketBufferPool pool, final SplittableRandom random)
        {
            this.pool = pool;
            this.random = random;
        }

        @Override
        public boolean transmit(final int handle, final int frameOffset, final int frameLength)
        {
            assertTrue(pool.isHeld(handle), "transmitted a buffer nobody holds");
            assertTrue(frameOffset >= pool.offset(handle) &&
                frameOffset + frameLength <= pool.offset(handle) + pool.bufferSize(), "frame outside its buffer");
            assertTrue(check.wrap(pool.memory(), frameOffset, frameLength), "sent a malformed frame");
            assertFalse(MacAddress.isGroup(check.source()));
            if (check.etherType() == EtherType.ARP)
            {
                assertEquals(EthernetFrame.MIN_FRAME_LENGTH, frameLength);
                final ArpPacket arp = new ArpPacket();
                assertTrue(arp.wrap(pool.memory(), check.payloadOffset(), check.payloadLength()),
                    "sent a malformed ARP packet");
                assertEquals(LOCAL_MAC, arp.senderHardwareAddress());
            }
            else
            {
                assertFalse(MacAddress.isGroup(check.destination()), "IP frame sent to a group MAC");
                assertNotEquals(MacAddress.NONE, check.destination(), "IP frame sent without its destination MAC");
            }
            if (random.nextInt(10) == 0)
            {
                return false;
            }
            sent++;
            pool.release(handle);
            return true;
        }
    }
}
