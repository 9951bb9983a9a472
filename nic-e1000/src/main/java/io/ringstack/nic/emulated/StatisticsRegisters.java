package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.MacAddress;

import static io.ringstack.nic.e1000.E1000Registers.*;

/**
 * The read-to-clear statistics registers (SDM §13.7). Each counter has one writer (receive counters the thread
 * that delivers frames, transmit counters the driver's thread), so counting needs no atomic instruction; a read
 * returns what was counted since the previous read. A 64-bit pair (GORCL/GORCH, ...) is latched when its low half
 * is read and the high half returns the latched upper bits.
 */
final class StatisticsRegisters
{
    private static final int WORDS = (STATISTICS_END - STATISTICS_START) / 4;

    private final long[] counted = new long[WORDS];
    private final long[] readBase = new long[WORDS];
    private final long[] latchedHigh = new long[WORDS];

    private static int index(final int offset)
    {
        return (offset - STATISTICS_START) >>> 2;
    }

    void clear()
    {
        for (int i = 0; i < WORDS; i++)
        {
            readBase[i] = counted[i];
            latchedHigh[i] = 0;
        }
    }

    int readAndClear(final int offset)
    {
        final int i = index(offset);
        if (isHighHalf(offset))
        {
            return (int)latchedHigh[i - 1];
        }
        final long now = counted[i];
        final long delta = now - readBase[i];
        readBase[i] = now;
        if (isLowHalf(offset))
        {
            latchedHigh[i] = delta >>> 32;
        }
        return (int)delta;
    }

    private static boolean isLowHalf(final int offset)
    {
        return offset == GORCL || offset == GOTCL || offset == TORL || offset == TOTL;
    }

    private static boolean isHighHalf(final int offset)
    {
        return offset == GORCH || offset == GOTCH || offset == TORH || offset == TOTH;
    }

    private void add(final int offset, final long amount)
    {
        counted[index(offset)] += amount;
    }

    // Frame sizes in these counters include the 4-byte FCS the wire would carry.
    void totalReceived(final int length)
    {
        add(TPR, 1);
        add(TORL, length + 4);
    }

    void goodReceived(final int length, final long destination)
    {
        add(GPRC, 1);
        add(GORCL, length + 4);
        add(sizeBin(PRC64, length + 4), 1);
        if (destination == MacAddress.BROADCAST)
        {
            add(BPRC, 1);
        }
        else if (MacAddress.isGroup(destination))
        {
            add(MPRC, 1);
        }
    }

    void goodTransmitted(final int length, final long destination)
    {
        add(GPTC, 1);
        add(TPT, 1);
        add(GOTCL, length + 4);
        add(TOTL, length + 4);
        add(sizeBin(PTC64, length + 4), 1);
        if (destination == MacAddress.BROADCAST)
        {
            add(BPTC, 1);
        }
        else if (MacAddress.isGroup(destination))
        {
            add(MPTC, 1);
        }
    }

    void missed()
    {
        add(MPC, 1);
        add(RNBC, 1);
    }

    void undersize()
    {
        add(RUC, 1);
    }

    void oversize()
    {
        add(ROC, 1);
    }

    /** PRC64..PRC1522 and PTC64..PTC1522 are six consecutive registers: 64, 65-127, ..., 1024-1522 bytes. */
    private static int sizeBin(final int first, final int size)
    {
        final int bin;
        if (size <= 64)
        {
            bin = 0;
        }
        else if (size <= 127)
        {
            bin = 1;
        }
        else if (size <= 255)
        {
            bin = 2;
        }
        else if (size <= 511)
        {
            bin = 3;
        }
        else if (size <= 1023)
        {
            bin = 4;
        }
        else
        {
            bin = 5; // the 82540EM counts up to 1522; jumbo frames land in the last bin here
        }
        return first + 4 * bin;
    }
}
