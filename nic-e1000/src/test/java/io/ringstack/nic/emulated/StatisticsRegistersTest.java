package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static io.ringstack.nic.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The statistics registers count every event exactly, as if each register had its own counter, although the device
 * keeps fewer running totals and derives GPRC, TPR, TOR, GPTC, TPT, GOTC, TOT from them: a model with one counter per
 * register (SDM §13.7) is checked against random events and random read-to-clear reads.
 */
class StatisticsRegistersTest
{
    private static final long BROADCAST = MacAddress.BROADCAST;
    private static final long MULTICAST = 0x0100_5E00_00FBL;
    private static final long UNICAST = 0x5254_0000_0002L;
    private static final int[] LENGTHS = { 10, 13, 14, 60, 61, 123, 124, 251, 252, 507, 508, 1019, 1020, 1514, 9000 };

    /** One expected count per 32-bit register word since its last read, and the latched high halves. */
    private final long[] expected = new long[(STATISTICS_END - STATISTICS_START) / 4];
    private final long[] latched = new long[expected.length];

    private void count(final int register, final long amount)
    {
        expected[(register - STATISTICS_START) / 4] += amount;
    }

    /** The size bins written out as the SDM lists them (frame sizes with the 4-byte FCS). */
    private static int bin(final int first, final int size)
    {
        if (size <= 64)
        {
            return first;
        }
        if (size <= 127)
        {
            return first + 4;
        }
        if (size <= 255)
        {
            return first + 8;
        }
        if (size <= 511)
        {
            return first + 12;
        }
        if (size <= 1023)
        {
            return first + 16;
        }
        return first + 20;
    }

    private void modelReceivedAny(final int length)
    {
        count(TPR, 1);
        count(TORL, length + 4);
    }

    private void modelGoodReceived(final int length, final long destination)
    {
        modelReceivedAny(length);
        count(GPRC, 1);
        count(GORCL, length + 4);
        count(bin(PRC64, length + 4), 1);
        if (destination == BROADCAST)
        {
            count(BPRC, 1);
        }
        else if (MacAddress.isGroup(destination))
        {
            count(MPRC, 1);
        }
    }

    private void modelGoodTransmitted(final int length, final long destination)
    {
        count(GPTC, 1);
        count(TPT, 1);
        count(GOTCL, length + 4);
        count(TOTL, length + 4);
        count(bin(PTC64, length + 4), 1);
        if (destination == BROADCAST)
        {
            count(BPTC, 1);
        }
        else if (MacAddress.isGroup(destination))
        {
            count(MPTC, 1);
        }
    }

    private static boolean isLow(final int register)
    {
        return register == GORCL || register == GOTCL || register == TORL || register == TOTL;
    }

    private static boolean isHigh(final int register)
    {
        return register == GORCH || register == GOTCH || register == TORH || register == TOTH;
    }

    private int modelRead(final int register)
    {
        final int i = (register - STATISTICS_START) / 4;
        if (isHigh(register))
        {
            return (int)latched[i - 1];
        }
        final long value = expected[i];
        expected[i] = 0;
        if (isLow(register))
        {
            latched[i] = value >>> 32;
        }
        return (int)value;
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 42, 20260611 })
    void everyRegisterCountsExactlyAndClearsOnRead(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final StatisticsRegisters registers = new StatisticsRegisters();
        for (int step = 0; step < 20_000; step++)
        {
            final int length = LENGTHS[random.nextInt(LENGTHS.length)];
            final long destination = switch (random.nextInt(3))
            {
                case 0 -> BROADCAST;
                case 1 -> MULTICAST;
                default -> UNICAST;
            };
            switch (random.nextInt(8))
            {
                case 0, 1 ->
                {
                    registers.goodReceived(length, destination);
                    modelGoodReceived(length, destination);
                }
                case 2 ->
                {
                    registers.rejected(length); // filtered, or a DMA fault
                    modelReceivedAny(length);
                }
                case 3 ->
                {
                    registers.missed(length);
                    modelReceivedAny(length);
                    count(MPC, 1);
                    count(RNBC, 1);
                }
                case 4 ->
                {
                    registers.undersize(length);
                    modelReceivedAny(length);
                    count(RUC, 1);
                }
                case 5 ->
                {
                    registers.oversize(length);
                    modelReceivedAny(length);
                    count(ROC, 1);
                }
                case 6 ->
                {
                    registers.goodTransmitted(length, destination);
                    modelGoodTransmitted(length, destination);
                }
                default ->
                {
                    final int register = STATISTICS_START + 4 * random.nextInt(expected.length);
                    assertEquals(modelRead(register), registers.readAndClear(register),
                        "register 0x" + Integer.toHexString(register) + " at step " + step + ", seed " + seed);
                }
            }
        }
        for (int register = STATISTICS_START; register < STATISTICS_END; register += 4)
        {
            assertEquals(modelRead(register), registers.readAndClear(register),
                "register 0x" + Integer.toHexString(register) + " at the end, seed " + seed);
        }
        for (int register = STATISTICS_START; register < STATISTICS_END; register += 4)
        {
            if (!isHigh(register))
            {
                assertEquals(0, registers.readAndClear(register),
                    "read twice: 0x" + Integer.toHexString(register) + ", seed " + seed);
            }
        }
    }

    @Test
    void octetCountersCarryPast32BitsAndLatchTheHighHalf()
    {
        final StatisticsRegisters registers = new StatisticsRegisters();
        final int frames = 3_000_000;
        for (int i = 0; i < frames; i++)
        {
            registers.goodReceived(1514, UNICAST);
            registers.goodTransmitted(1514, UNICAST);
        }
        final long octets = (long)frames * 1518;
        final long gorc = (registers.readAndClear(GORCL) & 0xFFFF_FFFFL) | ((long)registers.readAndClear(GORCH) << 32);
        assertEquals(octets, gorc);
        final long tot = (registers.readAndClear(TOTL) & 0xFFFF_FFFFL) | ((long)registers.readAndClear(TOTH) << 32);
        assertEquals(octets, tot);
        assertEquals(frames, registers.readAndClear(GPRC));
        assertEquals(frames, registers.readAndClear(TPR));
        assertEquals(frames, registers.readAndClear(PRC1522));
        assertEquals(frames, registers.readAndClear(GPTC));
        assertEquals(frames, registers.readAndClear(TPT));
        assertEquals(frames, registers.readAndClear(PTC1522));
        assertEquals(0, registers.readAndClear(GORCL));
        assertEquals(0, registers.readAndClear(GORCH), "the high half latched by the last low read");
    }

    @Test
    void resetClearsEveryRegister()
    {
        final StatisticsRegisters registers = new StatisticsRegisters();
        registers.goodReceived(60, BROADCAST);
        registers.missed(60);
        registers.goodTransmitted(60, MULTICAST);
        registers.clear();
        for (int register = STATISTICS_START; register < STATISTICS_END; register += 4)
        {
            assertEquals(0, registers.readAndClear(register), "0x" + Integer.toHexString(register));
        }
        registers.goodReceived(60, UNICAST);
        assertEquals(1, registers.readAndClear(GPRC));
        assertEquals(1, registers.readAndClear(TPR));
        assertEquals(1, registers.readAndClear(PRC64));
        assertEquals(64, registers.readAndClear(GORCL));
    }
}
