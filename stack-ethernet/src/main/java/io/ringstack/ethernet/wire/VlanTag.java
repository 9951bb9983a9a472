package io.ringstack.ethernet.wire;

/**
 * The fields of an 802.1Q tag control information word (TCI, the 16 bits after the TPID):
 * <pre>
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * +-----+-+-----------------------+
 * | PCP |D|   VLAN identifier     |
 * +-----+-+-----------------------+
 * </pre>
 */
public final class VlanTag
{
    private VlanTag()
    {
    }

    /** VLAN identifier, 12 bits. */
    public static int id(final int tagControl)
    {
        return tagControl & 0x0FFF;
    }

    /** Priority code point (IEEE 802.1p), 3 bits. */
    public static int priority(final int tagControl)
    {
        return (tagControl & 0xFFFF) >>> 13;
    }

    /** Drop eligible indicator. */
    public static boolean dropEligible(final int tagControl)
    {
        return (tagControl & 0x1000) != 0;
    }

    /** The TCI word of these fields. */
    public static int tagControl(final int priority, final boolean dropEligible, final int id)
    {
        return (priority & 0x7) << 13 | (dropEligible ? 0x1000 : 0) | id & 0x0FFF;
    }
}
