package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.DriverCounters;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.RxDescriptor;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.FrameSource;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.ringstack.nic.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link EmulatedE1000#receiveFrom} (the wire writes the frame into the RX buffer itself) has exactly the semantics
 * of {@link EmulatedE1000#accept} (the device copies it): same frames delivered, same drops, same statistics.
 */
class ReceiveFromTest
{
    private static final long MAC = 0x5254_0000_0042L;
    private static final long OTHER = 0x5254_0000_0099L;
    private static final long MULTICAST = MacAddress.parse("01:00:5e:00:00:fb");

    /** A source holding one frame in a byte array, writing at most the capacity it is given. */
    private static final class ArraySource implements FrameSource
    {
        byte[] frame;
        int length;
        int reads;

        @Override
        public int read(final long address, final int capacity)
        {
            reads++;
            if (frame == null)
            {
                return 0;
            }
            new UnsafeBuffer(address, capacity).putBytes(0, frame, 0, Math.min(length, capacity));
            frame = null;
            return length;
        }
    }

    private static EmulatedNic nic(final String name)
    {
        final EmulatedNic nic = EmulatedNic.builder(name, MAC).rings(16, 16).buffers(64).bufferSize(2048)
            .strict(true).build();
        nic.device().attachWire((b, o, l) -> { });
        return nic.start();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234, 98765})
    void receiveFromCountsAndDeliversExactlyLikeAccept(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        try (EmulatedNic copied = nic("accept"); EmulatedNic written = nic("receiveFrom"))
        {
            final List<String> acceptFrames = new ArrayList<>();
            final List<String> sourceFrames = new ArrayList<>();
            final ArraySource source = new ArraySource();
            for (int step = 0; step < 3000; step++)
            {
                final int action = random.nextInt(100);
                if (action < 80)
                {
                    final byte[] frame = randomFrame(random);
                    copied.device().accept(new UnsafeBuffer(frame), 0, frame.length);
                    source.frame = frame;
                    source.length = frame.length;
                    final int reported = written.device().receiveFrom(source);
                    assertEquals(frame.length, reported, "seed " + seed + " step " + step);
                    assertNull(source.frame, "the frame left the wire, seed " + seed);
                }
                else if (action < 97)
                {
                    final int budget = 1 + random.nextInt(16);
                    drain(copied, budget, acceptFrames);
                    drain(written, budget, sourceFrames);
                }
                else
                {
                    final int rctl = copied.device().read(RCTL) ^ RCTL_EN; // receive off, then on again
                    copied.device().write(RCTL, rctl);
                    written.device().write(RCTL, rctl);
                }
            }
            drain(copied, 64, acceptFrames);
            drain(written, 64, sourceFrames);
            assertEquals(acceptFrames, sourceFrames, "seed " + seed);
            assertFalse(acceptFrames.isEmpty(), "seed " + seed + " delivered something");
            assertEquals(counters(copied), counters(written), "seed " + seed);
            assertEquals(copied.device().filteredFrames(), written.device().filteredFrames(), "seed " + seed);
            assertEquals(copied.device().framesWhileDisabled(), written.device().framesWhileDisabled(), "seed " + seed);
            assertEquals(0, written.device().dmaFaults());
        }
    }

    @Test
    void anOversizeFrameLeavesTheDescriptorForTheNextFrame()
    {
        try (EmulatedNic nic = nic("n"))
        {
            final ArraySource source = new ArraySource();
            source.frame = frame(3000, MAC, 1);
            source.length = 3000; // the source reports more than the 2048 B it could write
            assertEquals(3000, nic.device().receiveFrom(source));
            final int head = nic.device().read(RDH);
            source.frame = frame(100, MAC, 2);
            source.length = 100;
            assertEquals(100, nic.device().receiveFrom(source));
            assertEquals(head + 1, nic.device().read(RDH), "the oversize frame used no descriptor");
            final List<String> got = new ArrayList<>();
            drain(nic, 16, got);
            assertEquals(List.of("100:2"), got);
            final DriverCounters counters = nic.driver().readStatistics();
            assertEquals(1, counters.receiveOversize);
            assertEquals(1, counters.goodPacketsReceived);
        }
    }

    @Test
    void noFrameWaitingChangesNothing()
    {
        try (EmulatedNic nic = nic("n"))
        {
            final ArraySource source = new ArraySource();
            final int head = nic.device().read(RDH);
            assertEquals(0, nic.device().receiveFrom(source));
            assertEquals(1, source.reads);
            assertEquals(head, nic.device().read(RDH));
            assertEquals(0, nic.device().read(ICR) & ICR_RXT0, "no receive interrupt");
        }
    }

    @Test
    void aFullRingStillTakesTheFrameOffTheWireAndCountsItMissed()
    {
        try (EmulatedNic nic = nic("n"))
        {
            final ArraySource source = new ArraySource();
            for (int i = 0; i < 17; i++)
            {
                source.frame = frame(64, MAC, i);
                source.length = 64;
                assertEquals(64, nic.device().receiveFrom(source));
                assertNull(source.frame, "frame " + i + " was read from the wire");
            }
            final DriverCounters counters = nic.driver().readStatistics();
            assertEquals(2, counters.missedPackets, "15 descriptors hold frames, 2 are missed");
            final List<String> got = new ArrayList<>();
            drain(nic, 32, got);
            assertEquals(15, got.size());
        }
    }

    @Test
    void aDescriptorOutsideMappedMemoryIsAFaultAndTheFrameGoesNowhere()
    {
        try (EmulatedNic nic = nic("n"); EmulatedNic other = nic("other"))
        {
            final int head = nic.device().read(RDH);
            final long ringBase = (nic.device().read(RDBAL) & 0xFFFF_FFFFL) | ((long)nic.device().read(RDBAH) << 32);
            final UnsafeBuffer ring = new UnsafeBuffer(ringBase, nic.device().read(RDLEN));
            final RxDescriptor descriptor = new RxDescriptor().wrap(ring, head);
            final long original = descriptor.bufferAddress();
            final PacketBufferPool foreignPool = other.pool();
            final long before = foreignPool.memory().getLong(foreignPool.offset(3));
            descriptor.bufferAddress(foreignPool.deviceAddress(3));
            final ArraySource source = new ArraySource();
            source.frame = frame(64, MAC, 1);
            source.length = 64;
            assertEquals(64, nic.device().receiveFrom(source));
            assertEquals(1, nic.device().dmaFaults());
            assertEquals(before, foreignPool.memory().getLong(foreignPool.offset(3)), "the other NIC's memory intact");
            descriptor.bufferAddress(original);
            drain(nic, 16, new ArrayList<>());
            assertEquals(1, nic.driver().counters().rxDescriptorErrors);
        }
    }

    @Test
    void aMillionFramesThroughASourceAllocateNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (EmulatedNic nic = nic("z"); Arena arena = Arena.ofConfined())
        {
            final MemorySegment all = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
            final MemorySegment template = arena.allocate(60, 8);
            MemorySegment.copy(frame(60, MAC, 7), 0, template, ValueLayout.JAVA_BYTE, 0, 60);
            final FrameSource source = (address, capacity) ->
            {
                MemorySegment.copy(template, 0, all, address, 60);
                return 60;
            };
            final PacketBufferPool pool = nic.pool();
            final long[] received = new long[1];
            final io.ringstack.nic.e1000.FrameReceiver releaser = (handle, memory, offset, length) ->
            {
                received[0]++;
                pool.release(handle);
            };
            pump(nic, source, releaser, 200_000); // warm-up
            final long before = threads.getCurrentThreadAllocatedBytes();
            final long receivedBefore = received[0];
            pump(nic, source, releaser, 1_000_000);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(1_000_000, received[0] - receivedBefore, "every frame was received");
            assertEquals(0, allocated, "bytes allocated over 1,000,000 frames through receiveFrom");
        }
    }

    private static void pump(final EmulatedNic nic, final FrameSource source,
        final io.ringstack.nic.e1000.FrameReceiver receiver, final int frames)
    {
        for (int sent = 0; sent < frames; sent += 8)
        {
            for (int i = 0; i < 8; i++)
            {
                nic.device().receiveFrom(source);
            }
            nic.driver().receive(receiver, 8);
        }
    }

    private static byte[] randomFrame(final SplittableRandom random)
    {
        final int kind = random.nextInt(20);
        final int length;
        if (kind == 0)
        {
            length = 1 + random.nextInt(13); // undersize (a wire has no empty frames: 0 means "none")
        }
        else if (kind == 1)
        {
            length = 1523 + random.nextInt(600); // oversize (beyond 1522 and some beyond the 2048 B buffer)
        }
        else if (kind == 2)
        {
            length = 1522;
        }
        else
        {
            length = 14 + random.nextInt(1509);
        }
        final long[] destinations = {MAC, MAC, MAC, MacAddress.BROADCAST, OTHER, MULTICAST};
        final byte[] frame = frame(length, destinations[random.nextInt(destinations.length)], random.nextLong());
        for (int i = 14; i < length; i++)
        {
            frame[i] = (byte)random.nextInt();
        }
        return frame;
    }

    private static byte[] frame(final int length, final long destination, final long sequence)
    {
        final byte[] frame = new byte[length];
        final UnsafeBuffer view = new UnsafeBuffer(frame);
        if (length >= 6)
        {
            MacAddress.write(view, 0, destination);
        }
        if (length >= 12)
        {
            MacAddress.write(view, 6, OTHER);
        }
        if (length >= 22)
        {
            view.putLong(14, sequence, java.nio.ByteOrder.BIG_ENDIAN);
        }
        return frame;
    }

    /** Receives up to {@code budget} frames, recording each as "length:hash" (or "length:sequence" when short). */
    private static void drain(final EmulatedNic nic, final int budget, final List<String> into)
    {
        final PacketBufferPool pool = nic.pool();
        nic.driver().receive((handle, memory, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            memory.getBytes(offset, bytes);
            into.add(length + ":" + (length >= 22 && length <= 200 ?
                Long.toString(memory.getLong(offset + 14, java.nio.ByteOrder.BIG_ENDIAN)) :
                Integer.toHexString(Arrays.hashCode(bytes))));
            pool.release(handle);
        }, budget);
    }

    private static String counters(final EmulatedNic nic)
    {
        final DriverCounters c = nic.driver().readStatistics();
        return "rxFrames=" + c.rxFrames + " rxBytes=" + c.rxBytes + " descriptorErrors=" + c.rxDescriptorErrors +
            " MPC=" + c.missedPackets + " RNBC=" + c.receiveNoBuffers + " RUC=" + c.receiveUndersize +
            " ROC=" + c.receiveOversize + " GPRC=" + c.goodPacketsReceived + " GORC=" + c.goodOctetsReceived +
            " TPR=" + c.totalPacketsReceived + " BPRC=" + c.broadcastReceived + " MPRC=" + c.multicastReceived;
    }
}
