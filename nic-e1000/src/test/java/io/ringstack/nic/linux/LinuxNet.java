package io.ringstack.nic.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the wire tests need from the host: whether we are root, names no other process uses (prefix "rsf" and our
 * pid), a free 10.X.Y.0/24, and running {@code ip}, {@code ping} and friends. Every test deletes what it created in
 * a finally block.
 */
final class LinuxNet
{
    private LinuxNet()
    {
    }

    /** The effective uid from /proc/self/status ("Uid: real effective saved fs"). */
    static int effectiveUid()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("Uid:"))
                {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }

    /** Skips the test, saying why, unless we run as root (TAP devices, veth pairs and namespaces need it). */
    static void assumeRoot()
    {
        assumeTrue(effectiveUid() == 0, "needs root (euid 0, CAP_NET_ADMIN and CAP_NET_RAW) to create TAP devices, " +
            "veth pairs and network namespaces; euid is " + effectiveUid());
    }

    /** "rsf" + pid + suffix, at most 15 characters. */
    static String name(final String suffix)
    {
        final String name = "rsf" + ProcessHandle.current().pid() + suffix;
        if (name.length() > 15)
        {
            throw new IllegalStateException(name + " is longer than an interface name may be");
        }
        return name;
    }

    /** A third octet Y for which no route to 10.{second}.Y.0/24 exists yet, starting from one derived from our pid. */
    static int freeSubnet(final int second)
    {
        final int start = (int)(ProcessHandle.current().pid() % 200);
        for (int i = 0; i < 250; i++)
        {
            final int third = 20 + (start + i) % 230;
            final String prefix = "10." + second + "." + third + ".0/24";
            final Result routes = run("ip", "-4", "route", "show", prefix);
            final Result addresses = run("ip", "-4", "-o", "addr", "show", "to", prefix);
            if (routes.exit == 0 && routes.output.isBlank() && addresses.output.isBlank())
            {
                return third;
            }
        }
        throw new IllegalStateException("no free 10." + second + ".Y.0/24 subnet on this host");
    }

    record Result(int exit, String output)
    {
    }

    static Result run(final String... command)
    {
        return run(List.of(command));
    }

    static Result run(final List<String> command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return new Result(-1, String.join(" ", command) + ": timed out");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            return new Result(-1, String.join(" ", command) + ": " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new Result(-1, String.join(" ", command) + ": interrupted");
        }
    }

    /** Runs a set-up command and fails the test, with its output, if it fails. */
    static String must(final String... command)
    {
        final Result result = run(command);
        assertTrue(result.exit == 0, String.join(" ", command) + " failed (" + result.exit + "): " + result.output);
        return result.output;
    }

    /** Clean-up: runs the command and ignores failure (the thing may be gone already). */
    static void quietly(final String... command)
    {
        run(command);
    }

    /** Sets a sysctl in this network namespace by its /proc/sys path, e.g. net/ipv6/conf/X/disable_ipv6. */
    static void sysctl(final String path, final String value)
    {
        try
        {
            Files.writeString(Path.of("/proc/sys", path), value);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot set " + path + " to " + value + ": " + ex, ex);
        }
    }

    static boolean interfaceExists(final String name)
    {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    static String macAddressOf(final String name)
    {
        try
        {
            return Files.readString(Path.of("/sys/class/net", name, "address")).trim();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("no interface " + name + ": " + ex, ex);
        }
    }

    /** 10.a.b.c as an int in network order. */
    static int ipv4(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }
}
