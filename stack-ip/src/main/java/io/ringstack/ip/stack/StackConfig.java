package io.ringstack.ip.stack;

import io.ringstack.ethernet.arp.ArpConfig;
import io.ringstack.ip.fragment.ReassemblyConfig;
import io.ringstack.ip.wire.Ipv4Address;

/**
 * The settings of one IPv4 interface on one NIC.
 *
 * @param address            our IPv4 address
 * @param prefixLength       the connected subnet's prefix length (1..32)
 * @param gateway            default gateway on that subnet, or {@link Ipv4Address#ANY} for none
 * @param mtu                largest IPv4 datagram per frame (68..{@value #MAX_MTU}; 1500 for Ethernet)
 * @param vlanId             802.1Q VLAN of the interface, or -1 for untagged
 * @param receiveBudget      frames handed up per poll of the driver (NAPI's budget)
 * @param udpQueueCapacity   datagrams each UDP socket queues before dropping
 * @param datagramBuffers    64 KiB buffers for reassembly and for sending datagrams above the MTU
 * @param icmpErrorsPerSecond token-bucket rate of ICMP errors we send (RFC 1122 §3.2.2)
 * @param icmpErrorBurst     token-bucket depth
 * @param arp                ARP settings
 * @param reassembly         reassembly settings
 */
public record StackConfig(
    int address,
    int prefixLength,
    int gateway,
    int mtu,
    int vlanId,
    int receiveBudget,
    int udpQueueCapacity,
    int datagramBuffers,
    int icmpErrorsPerSecond,
    int icmpErrorBurst,
    ArpConfig arp,
    ReassemblyConfig reassembly)
{
    /**
     * The largest MTU: the 8254x receives and sends frames of up to 16,128 bytes with RCTL.LPE (Linux's e1000 driver
     * allows the same MTU), less the Ethernet header and FCS.
     */
    public static final int MAX_MTU = 16_128 - 14 - 4;

    public static final int ETHERNET_MTU = 1500;

    public StackConfig
    {
        if (address == Ipv4Address.ANY || Ipv4Address.isMulticast(address) || address == Ipv4Address.BROADCAST)
        {
            throw new IllegalArgumentException("interface address " + Ipv4Address.toString(address) +
                " must be a unicast address");
        }
        if (prefixLength < 1 || prefixLength > 32)
        {
            throw new IllegalArgumentException("prefix length " + prefixLength + " must be 1..32 (e.g. 10.0.0.1/24)");
        }
        if (mtu < 68 || mtu > MAX_MTU)
        {
            throw new IllegalArgumentException("MTU " + mtu + " must be 68.." + MAX_MTU +
                " (RFC 791's minimum to the 8254x's largest jumbo frame)");
        }
        if (vlanId < -1 || vlanId > 4094)
        {
            throw new IllegalArgumentException("VLAN id " + vlanId + " must be 1..4094, or -1 for untagged");
        }
        if (receiveBudget < 1 || udpQueueCapacity < 1 || datagramBuffers < 1)
        {
            throw new IllegalArgumentException("receive budget, UDP queue capacity and datagram buffers must be positive");
        }
    }

    /** An untagged Ethernet interface {@code address/prefixLength} with defaults for the rest. */
    public static StackConfig of(final int address, final int prefixLength)
    {
        // ARP may park a whole 64 KiB datagram's fragments (45 at MTU 1500) while the next hop resolves
        return new StackConfig(address, prefixLength, Ipv4Address.ANY, ETHERNET_MTU, -1, 64, 256, 16, 100, 50,
            ArpConfig.defaults().withPendingLimits(64, 256), ReassemblyConfig.defaults());
    }

    /** Parses {@code "10.0.0.1/24"}. */
    public static StackConfig of(final String cidr)
    {
        final int slash = cidr.indexOf('/');
        if (slash < 0)
        {
            throw new IllegalArgumentException("'" + cidr + "' is not ADDRESS/PREFIX: write e.g. 10.0.0.1/24");
        }
        final int prefix;
        try
        {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + cidr + "': the prefix after '/' must be a number 1..32", ex);
        }
        return of(Ipv4Address.parse(cidr.substring(0, slash)), prefix);
    }

    public StackConfig withGateway(final int newGateway)
    {
        return new StackConfig(address, prefixLength, newGateway, mtu, vlanId, receiveBudget, udpQueueCapacity,
            datagramBuffers, icmpErrorsPerSecond, icmpErrorBurst, arp, reassembly);
    }

    public StackConfig withMtu(final int newMtu)
    {
        return new StackConfig(address, prefixLength, gateway, newMtu, vlanId, receiveBudget, udpQueueCapacity,
            datagramBuffers, icmpErrorsPerSecond, icmpErrorBurst, arp, reassembly);
    }

    public StackConfig withVlan(final int newVlanId)
    {
        return new StackConfig(address, prefixLength, gateway, mtu, newVlanId, receiveBudget, udpQueueCapacity,
            datagramBuffers, icmpErrorsPerSecond, icmpErrorBurst, arp, reassembly);
    }

    public StackConfig withIcmpErrorRate(final int perSecond, final int burst)
    {
        return new StackConfig(address, prefixLength, gateway, mtu, vlanId, receiveBudget, udpQueueCapacity,
            datagramBuffers, perSecond, burst, arp, reassembly);
    }

    public StackConfig withReassembly(final ReassemblyConfig newReassembly)
    {
        return new StackConfig(address, prefixLength, gateway, mtu, vlanId, receiveBudget, udpQueueCapacity,
            datagramBuffers, icmpErrorsPerSecond, icmpErrorBurst, arp, newReassembly);
    }

    public StackConfig withArp(final ArpConfig newArp)
    {
        return new StackConfig(address, prefixLength, gateway, mtu, vlanId, receiveBudget, udpQueueCapacity,
            datagramBuffers, icmpErrorsPerSecond, icmpErrorBurst, newArp, reassembly);
    }

    public StackConfig withUdpQueueCapacity(final int capacity)
    {
        return new StackConfig(address, prefixLength, gateway, mtu, vlanId, receiveBudget, capacity,
            datagramBuffers, icmpErrorsPerSecond, icmpErrorBurst, arp, reassembly);
    }
}
