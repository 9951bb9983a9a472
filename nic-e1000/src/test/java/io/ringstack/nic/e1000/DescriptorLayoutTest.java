package io.ringstack.nic.e1000;

import io.ringstack.nic.memory.DmaRegion;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.ringstack.nic.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.*;

/** Byte layouts checked against the Intel 8254x SDM's tables, byte by byte. */
class DescriptorLayoutTest
{
    private final UnsafeBuffer ring = new UnsafeBuffer(new byte[64]);

    @Test
    void receiveDescriptorFieldsSitAtTheManualsOffsets()
    {
        // SDM table 3-1: address @0 (8), length @8 (2), checksum @10 (2), status @12, errors @13, special @14 (2)
        final RxDescriptor d = new RxDescriptor().wrap(ring, 1);
        d.bufferAddress(0x1122_3344_5566_7788L);
        d.writeBack(0x05EA, 0xBEEF, RxDescriptor.STATUS_DD | RxDescriptor.STATUS_EOP, RxDescriptor.ERROR_RXE, 0x0064);
        final byte[] expected = {
            (byte)0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // little-endian address
            (byte)0xEA, 0x05, (byte)0xEF, (byte)0xBE, 0x03, (byte)0x80, 0x64, 0x00 };
        assertArrayEquals(expected, bytes(16, 16));
        assertEquals(0x1122_3344_5566_7788L, d.bufferAddress());
        assertEquals(0x05EA, d.length());
        assertEquals(0xBEEF, d.packetChecksum());
        assertEquals(3, d.statusAcquire());
        assertEquals(0x80, d.errors());
        assertEquals(0x64, d.special());
        d.clearWriteBack();
        assertEquals(0, d.status());
        assertEquals(0, d.length());
        assertEquals(0x1122_3344_5566_7788L, d.bufferAddress(), "clearing the write-back keeps the address");
    }

    @Test
    void transmitDescriptorFieldsSitAtTheManualsOffsets()
    {
        // SDM table 3-8: address @0, length @8 (2), CSO @10, CMD @11, STA @12 (low nibble), CSS @13, special @14
        final TxDescriptor d = new TxDescriptor().wrap(ring, 2);
        d.set(0x0000_0001_2345_6780L, 1514, TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS | TxDescriptor.CMD_RS);
        final byte[] expected = {
            (byte)0x80, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00,
            (byte)0xEA, 0x05, 0x00, 0x0B, 0x00, 0x00, 0x00, 0x00 };
        assertArrayEquals(expected, bytes(32, 16));
        assertEquals(0x0B, d.command());
        assertEquals(1514, d.length());
        d.writeBackStatus(TxDescriptor.STA_DD);
        assertEquals(1, ring.getByte(32 + 12));
        assertEquals(TxDescriptor.STA_DD, d.statusAcquire());
    }

    @Test
    void descriptorsInDmaMemoryReadAndWriteTheSameBytesAsOnTheHeap()
    {
        try (DmaRegion region = DmaRegion.allocate("ring", 4096))
        {
            final UnsafeBuffer dma = region.buffer();
            final RxDescriptor rx = new RxDescriptor().wrap(dma, 255);
            rx.bufferAddress(0x1122_3344_5566_7788L);
            rx.writeBack(1514, 0, RxDescriptor.STATUS_DD | RxDescriptor.STATUS_EOP, 0, 0);
            assertEquals(0x1122_3344_5566_7788L, dma.getLong(255 * 16, java.nio.ByteOrder.LITTLE_ENDIAN));
            assertEquals(1514, dma.getShort(255 * 16 + 8, java.nio.ByteOrder.LITTLE_ENDIAN));
            assertEquals(3, rx.status());
            // the same flyweight moves between a heap ring and DMA memory
            assertEquals(0, new RxDescriptor().wrap(dma, 0).wrap(ring, 3).wrap(dma, 1).length());

            final TxDescriptor tx = new TxDescriptor().wrap(ring, 0).wrap(dma, 7);
            tx.set(0x4000, 60, TxDescriptor.CMD_EOP | TxDescriptor.CMD_RS);
            tx.writeBackStatusAfterFence(TxDescriptor.STA_DD);
            assertEquals(TxDescriptor.STA_DD, dma.getByte(7 * 16 + 12));
            assertEquals(TxDescriptor.STA_DD, tx.status());
            assertEquals(0x4000, tx.bufferAddress());
            assertEquals(60, tx.length());
        }
    }

    @Test
    void anIndexOutsideTheRingIsRefusedBeforeAnyAccess()
    {
        // the heap ring holds 4 descriptors: the accessors address memory directly, so wrap checks the index once
        final IndexOutOfBoundsException ex =
            assertThrows(IndexOutOfBoundsException.class, () -> new RxDescriptor().wrap(ring, 4));
        assertTrue(ex.getMessage().contains("ring of 4 descriptors"), ex.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> new RxDescriptor().wrap(ring, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> new TxDescriptor().wrap(ring, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> new TxDescriptor().wrap(ring, Integer.MIN_VALUE));
        assertEquals(0, new TxDescriptor().wrap(ring, 3).length());
    }

    @Test
    void commandAndStatusBitsMatchTheManual()
    {
        assertEquals(0x01, TxDescriptor.CMD_EOP);
        assertEquals(0x02, TxDescriptor.CMD_IFCS);
        assertEquals(0x04, TxDescriptor.CMD_IC);
        assertEquals(0x08, TxDescriptor.CMD_RS);
        assertEquals(0x20, TxDescriptor.CMD_DEXT);
        assertEquals(0x40, TxDescriptor.CMD_VLE);
        assertEquals(0x80, TxDescriptor.CMD_IDE);
        assertEquals(0x80, RxDescriptor.STATUS_PIF);
        assertEquals(0x40, RxDescriptor.STATUS_IPCS);
        assertEquals(0x08, RxDescriptor.STATUS_VP);
    }

    @Test
    void registerOffsetsMatchTheManual()
    {
        // SDM table 13-2
        assertEquals(0x00000, CTRL);
        assertEquals(0x00008, STATUS);
        assertEquals(0x000C0, ICR);
        assertEquals(0x000D0, IMS);
        assertEquals(0x000D8, IMC);
        assertEquals(0x00100, RCTL);
        assertEquals(0x00400, TCTL);
        assertEquals(0x00410, TIPG);
        assertEquals(0x02800, RDBAL);
        assertEquals(0x02818, RDT);
        assertEquals(0x03800, TDBAL);
        assertEquals(0x03818, TDT);
        assertEquals(0x05200, MTA);
        assertEquals(0x05400, receiveAddressLow(0));
        assertEquals(0x05404, receiveAddressHigh(0));
        assertEquals(0x05478, receiveAddressLow(15));
        assertEquals(0x04010, MPC);
        assertEquals(0x04074, GPRC);
        assertEquals(0x040A0, RNBC);
        assertEquals(0x040AC, ROC);
        assertEquals(0x040D0, TPR);
        assertEquals(0x040D4, TPT);
        assertEquals(0x0400_0000, CTRL_RST);
        assertEquals(0x8000, RCTL_BAM);
        assertEquals(0x0400_0000, RCTL_SECRC);
    }

    @Test
    void receiveAddressRegistersHoldTheMacLowByteFirst()
    {
        // 52:54:00:12:34:56 is RAL 0x12005452, RAH 0x80005634 (AV set), as QEMU's e1000 reports it
        final long mac = MacAddress.parse("52:54:00:12:34:56");
        assertEquals(0x12005452, receiveAddressLowValue(mac));
        assertEquals(0x80005634, receiveAddressHighValue(mac));
        assertEquals(mac, macFromReceiveAddress(0x12005452, 0x80005634));
        assertEquals("52:54:00:12:34:56", MacAddress.toString(mac));
    }

    @Test
    void bufferSizeCodesRoundTrip()
    {
        for (final int size : new int[] { 256, 512, 1024, 2048, 4096, 8192, 16384 })
        {
            assertEquals(size, rctlBufferSize(rctlBufferSizeBits(size)), "size " + size);
        }
        assertEquals(0x0201_0000, rctlBufferSizeBits(16384), "BSEX with BSIZE=01 is 16 KiB");
        assertEquals(-1, rctlBufferSizeBits(1500));
    }

    @Test
    void multicastHashFollowsTheOffsetModes()
    {
        // 01:00:5e:00:00:fb (mDNS): byte4 0x00, byte5 0xfb
        final long mdns = MacAddress.parse("01:00:5e:00:00:fb");
        assertEquals(0xFB0, MacAddress.multicastHash(mdns, 0));
        assertEquals((0xFB << 5) & 0xFFF, MacAddress.multicastHash(mdns, 1));
        assertEquals((0xFB << 8) & 0xFFF, MacAddress.multicastHash(mdns, 3));
    }

    @Test
    void ringLayoutRulesAreEnforcedWithTheRuleInTheMessage()
    {
        try (DmaRegion region = DmaRegion.allocate("rings", 65536))
        {
            final IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> DescriptorRing.place("RX", region, 0, 12));
            assertTrue(length.getMessage().contains("multiple of 128"), length.getMessage());
            final IllegalArgumentException aligned = assertThrows(IllegalArgumentException.class,
                () -> DescriptorRing.place("RX", region, 8, 16));
            assertTrue(aligned.getMessage().contains("16-byte aligned"), aligned.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DescriptorRing.place("TX", region, 65536 - 64, 16));
            final DescriptorRing ring = DescriptorRing.place("RX", region, 128, 16);
            assertEquals(256, ring.lengthBytes());
            assertEquals(15, ring.tailValue(15));
            final IllegalStateException tail = assertThrows(IllegalStateException.class, () -> ring.tailValue(16));
            assertTrue(tail.getMessage().contains("beyond the ring"), tail.getMessage());
        }
    }

    @Test
    void macAddressParsingRejectsNonsense()
    {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("52:54:00:12:34"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("52:54:00:12:34:zz"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("52:54:00:12:34:567"));
        assertTrue(MacAddress.isGroup(MacAddress.BROADCAST));
        assertFalse(MacAddress.isGroup(MacAddress.parse("52:54:00:12:34:56")));
    }

    private byte[] bytes(final int offset, final int length)
    {
        final byte[] out = new byte[length];
        ring.getBytes(offset, out);
        return out;
    }
}
