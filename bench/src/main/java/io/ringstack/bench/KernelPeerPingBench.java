package io.ringstack.bench;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.nic.e1000.NicIdleStrategy;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.linux.PacketSocket;
import io.ringstack.nic.linux.PacketSocketPort;
import io.ringstack.nic.linux.TapDevice;
import io.ringstack.nic.linux.TapPort;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import io.ringstack.testsupport.Veth;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bench harness for real wires (issue 4; needs root): Linux in a network namespace flood-pings ({@code ping -f})
 * ringstack over a TAP device and over an AF_PACKET socket on a veth pair, and, as the kernel baseline in the same
 * run, another namespace over a veth pair (kernel to kernel). Prints echoes per second and round-trip times.
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringstack.bench.KernelPeerPingBench [count]
 * </pre>
 * ping's flood mode with one echo in flight sends the next when a reply arrives, so echoes/s is 1 / round-trip
 * time (latency); with 64 in flight ({@code -l 64}) it measures frames per second (each echo one frame each way).
 */
public final class KernelPeerPingBench
{
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received.*time (\\d+)ms");
    private static final Pattern RTT = Pattern.compile("= ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");

    private KernelPeerPingBench()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.printf("%-50s %10s %10s %12s %10s %10s%n", "path", "sent", "received", "echoes/s", "rtt avg", "rtt max");
        for (final int inFlight : new int[] { 1, 64 })
        {
            for (int run = 0; run < 2; run++)
            {
                final String suffix = ", " + inFlight + " in flight";
                report("kernel -> kernel (veth)" + suffix, kernelBaseline(count, inFlight));
                report("kernel -> ringstack (TAP)" + suffix, ringstack(true, count, 81, inFlight));
                report("kernel -> ringstack (AF_PACKET)" + suffix, ringstack(false, count, 82, inFlight));
            }
        }
    }

    private static String kernelBaseline(final int count, final int inFlight)
    {
        try (NetworkNamespace a = LinuxNetwork.createNamespace(); NetworkNamespace b = LinuxNetwork.createNamespace())
        {
            final Veth veth = a.withVeth("10.80.0.1/24");
            Command.of("ip", "link", "set", veth.hostEnd(), "netns", b.name()).run();
            b.exec("ip", "addr", "add", "10.80.0.2/24", "dev", veth.hostEnd());
            b.exec("ip", "link", "set", veth.hostEnd(), "arp", "on", "up");
            return a.command("ping", "-f", "-q", "-l", String.valueOf(inFlight), "-c", String.valueOf(count), "10.80.0.2")
                .timeout(Duration.ofSeconds(120)).run().stdout();
        }
    }

    private static String ringstack(final boolean tap, final int count, final int subnet, final int inFlight)
        throws Exception
    {
        final String linux = "10.80." + subnet + ".1";
        final String ours = "10.80." + subnet + ".2";
        try (NetworkNamespace namespace = LinuxNetwork.createNamespace();
             EmulatedNic nic = EmulatedNic.builder("rs", 0x0252_5300_0001L).rings(256, 256).buffers(2048).strict(false).build())
        {
            final AutoCloseable port;
            if (tap)
            {
                final String name = namespace.interfaceName("t");
                final TapPort tapPort = TapPort.attach(TapDevice.open(name), nic.device());
                namespace.adoptInterface(name, linux + "/24");
                port = tapPort;
                nic.start();
                tapPort.start();
            }
            else
            {
                final Veth veth = namespace.withVeth(linux + "/24");
                final PacketSocketPort packetPort = PacketSocketPort.attach(PacketSocket.open(veth.hostEnd()), nic.device());
                port = packetPort;
                nic.start();
                packetPort.start();
            }
            final Ipv4Stack stack = new Ipv4Stack("rs", StackConfig.of(ours + "/24"), nic.driver(), SystemNanoClock.INSTANCE);
            final AgentRunner runner = new AgentRunner(new NicIdleStrategy(nic.driver()), Throwable::printStackTrace,
                null, new Agent()
                {
                    @Override
                    public void onStart()
                    {
                        stack.start();
                    }

                    @Override
                    public int doWork()
                    {
                        return stack.doWork();
                    }

                    @Override
                    public void onClose()
                    {
                        stack.close();
                    }

                    @Override
                    public String roleName()
                    {
                        return "ringstack";
                    }
                });
            AgentRunner.startOnThread(runner);
            try
            {
                namespace.exec("ping", "-c", "3", "-q", ours); // ARP and warm-up
                return namespace.command("ping", "-f", "-q", "-l", String.valueOf(inFlight), "-c", String.valueOf(count), ours)
                    .timeout(Duration.ofSeconds(120)).run().stdout();
            }
            finally
            {
                runner.close();
                port.close();
                nic.driver().stop();
            }
        }
    }

    private static void report(final String path, final String pingOutput)
    {
        final Matcher summary = SUMMARY.matcher(pingOutput);
        final Matcher rtt = RTT.matcher(pingOutput);
        if (!summary.find() || !rtt.find())
        {
            System.out.println(path + ": could not parse ping's output:\n" + pingOutput);
            return;
        }
        final long sent = Long.parseLong(summary.group(1));
        final long received = Long.parseLong(summary.group(2));
        final long millis = Long.parseLong(summary.group(3));
        System.out.printf("%-50s %10d %10d %12.0f %8s ms %8s ms%n", path, sent, received,
            millis > 0 ? received * 1000.0 / millis : 0, rtt.group(2), rtt.group(3));
    }
}
