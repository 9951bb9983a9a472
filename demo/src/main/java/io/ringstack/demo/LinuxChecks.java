package io.ringstack.demo;

import io.ringstack.ip.wire.Ipv4Address;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * What the demo servers check on this Linux before they make a wire, so that a wrong set-up is refused with what to
 * do instead of a failed system call: whether an interface exists and is up ({@code /sys/class/net}), whether this
 * process has the capability the wire needs ({@code CapEff} in {@code /proc/self/status}), and whether an address
 * is Linux's own already. The three sources are injectable, so tests can play a process without root.
 */
final class LinuxChecks
{
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;
    private static final long IFF_UP = 0x1;

    private final Path interfaces;
    private final LongSupplier capabilities;
    private final IntFunction<String> addressOwner;

    /**
     * @param interfaces   the directory with one entry per interface ({@code /sys/class/net})
     * @param capabilities this process's effective capability bits, or -1 when they cannot be read
     * @param addressOwner the name of the interface on which Linux holds an IPv4 address (network order), or null
     */
    LinuxChecks(final Path interfaces, final LongSupplier capabilities, final IntFunction<String> addressOwner)
    {
        this.interfaces = interfaces;
        this.capabilities = capabilities;
        this.addressOwner = addressOwner;
    }

    /** The checks against this process and the network namespace it runs in. */
    static LinuxChecks system()
    {
        return new LinuxChecks(Path.of("/sys/class/net"), LinuxChecks::effectiveCapabilities,
            LinuxChecks::linuxInterfaceWith);
    }

    /** {@code CapEff} of this process, or -1 when it cannot be read. */
    static long effectiveCapabilities()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("CapEff:"))
                {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return -1;
        }
        return -1;
    }

    /** The Linux interface holding {@code address} in this network namespace, or null. */
    static String linuxInterfaceWith(final int address)
    {
        try
        {
            final Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
            while (all != null && all.hasMoreElements())
            {
                final NetworkInterface candidate = all.nextElement();
                final Enumeration<InetAddress> addresses = candidate.getInetAddresses();
                while (addresses.hasMoreElements())
                {
                    if (addresses.nextElement() instanceof Inet4Address ipv4 &&
                        Ipv4Address.parse(ipv4.getHostAddress()) == address)
                    {
                        return candidate.getName();
                    }
                }
            }
        }
        catch (final SocketException ex)
        {
            return null; // cannot list them: the wire's own set-up reports what goes wrong
        }
        return null;
    }

    boolean interfaceExists(final String name)
    {
        return Files.exists(interfaces.resolve(name));
    }

    /** Why this process may not use capability {@code bit} ({@code what} needs it), or null if it may. */
    String missingCapability(final int bit, final String capability, final String what)
    {
        final long effective = capabilities.getAsLong();
        if (effective == -1)
        {
            return null; // cannot tell: let the system call answer
        }
        return (effective & (1L << bit)) != 0 ? null : what + " needs " + capability + ", which this process " +
            "lacks: run as root (sudo ./ringstack ...), or use --inproc for two hosts in this process";
    }

    /**
     * Before making TAP device {@code tap} with our address {@code ip} and Linux's {@code linuxIp} (both A/P, checked
     * already): the name is free, the addresses differ and ours is not Linux's, CAP_NET_ADMIN is there.
     */
    void checkTap(final String tap, final String ip, final String linuxIp)
    {
        if (interfaceExists(tap))
        {
            throw new IllegalStateException("interface " + tap + " exists already: pick another --tap name, or " +
                "delete it with 'ip link del " + tap + "'");
        }
        final int ours = addressOf(ip);
        if (ours == addressOf(linuxIp))
        {
            throw new IllegalStateException("address in use: --ip and --linux-ip are both " +
                Ipv4Address.toString(ours) + "; each side of the TAP needs an address of its own");
        }
        checkNotLinuxAddress(ours);
        final String missing = missingCapability(CAP_NET_ADMIN, "CAP_NET_ADMIN", "creating TAP device " + tap);
        if (missing != null)
        {
            throw new IllegalStateException(missing);
        }
    }

    /**
     * Before opening an AF_PACKET socket on {@code name} for our address {@code ip} (A/P, checked already): the
     * interface exists and is up, the address is not Linux's own, CAP_NET_RAW is there.
     */
    void checkAfPacket(final String name, final String ip)
    {
        final Path directory = interfaces.resolve(name);
        if (!Files.exists(directory))
        {
            throw new IllegalStateException("interface " + name + " not found (see 'ip link'): --af-packet needs " +
                "an existing interface, e.g. one end of a veth pair ('ip link add NAME type veth peer name PEER')");
        }
        final long flags = readFlags(directory.resolve("flags"));
        if (flags != -1 && (flags & IFF_UP) == 0)
        {
            throw new IllegalStateException("interface " + name + " is down: bring it up with 'ip link set " + name +
                " up'");
        }
        checkNotLinuxAddress(addressOf(ip));
        final String missing = missingCapability(CAP_NET_RAW, "CAP_NET_RAW", "an AF_PACKET socket on " + name);
        if (missing != null)
        {
            throw new IllegalStateException(missing);
        }
    }

    private void checkNotLinuxAddress(final int address)
    {
        final String owner = addressOwner.apply(address);
        if (owner != null)
        {
            throw new IllegalStateException("address in use: Linux has " + Ipv4Address.toString(address) + " on " +
                owner + "; ringstack is a host of its own on the link: give it a free address with --ip");
        }
    }

    private static int addressOf(final String cidr)
    {
        return Ipv4Address.parse(cidr.substring(0, cidr.indexOf('/')));
    }

    /** The interface flags ({@code 0x1003}), or -1 when unreadable. */
    private static long readFlags(final Path file)
    {
        try
        {
            final String text = Files.readString(file).trim();
            return Long.parseLong(text.startsWith("0x") ? text.substring(2) : text, 16);
        }
        catch (final IOException | NumberFormatException ex)
        {
            return -1;
        }
    }
}
