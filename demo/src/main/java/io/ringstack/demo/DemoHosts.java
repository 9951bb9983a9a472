package io.ringstack.demo;

import io.ringstack.socket.NetStack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the demo servers share: the in-process pair, a host on a new TAP device, serving for a while, percentiles. */
final class DemoHosts
{
    private DemoHosts()
    {
    }

    /** Client 10.0.0.1 (a) and server 10.0.0.2 (b) on an in-memory wire, each on its own stack thread. */
    static NetStack.Pair inProcessPair()
    {
        return NetStack.inMemoryPair(NetStack.builder("client").mac(0x5254_0000_0A01L).address("10.0.0.1/24"),
            NetStack.builder("server").mac(0x5254_0000_0A02L).address("10.0.0.2/24"));
    }

    /** A host on a new TAP device {@code tap} (refused if that interface exists), Linux's side at {@code linuxIp}. */
    static NetStack onTap(final String name, final long mac, final String tap, final String ip, final String linuxIp)
    {
        if (Files.exists(Path.of("/sys/class/net", tap)))
        {
            throw new IllegalStateException("interface " + tap + " exists already: pick another --tap name, or " +
                "delete it with 'ip link del " + tap + "'");
        }
        return NetStack.builder(name).mac(mac).address(ip).tap(tap, linuxIp).start();
    }

    /** Waits {@code seconds}, or until the process is stopped (Ctrl-C) when 0. */
    static void serveFor(final int seconds) throws InterruptedException
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

    /** The {@code p} quantile of sorted nanoseconds, in microseconds. */
    static double percentileMicros(final long[] sorted, final double p)
    {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int)(sorted.length * p))] / 1e3;
    }
}
