package io.ringstack.demo;

import io.ringstack.ethernet.arp.ArpEvent;
import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackEvent;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.nic.e1000.DriverCounters;
import io.ringstack.socket.NetStack;
import io.ringstack.tcp.TcpEvent;
import io.ringstack.tcp.TcpLayer;
import io.ringstack.tcp.wire.TcpDrop;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A copy of one host's counters, every layer's at one moment: taken on the stack thread (which alone writes them),
 * then read by any thread. Maps hold the non-zero counters only.
 *
 * @param host the host's name, address and prefix, e.g. {@code server 10.0.0.2/24}
 * @param nic  the driver's counters and the device's statistics registers, summed
 */
record StackCounters(
    String host,
    Map<StackEvent, Long> ip,
    Map<Ipv4Drop, Long> ipDrops,
    Map<Ipv4Drop, Long> ipSendDrops,
    Map<IcmpDrop, Long> icmpDrops,
    long udpReceived,
    long udpSent,
    long udpSendNoBuffer,
    Map<UdpDrop, Long> udpDrops,
    Map<TcpEvent, Long> tcp,
    Map<TcpDrop, Long> tcpDrops,
    int tcpConnections,
    Map<ArpEvent, Long> arp,
    Map<ArpDrop, Long> arpDrops,
    Map<EthernetDrop, Long> ethernetDrops,
    DriverCounters nic)
{
    private static final long TIMEOUT_SECONDS = 5;

    /** Copies the counters of {@code host} on its stack thread and waits for them. */
    static StackCounters of(final NetStack host)
    {
        try
        {
            return host.submit(() -> take(host.ipv4(), host.tcp())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("cannot read the counters of " + host.name() + ": " +
                ex.getCause().getMessage(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("the stack thread of " + host.name() + " did not answer within " +
                TIMEOUT_SECONDS + " s", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the counters of " + host.name(), ex);
        }
    }

    /** Copies the counters; on the stack thread of {@code stack} only. */
    static StackCounters take(final Ipv4Stack stack, final TcpLayer tcp)
    {
        final DriverCounters nic = new DriverCounters();
        stack.driver().readStatistics().copyTo(nic); // the device's read-to-clear registers, summed by the driver
        return new StackCounters(stack.name() + " " + Ipv4Address.toString(stack.localAddress()) + "/" +
            stack.config().prefixLength(),
            stack.events().snapshot(), stack.ipv4Drops().snapshot(), stack.ipv4SendDrops().snapshot(),
            stack.icmpDrops().snapshot(), stack.udp().datagramsReceived(), stack.udp().datagramsSent(),
            stack.udp().sendNoBuffer(), stack.udp().drops().snapshot(), tcp.events().snapshot(),
            tcp.drops().snapshot(), tcp.connectionCount(), stack.arp().counters().snapshot(),
            stack.arp().drops().snapshot(), stack.ethernetDrops().snapshot(), nic);
    }

    static <E extends Enum<E>> long get(final Map<E, Long> counters, final E name)
    {
        return counters.getOrDefault(name, 0L);
    }

    static long total(final Map<?, Long> counters)
    {
        long sum = 0;
        for (final long value : counters.values())
        {
            sum += value;
        }
        return sum;
    }
}
