package io.ringstack.ip.decode;

import io.ringstack.nic.e1000.MacAddress;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over the pseudo link-layer header that Linux writes for captures on "any" device and on links without
 * an Ethernet header (LINKTYPE_LINUX_SLL, 113, and LINKTYPE_LINUX_SLL2, 276; see tcpdump.org/linktypes).
 * <pre>
 * SLL (16 bytes)                                SLL2 (20 bytes)
 * +---------------+---------------+             +---------------+---------------+
 * |  packet type  |  ARPHRD type  |             | protocol type |   reserved    |
 * +---------------+---------------+             +---------------+---------------+
 * | address length|               |             |       interface index         |
 * +---------------+               +             +---------------+-------+-------+
 * |     link-layer address (8)    |             |  ARPHRD type  |pkttype|addrlen|
 * +               +---------------+             +---------------+-------+-------+
 * |               | protocol type |             |     link-layer address (8)    |
 * +---------------+---------------+             +-------------------------------+
 * </pre>
 * Each field is 2 bytes wide except where drawn narrower; all big-endian. The protocol type is an EtherType for the
 * link types ringstack parses.
 */
public final class LinuxCookedHeader
{
    public static final int SLL_LENGTH = 16;
    public static final int SLL2_LENGTH = 20;
    public static final int MAX_ADDRESS_LENGTH = 8;

    public static final int PACKET_TYPE_HOST = 0;
    public static final int PACKET_TYPE_BROADCAST = 1;
    public static final int PACKET_TYPE_MULTICAST = 2;
    public static final int PACKET_TYPE_OTHER_HOST = 3;
    public static final int PACKET_TYPE_OUTGOING = 4;

    /** ARPHRD_NETLINK: the protocol type is then a netlink family, not an EtherType. */
    public static final int ARPHRD_NETLINK = 824;

    private DirectBuffer buffer;
    private int offset;
    private int headerLength;
    private int protocolType;
    private int hardwareType;
    private int packetType;
    private int addressLength;
    private int addressOffset;

    /**
     * Wraps an SLL ({@code version2} false) or SLL2 header; false when {@code length} is shorter than the header.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length, final boolean version2)
    {
        this.buffer = buffer;
        this.offset = offset;
        if (version2)
        {
            headerLength = SLL2_LENGTH;
            if (length < SLL2_LENGTH)
            {
                return false;
            }
            protocolType = buffer.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            hardwareType = buffer.getShort(offset + 8, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            packetType = buffer.getByte(offset + 10) & 0xFF;
            addressLength = buffer.getByte(offset + 11) & 0xFF;
            addressOffset = 12;
        }
        else
        {
            headerLength = SLL_LENGTH;
            if (length < SLL_LENGTH)
            {
                return false;
            }
            packetType = buffer.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            hardwareType = buffer.getShort(offset + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            addressLength = buffer.getShort(offset + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            addressOffset = 6;
            protocolType = buffer.getShort(offset + 14, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        return true;
    }

    public int headerLength()
    {
        return headerLength;
    }

    /** The EtherType of the payload (for ARPHRD types other than netlink). */
    public int protocolType()
    {
        return protocolType;
    }

    /** The ARPHRD_ type of the interface (1 Ethernet, 772 loopback, 512 PPP, ...). */
    public int hardwareType()
    {
        return hardwareType;
    }

    /** {@link #PACKET_TYPE_HOST} .. {@link #PACKET_TYPE_OUTGOING}. */
    public int packetType()
    {
        return packetType;
    }

    /** Bytes of the link-layer address that are meaningful, as the header states (may exceed 8). */
    public int addressLength()
    {
        return addressLength;
    }

    /** The source address as a 48-bit MAC, valid when {@link #addressLength()} is 6. */
    public long sourceMac()
    {
        return MacAddress.read(buffer, offset + addressOffset);
    }
}
