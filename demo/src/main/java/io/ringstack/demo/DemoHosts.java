package io.ringstack.demo;

import io.ringstack.demo.http.HttpServerConfig;
import io.ringstack.demo.http.HttpService;
import io.ringstack.nic.linux.Errno;
import io.ringstack.nic.linux.LinuxCallException;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.nic.wire.FrameSink;
import io.ringstack.socket.NetStack;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the demo servers share: the in-process pair, a host on a TAP device or an AF_PACKET socket (checked first,
 * see {@link LinuxChecks}), the port check, serving for a while, percentiles.
 */
final class DemoHosts
{
    private DemoHosts()
    {
    }

    /** Client 10.0.0.1 (a) and server 10.0.0.2 (b) on an in-memory wire, each on its own stack thread. */
    static NetStack.Pair inProcessPair()
    {
        return inProcessPair(null, StackConfig.ETHERNET_MTU);
    }

    /**
     * As {@link #inProcessPair()} with both hosts at {@code mtu}, the server's frames shown to {@code serverCapture}
     * (null: none) from its first.
     */
    static NetStack.Pair inProcessPair(final FrameSink serverCapture, final int mtu)
    {
        return NetStack.inMemoryPair(
            NetStack.builder("client").mac(0x5254_0000_0A01L).address("10.0.0.1/24").mtu(mtu),
            NetStack.builder("server").mac(0x5254_0000_0A02L).address("10.0.0.2/24").mtu(mtu).capture(serverCapture));
    }

    /**
     * A host on the TAP device or the AF_PACKET socket {@code wire} names, after {@code checks} found the set-up
     * sound (an interface to make that is free, or one to use that is there and up; the capability; an address
     * that is not Linux's).
     *
     * @throws IllegalStateException saying what is wrong and what to do.
     */
    static NetStack onLinux(
        final String name, final long mac, final WireOptions wire, final LinuxChecks checks, final FrameSink capture)
    {
        final NetStack.Builder builder = NetStack.builder(name).mac(mac).address(wire.ip()).mtu(wire.mtu())
            .capture(capture);
        if (wire.wire() == WireOptions.Wire.TAP)
        {
            checks.checkTap(wire.tap(), wire.ip(), wire.linuxIp());
            builder.tap(wire.tap(), wire.linuxIp());
        }
        else
        {
            checks.checkAfPacket(wire.afPacket(), wire.ip());
            builder.afPacket(wire.afPacket());
        }
        try
        {
            return builder.start();
        }
        catch (final LinuxCallException ex)
        {
            throw new IllegalStateException(ex.getMessage() + (ex.errno() == Errno.EPERM ||
                ex.errno() == Errno.EACCES ? " (run as root: sudo ./ringstack ..., or use --inproc)" : ""), ex);
        }
    }

    /**
     * The HTTP server on {@code port} of {@code host} (whose address is {@code address}), refused with "address in
     * use" if the port has a listener there already.
     */
    static HttpService startHttp(final NetStack host, final String address, final int port,
        final HttpServerConfig config)
    {
        checkPortFree(host, address, port);
        return HttpService.start(host, port, config);
    }

    /**
     * Refuses a port that already has a listener on {@code host}: a second server there would get no connection.
     *
     * @throws IllegalStateException "address in use", with the address and port.
     */
    static void checkPortFree(final NetStack host, final String address, final int port)
    {
        final boolean listening;
        try
        {
            listening = host.submit(() -> host.tcp().listener(port) != null).get(5, TimeUnit.SECONDS);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("cannot ask " + host.name() + " about port " + port + ": " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + host.name() + " about port " + port, ex);
        }
        if (listening)
        {
            throw new IllegalStateException(inUse(host, address, port));
        }
    }

    static String inUse(final NetStack host, final String address, final int port)
    {
        return "address in use: " + address + ":" + port + " already has a listener on host " + host.name() +
            ": choose another port, or stop the server there first";
    }

    /**
     * Waits {@code seconds}, or until the process is stopped (Ctrl-C) when 0; an interrupt of this thread ends the
     * wait early (as a stop, not a failure).
     */
    static void serveFor(final int seconds)
    {
        try
        {
            if (seconds > 0)
            {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            }
            else
            {
                Thread.currentThread().join();
            }
        }
        catch (final InterruptedException ex)
        {
            // asked to stop: the caller closes the session and the host
        }
    }

    /** The {@code p} quantile of sorted nanoseconds, in microseconds. */
    static double percentileMicros(final long[] sorted, final double p)
    {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int)(sorted.length * p))] / 1e3;
    }
}
