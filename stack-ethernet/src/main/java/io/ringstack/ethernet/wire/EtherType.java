package io.ringstack.ethernet.wire;

/** EtherType values (IEEE 802 numbers) that ringstack knows. A value below {@link #MIN_ETHERTYPE} is an 802.3 length. */
public final class EtherType
{
    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    /** IEEE 802.1Q customer VLAN tag (C-TAG). */
    public static final int VLAN = 0x8100;
    /** IEEE 802.1ad service VLAN tag (S-TAG), the outer tag of a stacked (QinQ) pair. */
    public static final int QINQ = 0x88A8;
    public static final int IPV6 = 0x86DD;
    /** Values up to 1500 are an IEEE 802.3 length field; 0x0600 and above are EtherTypes. */
    public static final int MIN_ETHERTYPE = 0x0600;

    private EtherType()
    {
    }

    public static boolean isVlanTag(final int type)
    {
        return type == VLAN || type == QINQ;
    }
}
