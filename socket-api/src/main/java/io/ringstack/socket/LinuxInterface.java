package io.ringstack.socket;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Linux's side of a TAP device: an address and link up, with iproute2. */
final class LinuxInterface
{
    private LinuxInterface()
    {
    }

    static void configure(final String interfaceName, final String cidr, final int mtu)
    {
        run(List.of("ip", "addr", "add", cidr, "dev", interfaceName));
        run(List.of("ip", "link", "set", interfaceName, "mtu", Integer.toString(mtu), "up"));
    }

    private static void run(final List<String> command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0)
            {
                throw new IllegalStateException("'" + String.join(" ", command) + "' failed: " + output.trim() +
                    (output.contains("Operation not permitted") ? " (needs CAP_NET_ADMIN: run as root)" : ""));
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot run " + command.getFirst() + " (iproute2): " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), ex);
        }
    }
}
