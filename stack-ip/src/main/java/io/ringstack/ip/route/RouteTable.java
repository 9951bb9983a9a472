package io.ringstack.ip.route;

import io.ringstack.ip.wire.Ipv4Address;

/**
 * The routes of one interface (RFC 1122 §3.3.1): connected subnets, reached directly, and gateways, chosen by the
 * longest matching prefix; a default route is a gateway route with prefix length 0. A host does not forward: the
 * table only picks the next hop for datagrams it sends.
 * <p>
 * A handful of routes live in parallel arrays; lookup is a linear scan over them, without allocation.
 */
public final class RouteTable
{
    /** Returned by {@link #nextHop} when no route matches. */
    public static final int NO_ROUTE = 0;

    private final int[] network;
    private final int[] mask;
    private final int[] prefixLength;
    private final int[] gateway;
    private int count;

    public RouteTable(final int capacity)
    {
        network = new int[capacity];
        mask = new int[capacity];
        prefixLength = new int[capacity];
        gateway = new int[capacity];
    }

    /** A directly connected subnet: destinations in it are their own next hop. */
    public void addConnected(final int address, final int prefix)
    {
        add(address, prefix, Ipv4Address.ANY);
    }

    /** The default gateway (0.0.0.0/0 via {@code gatewayAddress}); the gateway must be on a connected subnet. */
    public void setDefaultGateway(final int gatewayAddress)
    {
        if (gatewayAddress != Ipv4Address.ANY && !isConnected(gatewayAddress))
        {
            throw new IllegalArgumentException("gateway " + Ipv4Address.toString(gatewayAddress) +
                " is not on a connected subnet: add the interface's address and prefix first");
        }
        remove(0, 0);
        if (gatewayAddress != Ipv4Address.ANY)
        {
            add(0, 0, gatewayAddress);
        }
    }

    /** A route to {@code address/prefix} through {@code gatewayAddress} ({@link Ipv4Address#ANY} for connected). */
    public void add(final int address, final int prefix, final int gatewayAddress)
    {
        final int m = Ipv4Address.mask(prefix);
        for (int i = 0; i < count; i++)
        {
            if (network[i] == (address & m) && prefixLength[i] == prefix)
            {
                gateway[i] = gatewayAddress;
                return;
            }
        }
        if (count == network.length)
        {
            throw new IllegalStateException("route table is full (" + count + " routes): create the stack with more room");
        }
        network[count] = address & m;
        mask[count] = m;
        prefixLength[count] = prefix;
        gateway[count] = gatewayAddress;
        count++;
    }

    public void remove(final int address, final int prefix)
    {
        final int m = Ipv4Address.mask(prefix);
        for (int i = 0; i < count; i++)
        {
            if (network[i] == (address & m) && prefixLength[i] == prefix)
            {
                count--;
                network[i] = network[count];
                mask[i] = mask[count];
                prefixLength[i] = prefixLength[count];
                gateway[i] = gateway[count];
                return;
            }
        }
    }

    /** The next hop for {@code destination}: itself when connected, the gateway of the longest match, or {@link #NO_ROUTE}. */
    public int nextHop(final int destination)
    {
        int best = -1;
        int bestLength = -1;
        for (int i = 0; i < count; i++)
        {
            if ((destination & mask[i]) == network[i] && prefixLength[i] > bestLength)
            {
                best = i;
                bestLength = prefixLength[i];
            }
        }
        if (best < 0)
        {
            return NO_ROUTE;
        }
        return gateway[best] == Ipv4Address.ANY ? destination : gateway[best];
    }

    /** Whether {@code address} lies in a connected subnet. */
    public boolean isConnected(final int address)
    {
        for (int i = 0; i < count; i++)
        {
            if (gateway[i] == Ipv4Address.ANY && (address & mask[i]) == network[i])
            {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code address} is the directed broadcast of a connected subnet (all host bits set, prefix < 31). */
    public boolean isDirectedBroadcast(final int address)
    {
        for (int i = 0; i < count; i++)
        {
            if (gateway[i] == Ipv4Address.ANY && prefixLength[i] < 31 &&
                (address & mask[i]) == network[i] && (address | mask[i]) == -1)
            {
                return true;
            }
        }
        return false;
    }

    public int size()
    {
        return count;
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.append(Ipv4Address.toString(network[i])).append('/').append(prefixLength[i]);
            text.append(gateway[i] == Ipv4Address.ANY ? " connected" : " via " + Ipv4Address.toString(gateway[i]));
            text.append('\n');
        }
        return text.toString();
    }
}
