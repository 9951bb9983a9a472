package io.ringstack.tcp.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The options of one TCP header (RFC 9293 §3.2), parsed into this reusable holder, and the writers of the
 * options ringstack sends. Every option but End of Option List and No-Operation is kind, length, value:
 * <pre>
 *  Kind  Length  Meaning                         Value
 *   0      -     End of Option List              -
 *   1      -     No-Operation                    -
 *   2      4     Maximum Segment Size            16-bit MSS                      (RFC 9293 §3.7.1)
 *   3      3     Window Scale                    shift count                     (RFC 7323 §2)
 *   4      2     SACK-Permitted                  -                               (RFC 2018 §2)
 *   5   8n+2     SACK                            n blocks of left, right edge    (RFC 2018 §3)
 *   8     10     Timestamps                      TSval, TSecr                    (RFC 7323 §3)
 * </pre>
 * Unknown kinds are skipped by their length. A length below 2 or past the end of the header makes the whole
 * segment malformed ({@link TcpDrop#BAD_OPTION_LENGTH}); a known kind with the wrong length is ignored and
 * counted in {@link #ignoredOptions()}. Parsing never throws and never reads outside the header.
 */
public final class TcpOptions
{
    public static final int KIND_END = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;

    public static final int LENGTH_MSS = 4;
    public static final int LENGTH_WINDOW_SCALE = 3;
    public static final int LENGTH_SACK_PERMITTED = 2;
    public static final int LENGTH_TIMESTAMPS = 10;
    /** NOP, NOP, Timestamps: the 12 bytes every segment carries once timestamps are on (RFC 7323 Appendix A). */
    public static final int ALIGNED_TIMESTAMPS_LENGTH = 12;
    /** RFC 7323 §2.3: shift counts above 14 are taken as 14. */
    public static final int MAX_WINDOW_SCALE = 14;
    /** At most four SACK blocks fit in the 40 bytes of options (RFC 2018 §3). */
    public static final int MAX_SACK_BLOCKS = 4;
    /** Three SACK blocks fit beside the 12 bytes of timestamps (RFC 2018 §3). */
    public static final int MAX_SACK_BLOCKS_WITH_TIMESTAMPS = 3;

    private int mss = -1;
    private int windowScale = -1;
    private boolean sackPermitted;
    private boolean timestamps;
    private int timestampValue;
    private int timestampEchoReply;
    private int sackBlocks;
    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];
    private long ignoredOptions;

    /**
     * Parses the {@code length} option bytes at {@code offset}.
     *
     * @return false when an option's length is below 2 or runs past the options (the segment is malformed).
     */
    public boolean parse(final DirectBuffer buffer, final int offset, final int length)
    {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        timestamps = false;
        timestampValue = 0;
        timestampEchoReply = 0;
        sackBlocks = 0;
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            final int kind = buffer.getByte(i) & 0xFF;
            if (kind == KIND_END)
            {
                break;
            }
            if (kind == KIND_NOP)
            {
                i++;
                continue;
            }
            if (i + 1 >= end)
            {
                return false; // a kind with no room for its length byte
            }
            final int optionLength = buffer.getByte(i + 1) & 0xFF;
            // RFC 9293 §3.1: be prepared for an illegal option length (e.g. zero) without crashing
            if (optionLength < 2 || i + optionLength > end)
            {
                return false;
            }
            switch (kind)
            {
                case KIND_MSS ->
                {
                    if (optionLength == LENGTH_MSS)
                    {
                        mss = buffer.getShort(i + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                    }
                    else
                    {
                        ignoredOptions++;
                    }
                }
                case KIND_WINDOW_SCALE ->
                {
                    if (optionLength == LENGTH_WINDOW_SCALE)
                    {
                        windowScale = buffer.getByte(i + 2) & 0xFF;
                    }
                    else
                    {
                        ignoredOptions++;
                    }
                }
                case KIND_SACK_PERMITTED ->
                {
                    if (optionLength == LENGTH_SACK_PERMITTED)
                    {
                        sackPermitted = true;
                    }
                    else
                    {
                        ignoredOptions++;
                    }
                }
                case KIND_SACK ->
                {
                    if (optionLength >= 10 && (optionLength - 2) % 8 == 0)
                    {
                        final int blocks = Math.min((optionLength - 2) / 8, MAX_SACK_BLOCKS);
                        for (int b = 0; b < blocks; b++)
                        {
                            sackLeft[b] = buffer.getInt(i + 2 + b * 8, ByteOrder.BIG_ENDIAN);
                            sackRight[b] = buffer.getInt(i + 6 + b * 8, ByteOrder.BIG_ENDIAN);
                        }
                        sackBlocks = blocks;
                    }
                    else
                    {
                        ignoredOptions++;
                    }
                }
                case KIND_TIMESTAMPS ->
                {
                    if (optionLength == LENGTH_TIMESTAMPS)
                    {
                        timestamps = true;
                        timestampValue = buffer.getInt(i + 2, ByteOrder.BIG_ENDIAN);
                        timestampEchoReply = buffer.getInt(i + 6, ByteOrder.BIG_ENDIAN);
                    }
                    else
                    {
                        ignoredOptions++;
                    }
                }
                default ->
                {
                    // RFC 9293 §3.2: an option we do not know is skipped by its length
                }
            }
            i += optionLength;
        }
        return true;
    }

    /** Whether an MSS option was present. */
    public boolean hasMss()
    {
        return mss >= 0;
    }

    /** The MSS option's value, or -1. */
    public int mss()
    {
        return mss;
    }

    public boolean hasWindowScale()
    {
        return windowScale >= 0;
    }

    /** The shift count as sent (may exceed 14), or -1. */
    public int windowScale()
    {
        return windowScale;
    }

    public boolean sackPermitted()
    {
        return sackPermitted;
    }

    public boolean hasTimestamps()
    {
        return timestamps;
    }

    /** TSval. */
    public int timestampValue()
    {
        return timestampValue;
    }

    /** TSecr. */
    public int timestampEchoReply()
    {
        return timestampEchoReply;
    }

    public int sackBlockCount()
    {
        return sackBlocks;
    }

    public int sackLeftEdge(final int block)
    {
        return sackLeft[block];
    }

    public int sackRightEdge(final int block)
    {
        return sackRight[block];
    }

    /** Known options with a wrong length, skipped, since this holder was made. */
    public long ignoredOptions()
    {
        return ignoredOptions;
    }

    // ---------------------------------------------------------------- writers

    /**
     * Writes the options of a SYN or SYN-ACK in the layout Linux uses (so middleboxes see the familiar shape):
     * MSS; SACK-Permitted and Timestamps (each padded with NOPs when the other is absent); NOP, Window Scale.
     *
     * @param windowScale our shift count, or -1 to send no Window Scale option
     * @return the options' length, a multiple of 4 (at most 20)
     */
    public static int writeSyn(
        final MutableDirectBuffer buffer, final int offset, final int mss, final int windowScale,
        final boolean sackPermitted, final boolean timestamps, final int timestampValue, final int timestampEchoReply)
    {
        int i = offset;
        buffer.putByte(i, (byte)KIND_MSS);
        buffer.putByte(i + 1, (byte)LENGTH_MSS);
        buffer.putShort(i + 2, (short)mss, ByteOrder.BIG_ENDIAN);
        i += 4;
        if (sackPermitted && timestamps)
        {
            buffer.putByte(i, (byte)KIND_SACK_PERMITTED);
            buffer.putByte(i + 1, (byte)LENGTH_SACK_PERMITTED);
            writeTimestampOption(buffer, i + 2, timestampValue, timestampEchoReply);
            i += 12;
        }
        else if (timestamps)
        {
            i += writeTimestamps(buffer, i, timestampValue, timestampEchoReply);
        }
        else if (sackPermitted)
        {
            buffer.putByte(i, (byte)KIND_NOP);
            buffer.putByte(i + 1, (byte)KIND_NOP);
            buffer.putByte(i + 2, (byte)KIND_SACK_PERMITTED);
            buffer.putByte(i + 3, (byte)LENGTH_SACK_PERMITTED);
            i += 4;
        }
        if (windowScale >= 0)
        {
            buffer.putByte(i, (byte)KIND_NOP);
            buffer.putByte(i + 1, (byte)KIND_WINDOW_SCALE);
            buffer.putByte(i + 2, (byte)LENGTH_WINDOW_SCALE);
            buffer.putByte(i + 3, (byte)windowScale);
            i += 4;
        }
        return i - offset;
    }

    /** The length {@link #writeSyn} writes for these choices. */
    public static int synLength(final int windowScale, final boolean sackPermitted, final boolean timestamps)
    {
        return 4 + (timestamps ? 12 : sackPermitted ? 4 : 0) + (windowScale >= 0 ? 4 : 0);
    }

    /** Writes NOP, NOP, Timestamps (RFC 7323 Appendix A's aligned layout); returns 12. */
    public static int writeTimestamps(
        final MutableDirectBuffer buffer, final int offset, final int timestampValue, final int timestampEchoReply)
    {
        buffer.putByte(offset, (byte)KIND_NOP);
        buffer.putByte(offset + 1, (byte)KIND_NOP);
        writeTimestampOption(buffer, offset + 2, timestampValue, timestampEchoReply);
        return ALIGNED_TIMESTAMPS_LENGTH;
    }

    private static void writeTimestampOption(
        final MutableDirectBuffer buffer, final int offset, final int timestampValue, final int timestampEchoReply)
    {
        buffer.putByte(offset, (byte)KIND_TIMESTAMPS);
        buffer.putByte(offset + 1, (byte)LENGTH_TIMESTAMPS);
        buffer.putInt(offset + 2, timestampValue, ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 6, timestampEchoReply, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Writes NOP, NOP, SACK with {@code count} blocks [left, right) (RFC 2018 §3, aligned as in its Appendix):
     * <pre>
     *                      +--------+--------+
     *                      | Kind=5 | Length |
     *    +--------+--------+--------+--------+
     *    |      Left Edge of 1st Block       |
     *    +--------+--------+--------+--------+
     *    |      Right Edge of 1st Block      |
     *    +--------+--------+--------+--------+
     *    /            . . .                  /
     * </pre>
     *
     * @return the bytes written: {@link #sackLength}({@code count}).
     */
    public static int writeSack(
        final MutableDirectBuffer buffer, final int offset, final int[] left, final int[] right, final int count)
    {
        if (count < 1 || count > MAX_SACK_BLOCKS)
        {
            throw new IllegalArgumentException("a SACK option holds 1 to 4 blocks, not " + count);
        }
        buffer.putByte(offset, (byte)KIND_NOP);
        buffer.putByte(offset + 1, (byte)KIND_NOP);
        buffer.putByte(offset + 2, (byte)KIND_SACK);
        buffer.putByte(offset + 3, (byte)(2 + 8 * count));
        for (int b = 0; b < count; b++)
        {
            buffer.putInt(offset + 4 + 8 * b, left[b], ByteOrder.BIG_ENDIAN);
            buffer.putInt(offset + 8 + 8 * b, right[b], ByteOrder.BIG_ENDIAN);
        }
        return sackLength(count);
    }

    /** The length {@link #writeSack} writes for {@code count} blocks (0 for none). */
    public static int sackLength(final int count)
    {
        return count == 0 ? 0 : 4 + 8 * count;
    }
}
