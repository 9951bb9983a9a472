package io.ringstack.ethernet.wire;

import io.ringstack.nic.e1000.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over an Ethernet II frame where it lies (an RX buffer, a capture record), with up to
 * {@link #MAX_VLAN_TAGS} stacked 802.1Q/802.1ad tags:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   destination address (6)                     |
 * +                               +-------------------------------+
 * |                               |                               |
 * +-------------------------------+                               +
 * |                     source address (6)                        |
 * +-------------------------------+-------------------------------+
 * | TPID 0x88a8 / 0x8100 (opt.)   | PCP |D|   VLAN identifier     |  repeated per tag
 * +-------------------------------+-------------------------------+
 * |          EtherType            |   payload ...
 * +-------------------------------+
 * </pre>
 * The frame carries no FCS (the 8254x strips it, captures rarely hold it). {@link #wrap} checks that every field
 * it exposes lies inside the buffer before any is read; on failure {@link #problem()} says why.
 */
public final class EthernetFrame
{
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int TYPE_OFFSET = 12;
    public static final int HEADER_LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;
    /** Two tags: an 802.1ad S-TAG outside an 802.1Q C-TAG (QinQ). */
    public static final int MAX_VLAN_TAGS = 2;
    /** Frames shorter than this (without FCS) are padded on transmit (IEEE 802.3 minimum of 64 with FCS). */
    public static final int MIN_FRAME_LENGTH = 60;

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int vlanCount;
    private final int[] tagControl = new int[MAX_VLAN_TAGS];
    private final int[] tagProtocol = new int[MAX_VLAN_TAGS];
    private int etherType;
    private int headerLength;
    private EthernetDrop problem;

    /**
     * Wraps {@code length} bytes at {@code offset}. Returns false, with {@link #problem()} set, when the header
     * or a VLAN tag is cut short, there are too many tags, or the type field is an 802.3 length.
     */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.vlanCount = 0;
        this.problem = null;
        if (length < HEADER_LENGTH)
        {
            return fail(EthernetDrop.TRUNCATED);
        }
        int typeAt = TYPE_OFFSET;
        int type = buffer.getShort(offset + typeAt, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        while (EtherType.isVlanTag(type))
        {
            if (vlanCount == MAX_VLAN_TAGS)
            {
                return fail(EthernetDrop.TOO_MANY_VLAN_TAGS);
            }
            if (typeAt + VLAN_TAG_LENGTH + 2 > length)
            {
                return fail(EthernetDrop.TRUNCATED);
            }
            tagProtocol[vlanCount] = type;
            tagControl[vlanCount] = buffer.getShort(offset + typeAt + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            vlanCount++;
            typeAt += VLAN_TAG_LENGTH;
            type = buffer.getShort(offset + typeAt, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        etherType = type;
        headerLength = typeAt + 2;
        if (type < EtherType.MIN_ETHERTYPE)
        {
            return fail(EthernetDrop.LLC_FRAME);
        }
        return true;
    }

    private boolean fail(final EthernetDrop reason)
    {
        problem = reason;
        return false;
    }

    public EthernetDrop problem()
    {
        return problem;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    public long destination()
    {
        return MacAddress.read(buffer, offset + DESTINATION_OFFSET);
    }

    public long source()
    {
        return MacAddress.read(buffer, offset + SOURCE_OFFSET);
    }

    /** The EtherType after any VLAN tags (or the 802.3 length when {@link #problem()} is LLC_FRAME). */
    public int etherType()
    {
        return etherType;
    }

    public int vlanCount()
    {
        return vlanCount;
    }

    /** Tag protocol identifier of tag {@code i} (0 is outermost): 0x88a8 or 0x8100. */
    public int tagProtocol(final int i)
    {
        return tagProtocol[i];
    }

    /** The tag control information word (TCI) of tag {@code i}, 0 outermost; {@link VlanTag} reads its fields. */
    public int tagControl(final int i)
    {
        return tagControl[i];
    }

    /** VLAN identifier (12 bits) of tag {@code i}, 0 outermost. */
    public int vlanId(final int i)
    {
        return VlanTag.id(tagControl[i]);
    }

    /** Priority code point (3 bits, IEEE 802.1p) of tag {@code i}. */
    public int priority(final int i)
    {
        return VlanTag.priority(tagControl[i]);
    }

    /** Drop eligible indicator of tag {@code i}. */
    public boolean dropEligible(final int i)
    {
        return VlanTag.dropEligible(tagControl[i]);
    }

    /** The innermost VLAN identifier, or -1 when untagged. */
    public int innerVlanId()
    {
        return vlanCount == 0 ? -1 : vlanId(vlanCount - 1);
    }

    /** Bytes from the frame's start to its payload: 14 plus 4 per tag. */
    public int headerLength()
    {
        return headerLength;
    }

    /** Absolute offset of the payload in {@link #buffer()}. */
    public int payloadOffset()
    {
        return offset + headerLength;
    }

    /** Bytes after the header, including any padding to the 60-byte minimum. */
    public int payloadLength()
    {
        return length - headerLength;
    }

    /**
     * Writes an untagged header at {@code offset}; returns its length (14).
     */
    public static int writeHeader(
        final MutableDirectBuffer buffer, final int offset, final long destination, final long source, final int etherType)
    {
        MacAddress.write(buffer, offset + DESTINATION_OFFSET, destination);
        MacAddress.write(buffer, offset + SOURCE_OFFSET, source);
        buffer.putShort(offset + TYPE_OFFSET, (short)etherType, ByteOrder.BIG_ENDIAN);
        return HEADER_LENGTH;
    }

    /**
     * Writes a header with one 802.1Q tag (or none when {@code vlanId < 0}); returns its length (18 or 14).
     */
    public static int writeHeader(
        final MutableDirectBuffer buffer, final int offset, final long destination, final long source,
        final int vlanId, final int priority, final int etherType)
    {
        if (vlanId < 0)
        {
            return writeHeader(buffer, offset, destination, source, etherType);
        }
        MacAddress.write(buffer, offset + DESTINATION_OFFSET, destination);
        MacAddress.write(buffer, offset + SOURCE_OFFSET, source);
        buffer.putShort(offset + TYPE_OFFSET, (short)EtherType.VLAN, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + TYPE_OFFSET + 2, (short)VlanTag.tagControl(priority, false, vlanId), ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + TYPE_OFFSET + 4, (short)etherType, ByteOrder.BIG_ENDIAN);
        return HEADER_LENGTH + VLAN_TAG_LENGTH;
    }

    /**
     * Writes the four bytes that follow a tag protocol identifier: the tag control information (priority, drop
     * eligible indicator, VLAN identifier) and the type after the tag, which is the next tag's TPID or the EtherType;
     * returns 4. A header with stacked tags (IEEE 802.1ad S-TAG outside an 802.1Q C-TAG) is
     * {@code writeHeader(.., outermostTpid)} at 0, then one {@code writeTag} per tag at 14, 18, ...
     */
    public static int writeTag(
        final MutableDirectBuffer buffer, final int offset, final int priority, final boolean dropEligible,
        final int vlanId, final int nextType)
    {
        final int tagControl = VlanTag.tagControl(priority, dropEligible, vlanId);
        buffer.putShort(offset, (short)tagControl, ByteOrder.BIG_ENDIAN);
        buffer.putShort(offset + 2, (short)nextType, ByteOrder.BIG_ENDIAN);
        return VLAN_TAG_LENGTH;
    }

    /** Header length {@link #writeHeader} uses: 14, or 18 with a VLAN. */
    public static int headerLength(final int vlanId)
    {
        return vlanId < 0 ? HEADER_LENGTH : HEADER_LENGTH + VLAN_TAG_LENGTH;
    }
}
