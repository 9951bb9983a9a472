package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.MacAddress;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.ringstack.nic.e1000.E1000Registers.*;

/**
 * The read-to-clear statistics registers (SDM §13.7). A read returns what was counted since the previous read; a
 * 64-bit pair (GORCL/GORCH, ...) is latched when its low half is read and the high half returns the latched upper
 * bits.
 * <p>
 * Per frame the device counts as little as it can: a good frame adds one to its size bin (PRC64..PRC1522 or
 * PTC64..PTC1522) and its octets to the good-octet counter, plus BPRC/MPRC (BPTC/MPTC) for group addresses. The
 * registers that follow from those are computed when they are read, from the same running totals, so they count
 * exactly what they did when each had its own counter:
 * <pre>
 *   GPRC = PRC64 + ... + PRC1522          TPR = GPRC + frames rejected (undersize, oversize, filtered, missed,
 *                                                                    DMA fault)
 *   GORC = good octets received           TOR = GORC + octets of the rejected frames
 *   GPTC = TPT = PTC64 + ... + PTC1522    GOTC = TOT = good octets transmitted  (every transmitted frame is good)
 *   MPC  = RNBC = frames missed for want of a descriptor
 * </pre>
 * Each register keeps its own read base, so reading one never clears another.
 * <p>
 * Threads: each running total has one writer (receive totals the thread that delivers frames, transmit totals the
 * driver's thread), so counting needs no atomic instruction; the receive and transmit totals live a cache line
 * apart. The writer adds with plain loads and stores (an opaque or ordered store would put compiler barriers
 * around each of the frame path's counts); the reader, the driver's thread in {@link #readAndClear}, loads with
 * opaque access, so it really reads memory each time. That is all a statistics register promises: the reader sees
 * every count eventually (the real device counts concurrently with the driver's reads too), and nothing else is
 * published through these counters. A plain 64-bit store is one instruction on the 64-bit JVMs ringstack runs on
 * (JDK 25 has no 32-bit x86 port), so the reader never sees half of one.
 */
final class StatisticsRegisters
{
    private static final int WORDS = (STATISTICS_END - STATISTICS_START) / 4;
    private static final int SIZE_BINS = 6;
    private static final VarHandle TOTALS = MethodHandles.arrayElementVarHandle(long[].class);

    // Running totals, receive side (written by the thread that delivers frames).
    private static final int RX_GOOD_OCTETS = 0;
    private static final int RX_REJECTED_FRAMES = 1;
    private static final int RX_REJECTED_OCTETS = 2;
    private static final int RX_BROADCAST = 3;
    private static final int RX_MULTICAST = 4;
    private static final int RX_MISSED = 5;
    private static final int RX_UNDERSIZE = 6;
    private static final int RX_OVERSIZE = 7;
    private static final int RX_SIZE_BIN = 8;
    // Transmit side (written by the driver's thread), 8 longs (a cache line) after the last receive total.
    private static final int TX_GOOD_OCTETS = RX_SIZE_BIN + SIZE_BINS + 8;
    private static final int TX_BROADCAST = TX_GOOD_OCTETS + 1;
    private static final int TX_MULTICAST = TX_GOOD_OCTETS + 2;
    private static final int TX_SIZE_BIN = TX_GOOD_OCTETS + 3;
    private static final int TOTALS_LENGTH = TX_SIZE_BIN + SIZE_BINS;

    private final long[] totals = new long[TOTALS_LENGTH];
    // Written and read by the driver's thread only (register reads, reset).
    private final long[] readBase = new long[WORDS];
    private final long[] latchedHigh = new long[WORDS];

    private static int index(final int offset)
    {
        return (offset - STATISTICS_START) >>> 2;
    }

    /** Device reset: every register reads zero from now on. */
    void clear()
    {
        for (int i = 0; i < WORDS; i++)
        {
            readBase[i] = total(STATISTICS_START + 4 * i);
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
        final long now = total(offset);
        final long delta = now - readBase[i];
        readBase[i] = now;
        if (isLowHalf(offset))
        {
            latchedHigh[i] = delta >>> 32;
        }
        return (int)delta;
    }

    /** The running total behind a register (the low half's for a 64-bit pair); 0 for what is never counted. */
    private long total(final int offset)
    {
        if (offset >= PRC64 && offset <= PRC1522)
        {
            return get(RX_SIZE_BIN + ((offset - PRC64) >>> 2));
        }
        if (offset >= PTC64 && offset <= PTC1522)
        {
            return get(TX_SIZE_BIN + ((offset - PTC64) >>> 2));
        }
        return switch (offset)
        {
            case GPRC -> sum(RX_SIZE_BIN);
            case TPR -> sum(RX_SIZE_BIN) + get(RX_REJECTED_FRAMES);
            case GORCL -> get(RX_GOOD_OCTETS);
            case TORL -> get(RX_GOOD_OCTETS) + get(RX_REJECTED_OCTETS);
            case BPRC -> get(RX_BROADCAST);
            case MPRC -> get(RX_MULTICAST);
            case MPC, RNBC -> get(RX_MISSED);
            case RUC -> get(RX_UNDERSIZE);
            case ROC -> get(RX_OVERSIZE);
            case GPTC, TPT -> sum(TX_SIZE_BIN);
            case GOTCL, TOTL -> get(TX_GOOD_OCTETS);
            case BPTC -> get(TX_BROADCAST);
            case MPTC -> get(TX_MULTICAST);
            default -> 0;
        };
    }

    private long get(final int total)
    {
        return (long)TOTALS.getOpaque(totals, total);
    }

    private long sum(final int firstBin)
    {
        long sum = 0;
        for (int bin = 0; bin < SIZE_BINS; bin++)
        {
            sum += get(firstBin + bin);
        }
        return sum;
    }

    private static boolean isLowHalf(final int offset)
    {
        return offset == GORCL || offset == GOTCL || offset == TORL || offset == TOTL;
    }

    private static boolean isHighHalf(final int offset)
    {
        return offset == GORCH || offset == GOTCH || offset == TORH || offset == TOTH;
    }

    /** Single writer: plain; the reader loads with opaque access. */
    private void add(final int total, final long amount)
    {
        totals[total] += amount;
    }

    // Frame sizes in these counters include the 4-byte FCS the wire would carry.

    /** A frame passed the filters and was written to host memory: GPRC, GORC, PRC*, BPRC/MPRC (and so TPR, TOR). */
    void goodReceived(final int length, final long destination)
    {
        final int size = length + 4;
        add(RX_SIZE_BIN + sizeBin(size), 1);
        add(RX_GOOD_OCTETS, size);
        if (MacAddress.isGroup(destination))
        {
            add(destination == MacAddress.BROADCAST ? RX_BROADCAST : RX_MULTICAST, 1);
        }
    }

    /** A frame received but not delivered: counts in TPR and TOR only (the address filter, a DMA fault). */
    void rejected(final int length)
    {
        add(RX_REJECTED_FRAMES, 1);
        add(RX_REJECTED_OCTETS, length + 4);
    }

    /** A frame sent to the wire: GPTC, TPT, GOTC, TOT, PTC*, BPTC/MPTC. */
    void goodTransmitted(final int length, final long destination)
    {
        final int size = length + 4;
        add(TX_SIZE_BIN + sizeBin(size), 1);
        add(TX_GOOD_OCTETS, size);
        if (MacAddress.isGroup(destination))
        {
            add(destination == MacAddress.BROADCAST ? TX_BROADCAST : TX_MULTICAST, 1);
        }
    }

    /** No free descriptor: MPC and RNBC (SDM §3.2.6), and TPR/TOR. */
    void missed(final int length)
    {
        rejected(length);
        add(RX_MISSED, 1);
    }

    /** Shorter than an Ethernet header: RUC, and TPR/TOR. */
    void undersize(final int length)
    {
        rejected(length);
        add(RX_UNDERSIZE, 1);
    }

    /** Longer than the RX buffer (or 1522 bytes without RCTL.LPE): ROC, and TPR/TOR. */
    void oversize(final int length)
    {
        rejected(length);
        add(RX_OVERSIZE, 1);
    }

    /** PRC64..PRC1522 and PTC64..PTC1522 are six consecutive registers: 64, 65-127, ..., 1024-1522 bytes. */
    private static int sizeBin(final int size)
    {
        if (size <= 64)
        {
            return 0;
        }
        // 65-127 -> 1, 128-255 -> 2, 256-511 -> 3, 512-1023 -> 4, from 1024 -> 5 (the 82540EM counts up to 1522;
        // jumbo frames land in the last bin here)
        return Math.min(5, 26 - Integer.numberOfLeadingZeros(size));
    }
}
