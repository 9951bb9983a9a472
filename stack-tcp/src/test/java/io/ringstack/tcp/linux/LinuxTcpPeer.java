package io.ringstack.tcp.linux;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.nic.e1000.NicIdleStrategy;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.linux.TapDevice;
import io.ringstack.nic.linux.TapPort;
import io.ringstack.tcp.TcpConfig;
import io.ringstack.tcp.TcpLayer;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.SystemNanoClock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * ringstack with TCP on one side of a TAP device, the Linux kernel in a network namespace on the other. The stack
 * runs on its own thread; tests reach it through a command queue, and pumps (e.g. a sender) run in its duty cycle.
 */
final class LinuxTcpPeer implements AutoCloseable
{
    static final long MAC = 0x0252_5300_0006L;

    final NetworkNamespace namespace;
    final String linuxAddress;
    final String ourAddress;
    final EmulatedNic nic;
    final Ipv4Stack stack;
    final TcpLayer tcp;
    private final TapPort port;
    private final AgentRunner runner;
    private final StackAgent agent;

    LinuxTcpPeer(final int subnet, final TcpConfig config)
    {
        linuxAddress = "10.78." + subnet + ".1";
        ourAddress = "10.78." + subnet + ".2";
        namespace = LinuxNetwork.createNamespace();
        boolean done = false;
        try
        {
            nic = EmulatedNic.builder("rs", MAC).rings(256, 256).buffers(4096).strict(false).build();
            final String name = namespace.interfaceName("t");
            port = TapPort.attach(TapDevice.open(name), nic.device());
            namespace.adoptInterface(name, linuxAddress + "/24");
            nic.start();
            port.start();
            stack = new Ipv4Stack("rs", StackConfig.of(ourAddress + "/24"), nic.driver(), SystemNanoClock.INSTANCE);
            tcp = TcpLayer.install(stack, config, SystemNanoClock.INSTANCE);
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
    <T> T onStackThread(final Function<TcpLayer, T> action)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Runnable command = () ->
        {
            try
            {
                result.complete(action.apply(tcp));
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
            return result.get(20, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("stack thread did not run the command", ex);
        }
    }

    /** Runs {@code pump} on the stack thread after every duty cycle until it returns false. */
    void pump(final java.util.function.BooleanSupplier pump)
    {
        onStackThread(t -> agent.pumps.add(pump));
    }

    @Override
    public void close()
    {
        try
        {
            runner.close(); // the stack (and TCP with it) closes on its own thread
            port.close();
            nic.driver().stop();
            nic.close();
        }
        finally
        {
            namespace.close();
        }
    }

    private static final class StackAgent implements Agent
    {
        final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(64);
        final List<java.util.function.BooleanSupplier> pumps = new ArrayList<>();
        private final Ipv4Stack stack;

        StackAgent(final Ipv4Stack stack)
        {
            this.stack = stack;
        }

        @Override
        public int doWork()
        {
            int work = commands.drain(Runnable::run);
            work += stack.doWork();
            if (!pumps.isEmpty())
            {
                pumps.removeIf(p -> !p.getAsBoolean());
                stack.flush();
                work++;
            }
            return work;
        }

        @Override
        public void onStart()
        {
            stack.start();
        }

        @Override
        public void onClose()
        {
            stack.close();
        }

        @Override
        public String roleName()
        {
            return "ringstack-tcp";
        }
    }
}
