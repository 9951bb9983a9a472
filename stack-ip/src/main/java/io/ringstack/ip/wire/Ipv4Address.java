package io.ringstack.ip.wire;

/**
 * IPv4 addresses as {@code int}s in network order, the first octet most significant (10.0.0.1 is
 * {@code 0x0A000001}): no objects on the hot path.
 */
public final class Ipv4Address
{
    public static final int ANY = 0;
    public static final int BROADCAST = 0xFFFF_FFFF;

    private Ipv4Address()
    {
    }

    /** Parses dotted-quad text; throws with the expected form on anything else. */
    public static int parse(final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: write four decimal octets, e.g. 10.0.0.1");
        }
        int address = 0;
        for (final String part : parts)
        {
            final int octet;
            try
            {
                octet = part.isEmpty() || part.length() > 3 ? -1 : Integer.parseInt(part);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: '" + part + "' is not a number", ex);
            }
            if (octet < 0 || octet > 255)
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: each octet is 0 to 255");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    public static String toString(final int address)
    {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /** The network mask of a prefix length (0..32). */
    public static int mask(final int prefixLength)
    {
        if (prefixLength < 0 || prefixLength > 32)
        {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not between 0 and 32");
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** Class D, 224.0.0.0/4 (RFC 1112). */
    public static boolean isMulticast(final int address)
    {
        return (address & 0xF000_0000) == 0xE000_0000;
    }

    /** 127.0.0.0/8. */
    public static boolean isLoopback(final int address)
    {
        return (address >>> 24) == 127;
    }

    /** Class E, 240.0.0.0/4, excluding the limited broadcast. */
    public static boolean isReserved(final int address)
    {
        return (address & 0xF000_0000) == 0xF000_0000 && address != BROADCAST;
    }
}
