package io.ringstack.demo;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSendBuffer;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.e1000.DriverCounters;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.pci.PciAddress;
import io.ringstack.nic.pci.PciE1000;
import io.ringstack.nic.pci.PciSetupException;
import io.ringstack.nic.wire.PcapWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ringstack pci}: runs ringstack on a real Intel 8254x (or QEMU's model of one) through its mapped BAR0,
 * as root: answers ARP and ping at the given address, optionally pings a host, echoes UDP on a port, and stops
 * after a time or when a datagram arrives on the stop port. Prints what it did and the device's own statistics.
 */
final class PciCommand implements Subcommand
{
    @Override
    public String name()
    {
        return "pci";
    }

    @Override
    public String arguments()
    {
        return "--ip A/P [--device ADDR --unbind --gateway G --ping H --udp-echo PORT --stop-port PORT " +
            "--seconds N --pcap F]";
    }

    @Override
    public String summary()
    {
        return "run the stack on a real 8254x NIC (root; see README)";
    }

    @Override
    public int run(final List<String> arguments, final PrintStream out, final PrintStream err)
    {
        final Options options;
        try
        {
            options = Options.parse(arguments);
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("ringstack pci: " + ex.getMessage());
            return RingstackCommand.EXIT_USAGE;
        }
        try
        {
            return runOn(options, out);
        }
        catch (final PciSetupException | IllegalStateException ex)
        {
            err.println("ringstack pci: " + ex.getMessage());
            return RingstackCommand.EXIT_FAILURE;
        }
    }

    private static int runOn(final Options options, final PrintStream out)
    {
        final PciAddress address = options.device != null ? options.device : PciE1000.findFirst(Path.of("/sys"));
        try (PciE1000 nic = PciE1000.builder(address).unbindKernelDriver(options.unbind).buffers(1024).rings(256, 256)
            .build())
        {
            if (nic.unboundKernelDriver() != null)
            {
                out.println("pci: unbound kernel driver " + nic.unboundKernelDriver() + " from " + address);
            }
            nic.start();
            final long mac = nic.driver().macAddress();
            out.printf("pci: %s up, MAC %s (from RAL0/RAH0), link up%n", address, MacAddress.toString(mac));
            final PcapWriter pcap = options.pcap != null ? PcapWriter.open(options.pcap) : null;
            nic.driver().capture(pcap);
            StackConfig config = StackConfig.of(options.cidr);
            if (options.gateway != 0)
            {
                config = config.withGateway(options.gateway);
            }
            final Ipv4Stack stack = new Ipv4Stack("pci", config, nic.driver(), SystemNanoClock.INSTANCE);
            final Session session = new Session(stack, options);
            try
            {
                session.run(out);
            }
            finally
            {
                stack.close();
                nic.driver().capture(null);
                if (pcap != null)
                {
                    pcap.close();
                }
            }
            final DriverCounters device = nic.driver().readStatistics();
            out.printf("device statistics (read-to-clear registers, summed): GPRC %d GPTC %d MPC %d RNBC %d%n",
                device.goodPacketsReceived, device.goodPacketsTransmitted, device.missedPackets,
                device.receiveNoBuffers);
            out.printf("driver: rx %d frames, tx %d frames%n", device.rxFrames, device.txFrames);
            stack.countersSnapshot().forEach((name, value) -> out.printf("  %-40s %,d%n", name, value));
            final boolean ok = session.pingsAnswered >= options.pings && session.failures == 0;
            out.println(ok ? "pci: done" : "pci: FAILED (" + session.pingsAnswered + " of " + options.pings +
                " pings answered, " + session.failures + " failures)");
            return ok ? RingstackCommand.EXIT_OK : RingstackCommand.EXIT_FAILURE;
        }
    }

    /** The stack's duty cycle on this thread: UDP echo, pings, the stop port. */
    private static final class Session
    {
        private static final long PING_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
        private final Ipv4Stack stack;
        private final Options options;
        private final UdpSocket echo;
        private final UdpSocket stop;
        private final UdpDatagram datagram = new UdpDatagram();
        private final UdpSendBuffer reply = new UdpSendBuffer();
        private int pingsSent;
        private int pingsAnswered;
        private long lastPingNanos;
        private long echoed;
        private int failures;
        private boolean stopped;
        private boolean stopRequested;

        Session(final Ipv4Stack stack, final Options options)
        {
            this.stack = stack;
            this.options = options;
            this.echo = options.udpEchoPort > 0 ? stack.openUdp(options.udpEchoPort) : null;
            this.stop = options.stopPort > 0 ? stack.openUdp(options.stopPort) : null;
            stack.echoReplyListener(this::onEchoReply);
        }

        private void onEchoReply(final int source, final int id, final int seq, final DirectBuffer data,
            final int offset, final int length, final long now)
        {
            if (source == options.pingTarget && id == 0x5253 && seq == pingsSent)
            {
                pingsAnswered++;
                System.out.printf("pci: echo reply from %s seq %d, %.1f ms%n", Ipv4Address.toString(source), seq,
                    (now - lastPingNanos) / 1e6);
            }
        }

        void run(final PrintStream out)
        {
            stack.start();
            out.printf("pci: %s on %s%s; udp echo port %d, stop port %d, up to %d s%n", options.cidr,
                MacAddress.toString(stack.macAddress()),
                options.gateway != 0 ? ", gateway " + Ipv4Address.toString(options.gateway) : "",
                options.udpEchoPort, options.stopPort, options.seconds);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.seconds);
            while (!stopped && System.nanoTime() - deadline < 0)
            {
                int work = stack.doWork();
                final long now = System.nanoTime();
                if (options.pingTarget != 0 && pingsAnswered < options.pings &&
                    (pingsSent == 0 || now - lastPingNanos > PING_INTERVAL_NANOS))
                {
                    if (pingsSent == pingsAnswered || now - lastPingNanos > PING_INTERVAL_NANOS * 5)
                    {
                        lastPingNanos = now;
                        stack.sendEchoRequest(options.pingTarget, 0x5253, ++pingsSent, 56);
                        work++;
                    }
                }
                if (echo != null)
                {
                    while (echo.receive(datagram))
                    {
                        work++;
                        if (echo.claim(datagram.length(), reply))
                        {
                            reply.buffer().putBytes(reply.offset(), datagram.buffer(), datagram.offset(),
                                datagram.length());
                            echo.send(reply, datagram.length(), datagram.sourceAddress(), datagram.sourcePort());
                            echoed++;
                        }
                        else
                        {
                            failures++;
                        }
                        datagram.release();
                    }
                }
                if (stop != null && stop.receive(datagram))
                {
                    out.printf("pci: stop datagram from %s%n", Ipv4Address.toString(datagram.sourceAddress()));
                    datagram.release();
                    stopRequested = true;
                }
                // a stop waits for the pings still to go (each is answered or retried)
                stopped = stopRequested && (options.pingTarget == 0 || pingsAnswered >= options.pings);
                stack.flush();
                if (work == 0)
                {
                    stack.driver().awaitWork(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            out.printf("pci: %d of %d pings to %s answered; %d datagrams echoed; %s%n", pingsAnswered, pingsSent,
                Ipv4Address.toString(options.pingTarget), echoed, stopped ? "stopped by datagram" : "time is up");
        }
    }

    private record Options(
        PciAddress device, boolean unbind, String cidr, int gateway, int pingTarget, int pings, int udpEchoPort,
        int stopPort, int seconds, Path pcap)
    {
        static Options parse(final List<String> arguments)
        {
            PciAddress device = null;
            boolean unbind = false;
            String cidr = null;
            int gateway = 0;
            int pingTarget = 0;
            int pings = 0;
            int udpEchoPort = 0;
            int stopPort = 0;
            int seconds = 60;
            Path pcap = null;
            for (int i = 0; i < arguments.size(); i++)
            {
                final String option = arguments.get(i);
                if (option.equals("--unbind"))
                {
                    unbind = true;
                    continue;
                }
                if (i + 1 >= arguments.size())
                {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                final String value = arguments.get(++i);
                switch (option)
                {
                    case "--device" -> device = PciAddress.parse(value);
                    case "--ip" -> cidr = value;
                    case "--gateway" -> gateway = Ipv4Address.parse(value);
                    case "--ping" -> pingTarget = Ipv4Address.parse(value);
                    case "--count" -> pings = Integer.parseInt(value);
                    case "--udp-echo" -> udpEchoPort = Integer.parseInt(value);
                    case "--stop-port" -> stopPort = Integer.parseInt(value);
                    case "--seconds" -> seconds = Integer.parseInt(value);
                    case "--pcap" -> pcap = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (cidr == null)
            {
                throw new IllegalArgumentException("--ip ADDRESS/PREFIX is required, e.g. --ip 10.0.2.15/24");
            }
            StackConfig.of(cidr); // checks the CIDR now, with its own message
            if (pingTarget != 0 && pings == 0)
            {
                pings = 5;
            }
            return new Options(device, unbind, cidr, gateway, pingTarget, pings, udpEchoPort, stopPort, seconds, pcap);
        }
    }
}
