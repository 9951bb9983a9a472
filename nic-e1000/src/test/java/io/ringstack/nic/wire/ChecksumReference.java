package io.ringstack.nic.wire;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The Internet checksum of RFC 1071 computed the slow, obvious way, to judge the fast one and the frames Linux
 * hands over: 16-bit big-endian words, end-around carry, an odd last byte padded with zero on the right. Frames are
 * Ethernet with at most one 802.1Q tag, then IPv4 with TCP or UDP.
 */
public final class ChecksumReference
{
    public static final int TCP = 6;
    public static final int UDP = 17;
    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;

    private ChecksumReference()
    {
    }

    /** The folded sum of {@code length} bytes from {@code offset}. */
    public static int sum(final byte[] bytes, final int offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int high = bytes[offset + i] & 0xFF;
            final int low = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
            while (sum > 0xFFFF)
            {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
        }
        return (int)sum;
    }

    public static int fold(final long partial)
    {
        long sum = partial;
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    /** Where the IPv4 header starts: 18 behind an 802.1Q tag, else 14. */
    public static int ipOffset(final byte[] frame)
    {
        return (new UnsafeBuffer(frame).getShort(12, NETWORK) & 0xFFFF) == 0x8100 ? 18 : 14;
    }

    public static int protocol(final byte[] frame)
    {
        return frame[ipOffset(frame) + 9] & 0xFF;
    }

    /** The TCP (16) or UDP (6) checksum field's offset in the frame. */
    public static int checksumFieldOffset(final byte[] frame)
    {
        final int ip = ipOffset(frame);
        return ip + (frame[ip] & 0x0F) * 4 + (protocol(frame) == TCP ? 16 : 6);
    }

    public static int checksumField(final byte[] frame)
    {
        return new UnsafeBuffer(frame).getShort(checksumFieldOffset(frame), NETWORK) & 0xFFFF;
    }

    /** The transport bytes of the datagram (to its IPv4 total length), plus the pseudo-header if asked. */
    public static int transportSum(final byte[] frame, final boolean withPseudoHeader)
    {
        final UnsafeBuffer view = new UnsafeBuffer(frame);
        final int ip = ipOffset(frame);
        final int headerLength = (frame[ip] & 0x0F) * 4;
        final int length = (view.getShort(ip + 2, NETWORK) & 0xFFFF) - headerLength;
        long sum = sum(frame, ip + headerLength, length);
        if (withPseudoHeader)
        {
            sum += sum(frame, ip + 12, 8) + protocol(frame) + length; // RFC 793 §3.1, RFC 768
        }
        return fold(sum);
    }

    /** Whether the frame's TCP or UDP checksum holds. */
    public static boolean transportChecksumValid(final byte[] frame)
    {
        return transportSum(frame, true) == 0xFFFF;
    }

    /** The checksum a sender writes: field as 0, pseudo-header, complement; UDP's 0 as all ones (RFC 768). */
    public static int checksumFor(final byte[] frame)
    {
        final byte[] copy = frame.clone();
        new UnsafeBuffer(copy).putShort(checksumFieldOffset(copy), (short)0);
        final int checksum = ~transportSum(copy, true) & 0xFFFF;
        return checksum == 0 && protocol(frame) == UDP ? 0xFFFF : checksum;
    }
}
