package io.ringstack.ethernet.wire;

import io.ringstack.nic.e1000.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an ARP packet (RFC 826) for Ethernet hardware and IPv4 protocol addresses:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ar$hrd (hardware)        |      ar$pro (protocol)        |
 * +---------------+---------------+-------------------------------+
 * |  ar$hln (6)   |  ar$pln (4)   |          ar$op                |
 * +---------------+---------------+-------------------------------+
 * |             ar$sha, sender hardware address (6)               |
 * +                               +-------------------------------+
 * |                               | ar$spa, sender protocol (4)   |
 * +-------------------------------+-------------------------------+
 * |                               |  ar$tha, target hardware (6)  |
 * +-------------------------------+                               +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |             ar$tpa, target protocol address (4)               |
 * +---------------------------------------------------------------+
 * </pre>
 * IPv4 addresses are {@code int}s in network order (10.0.0.1 is {@code 0x0A000001}).
 */
public final class ArpPacket
{
    public static final int HARDWARE_TYPE_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    public static final int OPERATION_OFFSET = 6;
    public static final int SENDER_HARDWARE_OFFSET = 8;
    public static final int SENDER_PROTOCOL_OFFSET = 14;
    public static final int TARGET_HARDWARE_OFFSET = 18;
    public static final int TARGET_PROTOCOL_OFFSET = 24;
    /** The fixed part: hardware type, protocol type, the two lengths and the operation. */
    public static final int FIXED_LENGTH = 8;
    /** An Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;

    public static final int HARDWARE_ETHERNET = 1;
    public static final int OPERATION_REQUEST = 1;
    public static final int OPERATION_REPLY = 2;

    private DirectBuffer buffer;
    private int offset;
    private ArpDrop problem;

    /**
     * Wraps an ARP packet; false, with {@link #problem()} set, unless it is a complete Ethernet/IPv4 request or
     * reply. The length fields are checked against the buffer before any address is read, so absurd lengths are
     * rejected, never followed.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.problem = null;
        if (length < FIXED_LENGTH)
        {
            return fail(ArpDrop.TRUNCATED);
        }
        if (hardwareType() != HARDWARE_ETHERNET || protocolType() != EtherType.IPV4)
        {
            return fail(ArpDrop.UNSUPPORTED_ADDRESS_SPACE);
        }
        if (hardwareLength() != 6 || protocolLength() != 4)
        {
            return fail(ArpDrop.BAD_ADDRESS_LENGTH);
        }
        if (length < LENGTH)
        {
            return fail(ArpDrop.TRUNCATED);
        }
        final int op = operation();
        if (op != OPERATION_REQUEST && op != OPERATION_REPLY)
        {
            return fail(ArpDrop.BAD_OPERATION);
        }
        return true;
    }

    private boolean fail(final ArpDrop reason)
    {
        problem = reason;
        return false;
    }

    public ArpDrop problem()
    {
        return problem;
    }

    public int hardwareType()
    {
        return buffer.getShort(offset + HARDWARE_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int protocolType()
    {
        return buffer.getShort(offset + PROTOCOL_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int hardwareLength()
    {
        return buffer.getByte(offset + HARDWARE_LENGTH_OFFSET) & 0xFF;
    }

    public int protocolLength()
    {
        return buffer.getByte(offset + PROTOCOL_LENGTH_OFFSET) & 0xFF;
    }

    public int operation()
    {
        return buffer.getShort(offset + OPERATION_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public long senderHardwareAddress()
    {
        return MacAddress.read(buffer, offset + SENDER_HARDWARE_OFFSET);
    }

    public int senderProtocolAddress()
    {
        return buffer.getInt(offset + SENDER_PROTOCOL_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public long targetHardwareAddress()
    {
        return MacAddress.read(buffer, offset + TARGET_HARDWARE_OFFSET);
    }

    public int targetProtocolAddress()
    {
        return buffer.getInt(offset + TARGET_PROTOCOL_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /** Writes a complete Ethernet/IPv4 ARP packet at {@code offset}; returns its length (28). */
    public static int write(
        final MutableDirectBuffer buffer, final int offset, final int operation,
        final long senderHardware, final int senderProtocol, final long targetHardware, final int targetProtocol)
    {
        buffer.putShort(offset + HARDWARE_TYPE_OFFSET, (short)HARDWARE_ETHERNET, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + PROTOCOL_TYPE_OFFSET, (short)EtherType.IPV4, ByteOrder.BIG_ENDIAN);
        buffer.putByte(offset + HARDWARE_LENGTH_OFFSET, (byte)6);
        buffer.putByte(offset + PROTOCOL_LENGTH_OFFSET, (byte)4);
        buffer.putShort(offset + OPERATION_OFFSET, (short)operation, ByteOrder.BIG_ENDIAN);
        MacAddress.write(buffer, offset + SENDER_HARDWARE_OFFSET, senderHardware);
        buffer.putInt(offset + SENDER_PROTOCOL_OFFSET, senderProtocol, ByteOrder.BIG_ENDIAN);
        MacAddress.write(buffer, offset + TARGET_HARDWARE_OFFSET, targetHardware);
        buffer.putInt(offset + TARGET_PROTOCOL_OFFSET, targetProtocol, ByteOrder.BIG_ENDIAN);
        return LENGTH;
    }
}
