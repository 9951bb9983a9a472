package io.ringstack.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the demo's {@code --auto} chooses: a TAP device when this process may make one (CAP_NET_ADMIN and
 * {@code /dev/net/tun}), else the in-process pair. The TAP's subnet, 10.99.0.0/24, is one the tests do not use.
 */
final class AutoWire
{
    static final String OUR_CIDR = "10.99.0.2/24";
    static final String LINUX_CIDR = "10.99.0.1/24";
    private static final int CAP_NET_ADMIN = 12;

    private AutoWire()
    {
    }

    /** Why a TAP cannot be used here, or null if it can. */
    static String tapUnavailableReason()
    {
        if (!Files.exists(Path.of("/dev/net/tun")))
        {
            return "no /dev/net/tun";
        }
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("CapEff:"))
                {
                    final long capabilities = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (capabilities & (1L << CAP_NET_ADMIN)) != 0 ? null :
                        "not root (a TAP device needs CAP_NET_ADMIN)";
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return "cannot read this process's capabilities (" + ex.getMessage() + ")";
        }
        return "cannot tell whether this process has CAP_NET_ADMIN";
    }

    /** The first of rs0..rs99 that names no interface yet. */
    static String freeTapName()
    {
        for (int i = 0; i < 100; i++)
        {
            if (!Files.exists(Path.of("/sys/class/net/rs" + i)))
            {
                return "rs" + i;
            }
        }
        throw new IllegalStateException("rs0..rs99 all exist: delete some with 'ip link del rsN'");
    }
}
