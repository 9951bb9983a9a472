package io.ringstack.demo;

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
        final long capabilities = LinuxChecks.effectiveCapabilities();
        if (capabilities == -1)
        {
            return "cannot tell whether this process has CAP_NET_ADMIN (no CapEff in /proc/self/status)";
        }
        return (capabilities & (1L << LinuxChecks.CAP_NET_ADMIN)) != 0 ? null :
            "not root (a TAP device needs CAP_NET_ADMIN)";
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
