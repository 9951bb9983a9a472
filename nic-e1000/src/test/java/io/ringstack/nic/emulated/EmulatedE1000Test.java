package io.ringstack.nic.emulated;

import io.ringstack.nic.NicPair;
import io.ringstack.nic.TestFrames;
import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.RxDescriptor;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ringstack.nic.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/** The emulated device against the manual's register semantics, driven directly and through the driver. */
class EmulatedE1000Test
{
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[16384]);

    @Test
    void resetLoadsTheMacAndLinkNeedsSluAndAWire()
    {
        try (EmulatedE1000 device = new EmulatedE1000("d", 0x5254_0012_3456L))
        {
            assertEquals(0x12005452, device.read(RA));
            assertEquals(0x80005634, device.read(RA + 4));
            assertEquals(0, device.read(STATUS) & STATUS_LU, "no link before SLU");
            device.write(CTRL, CTRL_SLU);
            assertEquals(0, device.read(STATUS) & STATUS_LU, "no link without a cable");
            device.attachWire((b, o, l) -> { });
            assertEquals(STATUS_LU, device.read(STATUS) & STATUS_LU);
            assertEquals(ICR_LSC, device.read(ICR) & ICR_LSC, "link change raises LSC");
            assertEquals(0, device.read(ICR), "ICR clears on read");
            device.write(CTRL, CTRL_RST);
            assertEquals(0, device.read(CTRL) & CTRL_RST, "RST is self-clearing");
            assertEquals(0x12005452, device.read(RA));
        }
    }

    @Test
    void interruptLineFollowsIcrAndMask()
    {
        try (EmulatedE1000 device = new EmulatedE1000("d", 0x5254_0012_3456L))
        {
            final EmulatedInterruptLine line = device.interruptLine();
            device.write(ICS, ICR_RXT0);
            assertFalse(line.isAsserted(), "masked cause does not assert");
            device.write(IMS, ICR_RXT0);
            assertTrue(line.isAsserted());
            assertEquals(ICR_RXT0, device.read(IMS));
            device.write(IMC, ICR_RXT0);
            assertFalse(line.isAsserted());
            device.write(IMS, ICR_RXT0);
            assertTrue(line.isAsserted());
            assertEquals(ICR_RXT0, device.read(ICR));
            assertFalse(line.isAsserted(), "reading ICR deasserts");
            device.write(ICS, ICR_TXDW | ICR_RXT0);
            device.write(ICR, ICR_RXT0); // write 1 to clear
            assertEquals(ICR_TXDW, device.read(ICR));
        }
    }

    @Test
    void unalignedAndOutOfRangeRegisterAccessIsCountedNotFatal()
    {
        try (EmulatedE1000 device = new EmulatedE1000("d", 0x5254_0012_3456L))
        {
            assertEquals(0, device.read(2));
            device.write(BAR0_SIZE, 1);
            device.write(-4, 1);
            assertEquals(3, device.badRegisterAccesses());
        }
    }

    @Test
    void deliversFramesIntoRxBuffersAndCountsStatistics()
    {
        try (NicPair pair = new NicPair())
        {
            final E1000Driver rx = pair.b.driver();
            send(pair.a, 100, NicPair.MAC_B, 0);
            send(pair.a, 100, MacAddress.BROADCAST, 1);
            final List<Long> got = receiveAll(pair.b);
            assertEquals(List.of(0L, 1L), got);
            rx.readStatistics();
            assertEquals(2, rx.counters().goodPacketsReceived);
            assertEquals(2 * 104, rx.counters().goodOctetsReceived, "octets include the 4-byte FCS");
            assertEquals(1, rx.counters().broadcastReceived);
            rx.readStatistics();
            assertEquals(2, rx.counters().goodPacketsReceived, "statistics registers cleared on read: no double count");
            pair.a.driver().readStatistics();
            assertEquals(2, pair.a.driver().counters().goodPacketsTransmitted);
        }
    }

    @Test
    void addressFilterAcceptsOwnUnicastBroadcastAndSubscribedMulticastOnly()
    {
        try (NicPair pair = new NicPair())
        {
            final long mdns = MacAddress.parse("01:00:5e:00:00:fb");
            send(pair.a, 60, 0x5254_0000_0099L, 0); // someone else's unicast
            send(pair.a, 60, mdns, 1);              // multicast not in the MTA
            assertEquals(List.of(), receiveAll(pair.b));
            assertEquals(2, pair.b.device().filteredFrames());

            final int hash = MacAddress.multicastHash(mdns, 0);
            pair.b.device().write(MTA + 4 * (hash >>> 5), 1 << (hash & 31));
            send(pair.a, 60, mdns, 2);
            assertEquals(List.of(2L), receiveAll(pair.b));

            pair.b.device().write(RCTL, pair.b.device().read(RCTL) & ~RCTL_BAM);
            send(pair.a, 60, MacAddress.BROADCAST, 3);
            assertEquals(List.of(), receiveAll(pair.b), "broadcast needs RCTL.BAM");

            pair.b.device().write(RCTL, pair.b.device().read(RCTL) | RCTL_UPE);
            send(pair.a, 60, 0x5254_0000_0099L, 4);
            assertEquals(List.of(4L), receiveAll(pair.b), "promiscuous unicast");
        }
    }

    @Test
    void frameLongerThanTheBufferIsDroppedAndCountedNeverWrittenPastIt()
    {
        try (NicPair pair = new NicPair(16, 16, 64, 1024, io.ringstack.nic.wire.FaultPlan.NONE, 1,
            org.agrona.concurrent.SystemNanoClock.INSTANCE, null))
        {
            // B's buffers are 1024 B: a 1514-byte frame does not fit
            final int canary = pair.b.pool().memory().getInt(pair.b.pool().offset(1));
            TestFrames.write(frame, 0, 1514, NicPair.MAC_B, NicPair.MAC_A, 7);
            pair.b.device().accept(frame, 0, 1514);
            assertEquals(List.of(), receiveAll(pair.b));
            assertEquals(canary, pair.b.pool().memory().getInt(pair.b.pool().offset(1)), "next buffer untouched");
            pair.b.driver().readStatistics();
            assertEquals(1, pair.b.driver().counters().receiveOversize);

            TestFrames.write(frame, 0, 1024, NicPair.MAC_B, NicPair.MAC_A, 8);
            pair.b.device().accept(frame, 0, 1024);
            assertEquals(List.of(8L), receiveAll(pair.b), "a frame of exactly the buffer size fits");

            pair.b.device().accept(frame, 0, 10);
            pair.b.driver().readStatistics();
            assertEquals(1, pair.b.driver().counters().receiveUndersize);
        }
    }

    @Test
    void fullRingDropsAndCountsMissedPacketsThenRecovers()
    {
        try (NicPair pair = new NicPair(16, 16, 64, 2048, io.ringstack.nic.wire.FaultPlan.NONE, 1,
            org.agrona.concurrent.SystemNanoClock.INSTANCE, null))
        {
            for (int i = 0; i < 20; i++)
            {
                TestFrames.write(frame, 0, 64, NicPair.MAC_B, NicPair.MAC_A, i);
                pair.b.device().accept(frame, 0, 64);
            }
            pair.b.driver().readStatistics();
            assertEquals(5, pair.b.driver().counters().missedPackets, "15 slots hold frames, 5 are missed");
            assertEquals(5, pair.b.driver().counters().receiveNoBuffers);
            final List<Long> got = receiveAll(pair.b);
            assertEquals(15, got.size());
            assertEquals(14L, got.get(14));
            TestFrames.write(frame, 0, 64, NicPair.MAC_B, NicPair.MAC_A, 99);
            pair.b.device().accept(frame, 0, 64);
            assertEquals(List.of(99L), receiveAll(pair.b), "refilled ring receives again");
        }
    }

    @Test
    void descriptorPointingOutsideMappedMemoryIsAFaultNotAWrite()
    {
        try (NicPair pair = new NicPair())
        {
            // corrupt the next RX descriptor's address to point into A's memory (another NIC)
            final EmulatedNic b = pair.b;
            final int head = b.device().read(RDH);
            final long ringBase = (b.device().read(RDBAL) & 0xFFFF_FFFFL) | ((long)b.device().read(RDBAH) << 32);
            final UnsafeBuffer ring = new UnsafeBuffer(ringBase, b.device().read(RDLEN));
            final RxDescriptor descriptor = new RxDescriptor().wrap(ring, head);
            final long original = descriptor.bufferAddress();
            final long foreign = pair.a.pool().deviceAddress(3);
            final long before = pair.a.pool().memory().getLong(pair.a.pool().offset(3));
            descriptor.bufferAddress(foreign);
            TestFrames.write(frame, 0, 64, NicPair.MAC_B, NicPair.MAC_A, 1);
            b.device().accept(frame, 0, 64);
            assertEquals(1, b.device().dmaFaults());
            assertEquals(before, pair.a.pool().memory().getLong(pair.a.pool().offset(3)), "A's memory untouched");
            descriptor.bufferAddress(original); // the driver gets the buffer back through the error path
            assertEquals(List.of(), receiveAll(b));
            assertEquals(1, b.driver().counters().rxDescriptorErrors);
        }
    }

    @Test
    void tailWriteBeyondTheRingIsIgnored()
    {
        try (NicPair pair = new NicPair())
        {
            final int tail = pair.b.device().read(RDT);
            pair.b.device().write(RDT, 64);
            assertEquals(tail, pair.b.device().read(RDT));
            assertEquals(1, pair.b.device().badRegisterAccesses());
        }
    }

    @Test
    void shortFramesArePaddedWhenPspIsSet()
    {
        try (NicPair pair = new NicPair())
        {
            send(pair.a, 42, NicPair.MAC_B, 5); // an ARP-sized frame
            final int[] length = new int[1];
            pair.b.driver().receive((h, m, o, l) -> { length[0] = l; pair.b.pool().release(h); }, 8);
            assertEquals(60, length[0]);
        }
    }

    static void send(final EmulatedNic nic, final int length, final long destination, final long sequence)
    {
        final int handle = TestFrames.claim(nic.pool(), length, destination, 0x5254_0000_000AL, sequence);
        assertTrue(nic.driver().transmit(handle, nic.pool().offset(handle), length));
        nic.driver().flush();
        nic.driver().reclaim();
    }

    static List<Long> receiveAll(final EmulatedNic nic)
    {
        final List<Long> sequences = new ArrayList<>();
        final PacketBufferPool pool = nic.pool();
        while (nic.driver().receive((handle, memory, offset, length) ->
        {
            assertEquals(BufferHolder.DRIVER, pool.holder(handle));
            sequences.add(TestFrames.sequence(memory, offset));
            pool.release(handle);
        }, 8) > 0)
        {
            // keep polling
        }
        return sequences;
    }
}
