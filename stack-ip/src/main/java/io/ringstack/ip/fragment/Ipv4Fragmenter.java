package io.ringstack.ip.fragment;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Cuts an IPv4 datagram too long for the link into fragments (RFC 791 §3.2, "An Example Fragmentation
 * Procedure"), each built in a fresh pool buffer after {@code headroom} bytes left for the link headers:
 * <pre>
 *  original:  | header (IHL × 4) | payload ..................................................... |
 *  fragment 1 | header, all options      | payload [0, NFB × 8)                       MF = 1       |
 *  fragment 2 | header, copied options   | payload [NFB × 8, ...)                     MF = 1       |
 *  last       | header, copied options   | the rest                                   MF = original |
 * </pre>
 * Every fragment but the last carries a multiple of 8 payload bytes and is at most {@code mtu} bytes. The first
 * fragment keeps all options; later ones only those whose copied flag (the type's high bit) is set, padded with
 * zeros (End of Option List) to a multiple of 4 (RFC 791 §3.1). A datagram that is itself a fragment can be cut
 * again: offsets add up, and the last piece keeps the original MF flag. Each header's checksum is recomputed.
 * <p>
 * Not thread-safe; allocates nothing per call.
 */
public final class Ipv4Fragmenter
{
    /** RFC 791 §3.2: "Every internet module must be able to forward a datagram of 68 octets without further
     *  fragmentation": 60 bytes of header and 8 bytes of data. */
    public static final int MIN_MTU = 68;
    /** RFC 791 §3.1 option type: the copied flag. */
    public static final int OPTION_COPIED_FLAG = 0x80;

    private final PacketBufferPool pool;
    private final UnsafeBuffer memory;
    private final int headroom;
    private final ReasonCounters<Ipv4Drop> drops;
    private final Ipv4Header header = new Ipv4Header();
    private long datagramsFragmented;
    private long fragmentsSent;
    private long sinkRefusals;

    /**
     * @param pool     where fragments are built (claimed as {@link BufferHolder#TX_BUILD})
     * @param headroom bytes left before the IP header in each buffer (room for Ethernet and VLAN tags)
     */
    public Ipv4Fragmenter(final PacketBufferPool pool, final int headroom)
    {
        this(pool, headroom, new ReasonCounters<>(Ipv4Drop.class));
    }

    /** As {@link #Ipv4Fragmenter(PacketBufferPool, int)}; an empty pool is counted in {@code drops} as NO_BUFFER. */
    public Ipv4Fragmenter(final PacketBufferPool pool, final int headroom, final ReasonCounters<Ipv4Drop> drops)
    {
        if (pool == null || drops == null)
        {
            throw new NullPointerException("pool and drops are required");
        }
        if (headroom < 0 || headroom + MIN_MTU > pool.bufferSize())
        {
            throw new IllegalArgumentException("headroom " + headroom + " must be from 0 to bufferSize - " +
                MIN_MTU + " (" + (pool.bufferSize() - MIN_MTU) + ")");
        }
        this.pool = pool;
        this.memory = pool.memory();
        this.headroom = headroom;
        this.drops = drops;
    }

    /**
     * Splits the datagram at {@code (buffer, ipOffset, ipLength)} into fragments of at most {@code mtu} bytes and
     * hands them to {@code sink} in order. The caller keeps the original.
     *
     * @return the number of fragments handed over, or -1 if the pool ran out ({@link Ipv4Drop#NO_BUFFER}) or the
     * sink refused one ({@link #sinkRefusals()}); fragments already handed over stay with the sink, nothing leaks.
     * @throws IllegalArgumentException if {@code mtu} is below 68 or beyond the pool's buffers, the datagram is
     *                                  malformed, has DF set, or fits the MTU.
     */
    public int fragment(
        final DirectBuffer buffer, final int ipOffset, final int ipLength, final int mtu, final FragmentSink sink)
    {
        if (mtu < MIN_MTU)
        {
            throw new IllegalArgumentException("mtu " + mtu + " is below " + MIN_MTU +
                ", the least every IPv4 link must carry (RFC 791 §3.2)");
        }
        if (!header.wrap(buffer, ipOffset, ipLength))
        {
            throw new IllegalArgumentException("not a valid IPv4 datagram: " + header.problem());
        }
        if (header.dontFragment())
        {
            throw new IllegalArgumentException("the datagram has DF (don't fragment) set: it must not be " +
                "fragmented; drop it (Ipv4Drop.NEEDS_FRAGMENTATION) or report the MTU to its sender (RFC 1191)");
        }
        final int totalLength = header.totalLength();
        if (totalLength <= mtu)
        {
            throw new IllegalArgumentException("the datagram (" + totalLength + " B) fits the MTU (" + mtu +
                " B): send it whole");
        }
        if (headroom + mtu > pool.bufferSize())
        {
            throw new IllegalArgumentException("a fragment of up to " + mtu + " B after " + headroom +
                " B of headroom does not fit the pool's " + pool.bufferSize() + " B buffers: lower the MTU");
        }
        if (sink == null)
        {
            throw new NullPointerException("sink");
        }
        final int firstHeaderLength = header.headerLength();
        final int payloadLength = header.payloadLength();
        final int originalOffset = header.fragmentOffset();
        if (originalOffset + payloadLength > Ipv4Header.MAX_TOTAL_LENGTH - firstHeaderLength)
        {
            throw new IllegalArgumentException("the fragment's data would end beyond 65,535 bytes (offset " +
                originalOffset + " + " + payloadLength + ")");
        }
        final boolean originalMore = header.moreFragments();
        final int keptFlags = (buffer.getShort(ipOffset + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
            Ipv4Header.FLAG_RESERVED);
        final int laterHeaderLength = Ipv4Header.MIN_HEADER_LENGTH +
            align4(copiedOptions(buffer, ipOffset, firstHeaderLength, null, 0));
        final int payloadOffset = header.payloadOffset();

        int position = 0;
        int count = 0;
        while (position < payloadLength)
        {
            final boolean first = position == 0;
            final int headerLength = first ? firstHeaderLength : laterHeaderLength;
            // RFC 791 §3.2: NFB = (MTU - IHL × 4) / 8, the number of 8-octet blocks of data that fit
            int dataLength = (mtu - headerLength) & ~7;
            final boolean last = position + dataLength >= payloadLength;
            if (last)
            {
                dataLength = payloadLength - position;
            }
            final int fragmentHandle = pool.claim(BufferHolder.TX_BUILD);
            if (fragmentHandle == PacketBufferPool.NO_BUFFER)
            {
                drops.increment(Ipv4Drop.NO_BUFFER);
                return -1;
            }
            final int out = pool.offset(fragmentHandle) + headroom;
            if (first)
            {
                memory.putBytes(out, buffer, ipOffset, firstHeaderLength);
            }
            else
            {
                memory.putBytes(out, buffer, ipOffset, Ipv4Header.MIN_HEADER_LENGTH);
                final int copied = copiedOptions(buffer, ipOffset, firstHeaderLength, memory,
                    out + Ipv4Header.MIN_HEADER_LENGTH);
                memory.setMemory(out + Ipv4Header.MIN_HEADER_LENGTH + copied,
                    laterHeaderLength - Ipv4Header.MIN_HEADER_LENGTH - copied, (byte)Ipv4Header.OPTION_END);
                memory.putByte(out + Ipv4Header.VERSION_IHL_OFFSET, (byte)(0x40 | laterHeaderLength >>> 2));
            }
            final int fragmentLength = headerLength + dataLength;
            final int moreFlag = last && !originalMore ? 0 : Ipv4Header.FLAG_MORE_FRAGMENTS;
            memory.putShort(out + Ipv4Header.TOTAL_LENGTH_OFFSET, (short)fragmentLength, ByteOrder.BIG_ENDIAN);
            memory.putShort(out + Ipv4Header.FLAGS_FRAGMENT_OFFSET,
                (short)(keptFlags | moreFlag | (originalOffset + position) >>> 3), ByteOrder.BIG_ENDIAN);
            memory.putBytes(out + headerLength, buffer, payloadOffset + position, dataLength);
            Ipv4Header.updateChecksum(memory, out, headerLength);
            if (!sink.onFragment(fragmentHandle, out, fragmentLength))
            {
                pool.release(fragmentHandle);
                sinkRefusals++;
                return -1;
            }
            fragmentsSent++;
            count++;
            position += dataLength;
        }
        datagramsFragmented++;
        return count;
    }

    /**
     * Walks the options of the header at {@code offset} (already validated by {@link Ipv4Header#wrap}) and copies
     * those with the copied flag to {@code out} (null: only measure). Returns the bytes they take, unpadded.
     */
    static int copiedOptions(
        final DirectBuffer buffer, final int offset, final int headerLength, final MutableDirectBuffer out,
        final int outOffset)
    {
        int i = offset + Ipv4Header.MIN_HEADER_LENGTH;
        final int end = offset + headerLength;
        int copied = 0;
        while (i < end)
        {
            final int type = buffer.getByte(i) & 0xFF;
            if (type == Ipv4Header.OPTION_END)
            {
                break;
            }
            if (type == Ipv4Header.OPTION_NOP)
            {
                i++; // copied flag clear: not copied
                continue;
            }
            final int length = buffer.getByte(i + 1) & 0xFF;
            if ((type & OPTION_COPIED_FLAG) != 0)
            {
                if (out != null)
                {
                    out.putBytes(outOffset + copied, buffer, i, length);
                }
                copied += length;
            }
            i += length;
        }
        return copied;
    }

    private static int align4(final int length)
    {
        return (length + 3) & ~3;
    }

    public PacketBufferPool pool()
    {
        return pool;
    }

    public int headroom()
    {
        return headroom;
    }

    public ReasonCounters<Ipv4Drop> drops()
    {
        return drops;
    }

    /** Datagrams cut and handed over whole. */
    public long datagramsFragmented()
    {
        return datagramsFragmented;
    }

    public long fragmentsSent()
    {
        return fragmentsSent;
    }

    /** Fragments the sink could not send (each ending its datagram's fragmentation). */
    public long sinkRefusals()
    {
        return sinkRefusals;
    }
}
