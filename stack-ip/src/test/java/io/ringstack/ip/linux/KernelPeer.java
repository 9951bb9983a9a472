package io.ringstack.ip.linux;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSendBuffer;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.nic.e1000.NicIdleStrategy;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.linux.PacketSocket;
import io.ringstack.nic.linux.PacketSocketPort;
import io.ringstack.nic.linux.TapDevice;
import io.ringstack.nic.linux.TapPort;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * ringstack on one side, the Linux kernel in a network namespace on the other: over a TAP device (moved into the
 * namespace, where it is Linux's interface) or over an AF_PACKET socket on the root end of a veth pair. The stack
 * runs on its own thread like an application's, with a UDP echo server on port 7; tests reach the stack thread
 * through a command queue.
 */
public final class KernelPeer implements AutoCloseable
{
    public enum Port { TAP, AF_PACKET }

    public static final long MAC = 0x0252_5300_0001L;
    public static final int ECHO_PORT = 7;

    public final Port kind;
    public final NetworkNamespace namespace;
    public final String linuxAddress;
    public final String ourAddress;
    public final EmulatedNic nic;
    public final Ipv4Stack stack;
    private final AutoCloseable port;
    private final AgentRunner runner;
    private final StackAgent agent;

    public KernelPeer(final Port kind, final int subnet)
    {
        this.kind = kind;
        this.linuxAddress = "10.77." + subnet + ".1";
        this.ourAddress = "10.77." + subnet + ".2";
        namespace = LinuxNetwork.createNamespace();
        boolean done = false;
        try
        {
            nic = EmulatedNic.builder("rs", MAC).rings(256, 256).buffers(2048).strict(false).build();
            if (kind == Port.TAP)
            {
                final String name = namespace.interfaceName("t");
                final TapDevice tap = TapDevice.open(name);
                port = TapPort.attach(tap, nic.device());
                namespace.adoptInterface(name, linuxAddress + "/24");
            }
            else
            {
                final var veth = namespace.withVeth(linuxAddress + "/24");
                port = PacketSocketPort.attach(PacketSocket.open(veth.hostEnd()), nic.device());
            }
            nic.start();
            if (port instanceof TapPort tap)
            {
                tap.start();
            }
            else
            {
                ((PacketSocketPort)port).start();
            }
            stack = new Ipv4Stack("rs", StackConfig.of(ourAddress + "/24"), nic.driver(), SystemNanoClock.INSTANCE);
            agent = new StackAgent(stack);
            runner = new AgentRunner(new NicIdleStrategy(nic.driver()), Throwable::printStackTrace, null, agent);
            AgentRunner.startOnThread(runner);
            done = true;
        }
        finally
        {
            if (!done)
            {
                namespace.close();
            }
        }
    }

    /** Runs {@code action} on the stack's thread and returns its result. */
    public <T> T onStackThread(final Function<Ipv4Stack, T> action)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Runnable command = () ->
        {
            try
            {
                result.complete(action.apply(stack));
            }
            catch (final Throwable t)
            {
                result.completeExceptionally(t);
            }
        };
        while (!agent.commands.offer(command))
        {
            Thread.onSpinWait();
        }
        try
        {
            return result.get(10, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("stack thread did not run the command", ex);
        }
    }

    /** Records the port's frames (both directions) into {@code pcap}. */
    public void pcap(final io.ringstack.nic.wire.PcapWriter pcap)
    {
        if (port instanceof TapPort tap)
        {
            tap.pcap(pcap);
        }
        else
        {
            ((PacketSocketPort)port).pcap(pcap);
        }
    }

    /** The port on ringstack's side (TapPort or PacketSocketPort), e.g. to lose frames with {@code dropFrames}. */
    public io.ringstack.nic.linux.DevicePort port()
    {
        return (io.ringstack.nic.linux.DevicePort)port;
    }

    /** The kernel side's interface in the namespace. */
    public String linuxInterface()
    {
        return kind == Port.TAP ? namespace.interfaceName("t") : "eth0";
    }

    StackAgent agent()
    {
        return agent;
    }

    /** CPU time so far of the stack's thread and the port's device-receive thread, in nanoseconds. */
    public long cpuNanos()
    {
        final var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final Thread receive = port instanceof TapPort tap ? tap.receiveThread() : ((PacketSocketPort)port).receiveThread();
        return threads.getThreadCpuTime(runner.thread().threadId()) + threads.getThreadCpuTime(receive.threadId());
    }

    public String cpuBreakdown()
    {
        final var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final Thread receive = port instanceof TapPort tap ? tap.receiveThread() : ((PacketSocketPort)port).receiveThread();
        return "stack thread " + threads.getThreadCpuTime(runner.thread().threadId()) / 1_000_000 + " ms, port thread " +
            threads.getThreadCpuTime(receive.threadId()) / 1_000_000 + " ms, stack " + nic.driver().counters();
    }

    @Override
    public void close()
    {
        try
        {
            runner.close(); // the stack closes on its own thread (onClose)
            port.close();
            nic.driver().stop();
            nic.close();
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
        finally
        {
            namespace.close();
        }
    }

    /** The stack's thread: duty cycle, commands from tests, and a UDP echo server answering from claimed buffers. */
    static final class StackAgent implements Agent
    {
        final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(64);
        private final Ipv4Stack stack;
        private final UdpSocket echo;
        private final UdpDatagram datagram = new UdpDatagram();
        private final UdpSendBuffer out = new UdpSendBuffer();
        volatile long echoed;
        volatile long echoReplies;

        StackAgent(final Ipv4Stack stack)
        {
            this.stack = stack;
            this.echo = stack.openUdp(ECHO_PORT);
            stack.echoReplyListener((source, id, seq, data, offset, length, now) -> echoReplies++);
        }

        @Override
        public void onStart()
        {
            stack.start();
        }

        @Override
        public int doWork()
        {
            int work = stack.doWork();
            Runnable command;
            while ((command = commands.poll()) != null)
            {
                command.run();
                work++;
            }
            while (echo.receive(datagram))
            {
                if (echo.claim(datagram.length(), out))
                {
                    out.buffer().putBytes(out.offset(), datagram.buffer(), datagram.offset(), datagram.length());
                    echo.send(out, datagram.length(), datagram.sourceAddress(), datagram.sourcePort());
                    echoed++;
                }
                datagram.release();
                work++;
            }
            stack.flush();
            return work;
        }

        @Override
        public void onClose()
        {
            stack.close();
        }

        @Override
        public String roleName()
        {
            return "ringstack-kernel-peer";
        }
    }
}
