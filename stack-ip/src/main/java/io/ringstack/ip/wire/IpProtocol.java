package io.ringstack.ip.wire;

/** IPv4 protocol numbers (IANA) that ringstack handles. */
public final class IpProtocol
{
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;

    private IpProtocol()
    {
    }
}
