package io.ringstack.nic.e1000;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * MAC addresses as a {@code long} holding 48 bits, the first byte on the wire most significant
 * ({@code 52:54:00:12:34:56} is {@code 0x5254_0012_3456L}): no objects on the hot path.
 */
public final class MacAddress
{
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    public static final long NONE = 0L;

    private MacAddress()
    {
    }

    /** Reads 6 bytes in wire order. */
    public static long read(final DirectBuffer buffer, final int offset)
    {
        return ((buffer.getShort(offset, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFFL) << 32) |
            (buffer.getInt(offset + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
    }

    public static void write(final MutableDirectBuffer buffer, final int offset, final long mac)
    {
        buffer.putShort(offset, (short)(mac >>> 32), java.nio.ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 2, (int)mac, java.nio.ByteOrder.BIG_ENDIAN);
    }

    /** I/G bit: the first byte's least significant bit marks group (multicast and broadcast) addresses. */
    public static boolean isGroup(final long mac)
    {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with '-'); throws with the expected form on anything else. */
    public static long parse(final String text)
    {
        final String[] parts = text.split("[:-]");
        if (parts.length != 6)
        {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address: write six hex bytes, e.g. 52:54:00:12:34:56");
        }
        long mac = 0;
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 2)
            {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address: each byte is one or two hex digits");
            }
            try
            {
                mac = (mac << 8) | Integer.parseInt(part, 16);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address: '" + part + "' is not hex", ex);
            }
        }
        return mac;
    }

    public static String toString(final long mac)
    {
        final StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int b = (int)(mac >>> shift) & 0xFF;
            text.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (shift > 0)
            {
                text.append(':');
            }
        }
        return text.toString();
    }

    /**
     * The 12-bit multicast table hash for RCTL.MO = {@code offsetMode} (SDM §13.5.1): bits of the address's last
     * two bytes, as the MTA indexes them (MTA word {@code hash >>> 5}, bit {@code hash & 31}).
     */
    public static int multicastHash(final long mac, final int offsetMode)
    {
        final int byte4 = (int)(mac >>> 8) & 0xFF;
        final int byte5 = (int)mac & 0xFF;
        final int hash = switch (offsetMode & 3)
        {
            case 0 -> (byte4 >>> 4) | (byte5 << 4);
            case 1 -> (byte4 >>> 3) | (byte5 << 5);
            case 2 -> (byte4 >>> 2) | (byte5 << 6);
            default -> byte4 | (byte5 << 8);
        };
        return hash & 0xFFF;
    }
}
