package io.ringstack.nic.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link PacketRingConfig#withMaxFrameLength}: rings sized for the receiver's frames (jumbo ones too), the defaults
 * untouched at 1514, and TX slots addressed block by block where a block holds no whole number of them.
 */
class PacketRingConfigTest
{
    @Test
    void atEthernetsLengthTheDefaultsHoldAlready()
    {
        assertEquals(PacketRingConfig.DEFAULT, PacketRingConfig.DEFAULT.withMaxFrameLength(1514));
        assertEquals(1514, PacketRingConfig.DEFAULT.maxFrameLength());
        assertEquals(1 << 17, PacketRingConfig.THROUGHPUT.rxBlockSize(), "a 64 KiB TSO packet fits a V3 block");
        assertEquals(2 << 20, (long)PacketRingConfig.THROUGHPUT.rxBlockSize() *
            PacketRingConfig.THROUGHPUT.rxBlockCount(), "in the same 2 MiB");
    }

    @ParameterizedTest(name = "max frame {0}")
    @ValueSource(ints = {1518, 4000, 9014, 16_124, 65_024})
    void v2SlotsHoldATaggedFrameOfTheLengthAndTheRingKeeps256OfThem(final int length)
    {
        final PacketRingConfig config = PacketRingConfig.DEFAULT.withMaxFrameLength(length);
        assertEquals(length, config.maxFrameLength());
        assertTrue(config.rxFrameSize() - Tpacket2.RX_MAC_OFFSET >= length + 4, "an RX slot holds it, tagged");
        assertEquals(0, config.rxFrameSize() % 16);
        assertTrue(config.rxFramesPerBlock() >= 1);
        assertTrue(config.rxFrameCount() >= 256, config.rxFrameCount() + " slots");
        assertTrue(config.txFrameCapacity() >= length + 4, "a TX slot holds it, tagged");
        assertTrue(config.txFrameCount() >= 256);
        assertTrue((long)config.txFrameSize() * config.txFrameCount() <= Math.max(5 << 20, 256 * config.txFrameSize()),
            "about 4 MiB of TX ring, or 256 slots");
        assertEquals(0, config.txBlockSize() % PacketRingConfig.PAGE_SIZE);
        assertTrue(config.txFramesPerBlock() * config.txFrameSize() <= config.txBlockSize());
    }

    @Test
    void jumboFramesOf9014Bytes()
    {
        final PacketRingConfig config = PacketRingConfig.DEFAULT.withMaxFrameLength(9014);
        assertEquals(9088, config.rxFrameSize(), "66 + 9018, to a multiple of 16");
        assertEquals(1 << 16, config.rxBlockSize());
        assertEquals(37, config.rxBlockCount(), "7 slots a block, 259 slots");
        assertEquals(9056, config.txFrameSize(), "32 + 9018, to a multiple of 16");
        assertEquals(463, config.txFrameCount(), "4 MiB / 9056");
        assertEquals(1 << 20, config.txBlockSize(), "no whole number of pages holds whole slots below 1 MiB");
        assertEquals(115, config.txFramesPerBlock(), "so slot 115 starts the second block, not at 115 * 9056");
    }

    @Test
    void v3BlocksHoldAFrameOfTheLength()
    {
        final PacketRingConfig config = PacketRingConfig.THROUGHPUT.withMaxFrameLength(65_024);
        assertEquals(1 << 17, config.rxBlockSize());
        assertEquals(PacketRingConfig.THROUGHPUT.rxBlockCount(), config.rxBlockCount());
        final PacketRingConfig small = PacketRingConfig.THROUGHPUT.withRx(4096, 4, 1).withMaxFrameLength(9014);
        assertEquals(16_384, small.rxBlockSize(), "48 + 96 + 9018 bytes do not fit 8 KiB");
    }

    @Test
    void lengthsOutOfRangeAreRefusedSayingWhy()
    {
        final IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
            () -> PacketRingConfig.DEFAULT.withMaxFrameLength(63));
        assertTrue(tooShort.getMessage().contains("MTU + 14"), tooShort.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PacketRingConfig.DEFAULT.withMaxFrameLength(65_025));
        assertThrows(IllegalArgumentException.class, () -> new TcpSegmentation(63, new PortCounters()));
    }
}
