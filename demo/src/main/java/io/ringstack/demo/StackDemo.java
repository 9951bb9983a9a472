package io.ringstack.demo;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSendBuffer;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.NicIdleStrategy;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.wire.FaultPlan;
import io.ringstack.nic.wire.InMemoryWire;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two IPv4 hosts, 10.0.0.1 and 10.0.0.2, each a ringstack stack on its own emulated 82540EM and its own thread,
 * joined by an in-memory wire (optionally lossy). Host a resolves b with ARP, pings it, then runs a UDP echo
 * exchange against b's echo server (datagrams of mixed sizes, some fragmented), checking every byte that comes
 * back. Prints round-trip times and both stacks' counters, like {@code netstat -s}.
 */
public final class StackDemo
{
    static final int IP_A = Ipv4Address.parse("10.0.0.1");
    static final int IP_B = Ipv4Address.parse("10.0.0.2");
    static final int ECHO_PORT = 7;

    private StackDemo()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int datagrams = 100_000;
        int pings = 10;
        double loss = 0;
        Path pcap = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--datagrams" -> datagrams = Integer.parseInt(args[++i]);
                case "--pings" -> pings = Integer.parseInt(args[++i]);
                case "--loss" -> loss = Double.parseDouble(args[++i]);
                case "--pcap" -> pcap = Path.of(args[++i]);
                case "--help", "-h" ->
                {
                    System.out.println("usage: StackDemo [--datagrams N] [--pings N] [--loss 0..1] [--pcap FILE]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        run(datagrams, pings, loss, pcap);
    }

    static void run(final int datagrams, final int pings, final double loss, final Path pcap) throws Exception
    {
        System.out.println("ringstack: two IPv4 hosts on emulated 82540EM NICs, an in-memory wire, one thread each");
        try (EmulatedNic nicA = EmulatedNic.builder("a", 0x5254_0000_0A01L).rings(256, 256).buffers(2048).strict(false).build();
             EmulatedNic nicB = EmulatedNic.builder("b", 0x5254_0000_0A02L).rings(256, 256).buffers(2048).strict(false).build())
        {
            final FaultPlan faults = loss > 0 ? FaultPlan.drop(loss) : FaultPlan.NONE;
            final InMemoryWire wire = InMemoryWire.between(nicA.device(), nicB.device()).faults(faults).pcap(pcap).build();
            nicA.start();
            nicB.start();
            final Ipv4Stack a = new Ipv4Stack("a", StackConfig.of(IP_A, 24), nicA.driver(), SystemNanoClock.INSTANCE);
            final Ipv4Stack b = new Ipv4Stack("b", StackConfig.of(IP_B, 24), nicB.driver(), SystemNanoClock.INSTANCE);
            System.out.printf("  a %s %s  <--wire%s-->  b %s %s%n", Ipv4Address.toString(IP_A),
                MacAddress.toString(a.macAddress()), loss > 0 ? String.format(" (%.1f%% loss)", loss * 100) : "",
                Ipv4Address.toString(IP_B), MacAddress.toString(b.macAddress()));
            final EchoServer server = new EchoServer(b);
            final Client client = new Client(a, pings, datagrams);
            final AgentRunner runnerB = new AgentRunner(new NicIdleStrategy(nicB.driver()), Throwable::printStackTrace, null, server);
            final AgentRunner runnerA = new AgentRunner(new NicIdleStrategy(nicA.driver()), Throwable::printStackTrace, null, client);
            AgentRunner.startOnThread(runnerB);
            AgentRunner.startOnThread(runnerA);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!client.done && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            Thread.sleep(100);
            runnerA.close(); // closes the stacks on their own threads (Agent.onClose)
            runnerB.close();
            wire.close();
            client.report();
            print("host a", a.countersSnapshot());
            print("host b", b.countersSnapshot());
            if (pcap != null)
            {
                System.out.println("  pcap: " + pcap.toAbsolutePath() + " (tshark -r FILE, or ./ringstack decode FILE)");
            }
            nicA.driver().stop();
            nicB.driver().stop();
            final boolean clean = nicA.pool().outstanding() == 0 && nicB.pool().outstanding() == 0;
            System.out.println(clean ? "  every buffer is back in its pool" :
                "  LEAK: " + nicA.pool().describeOutstanding(5) + " " + nicB.pool().describeOutstanding(5));
        }
    }

    private static void print(final String title, final Map<String, Long> counters)
    {
        System.out.println(title + ":");
        counters.forEach((name, value) -> System.out.printf("  %-40s %,d%n", name, value));
    }

    /** Host b: the stack plus a UDP echo server answering from claimed buffers. */
    static final class EchoServer implements Agent
    {
        private final Ipv4Stack stack;
        private final UdpSocket socket;
        private final UdpDatagram datagram = new UdpDatagram();
        private final UdpSendBuffer out = new UdpSendBuffer();

        EchoServer(final Ipv4Stack stack)
        {
            this.stack = stack;
            this.socket = stack.openUdp(ECHO_PORT);
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
            while (socket.receive(datagram))
            {
                work++;
                if (socket.claim(datagram.length(), out))
                {
                    out.buffer().putBytes(out.offset(), datagram.buffer(), datagram.offset(), datagram.length());
                    socket.send(out, datagram.length(), datagram.sourceAddress(), datagram.sourcePort());
                }
                datagram.release();
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
            return "echo-server";
        }
    }

    /** Host a: pings, then keeps a window of UDP datagrams in flight and checks what comes back. */
    static final class Client implements Agent
    {
        private static final int WINDOW = 16;
        private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
        private final Ipv4Stack stack;
        private final UdpSocket socket;
        private final UdpDatagram datagram = new UdpDatagram();
        private final UdpSendBuffer out = new UdpSendBuffer();
        private final int pings;
        private final int datagrams;
        private final long[] pingRtt;
        private final long[] udpRtt;
        private long pingSentAt;
        private int pingsAnswered;
        private int pingsSent;
        private long sent;
        private long received;
        private long corrupt;
        private long lost;
        private long lastProgress;
        private long startNanos;
        private long endNanos;
        volatile boolean done;

        Client(final Ipv4Stack stack, final int pings, final int datagrams)
        {
            this.stack = stack;
            this.socket = stack.openUdp(0);
            this.pings = pings;
            this.datagrams = datagrams;
            this.pingRtt = new long[pings];
            this.udpRtt = new long[datagrams];
            stack.echoReplyListener(this::onEchoReply);
        }

        @Override
        public void onStart()
        {
            stack.start();
        }

        private void onEchoReply(final int source, final int id, final int seq, final DirectBuffer data,
            final int offset, final int length, final long now)
        {
            if (seq == pingsSent && pingsAnswered < pings && pingsAnswered == pingsSent - 1)
            {
                pingRtt[pingsAnswered++] = now - pingSentAt;
            }
        }

        @Override
        public int doWork()
        {
            int work = stack.doWork();
            final long now = System.nanoTime();
            if (pingsAnswered < pings)
            {
                if (pingsSent == pingsAnswered || now - pingSentAt > RETRY_NANOS * 10)
                {
                    pingSentAt = now;
                    stack.sendEchoRequest(IP_B, 0x7E57, ++pingsSent, 56);
                }
                stack.flush();
                return work;
            }
            if (startNanos == 0)
            {
                startNanos = now;
                lastProgress = now;
            }
            while (socket.receive(datagram))
            {
                work++;
                check(datagram, now);
                datagram.release();
            }
            // a lossy wire loses datagrams: after a quiet spell, count them lost and move on
            if (sent - received - lost > 0 && now - lastProgress > RETRY_NANOS)
            {
                lost = sent - received;
                lastProgress = now;
            }
            while (sent < datagrams && sent - received - lost < WINDOW && socket.claim(sizeOf(sent), out))
            {
                final int size = sizeOf(sent);
                final var buffer = out.buffer();
                buffer.putLong(out.offset(), sent);
                buffer.putLong(out.offset() + 8, now);
                for (int i = 16; i < size; i++)
                {
                    buffer.putByte(out.offset() + i, (byte)(sent + i));
                }
                socket.send(out, size, IP_B, ECHO_PORT);
                sent++;
                work++;
            }
            stack.flush();
            if (received + lost >= datagrams && !done)
            {
                endNanos = now;
                done = true;
            }
            return work;
        }

        /** Mostly small datagrams, every 50th one 4000 B (three fragments on a 1500 B MTU). */
        private static int sizeOf(final long n)
        {
            return n % 50 == 49 ? 4000 : 16 + (int)(n % 200);
        }

        private void check(final UdpDatagram d, final long now)
        {
            final DirectBuffer buffer = d.buffer();
            final long n = buffer.getLong(d.offset());
            boolean intact = d.length() == sizeOf(n);
            for (int i = 16; intact && i < d.length(); i++)
            {
                intact = buffer.getByte(d.offset() + i) == (byte)(n + i);
            }
            if (!intact)
            {
                corrupt++;
            }
            if (received < udpRtt.length)
            {
                udpRtt[(int)received] = now - buffer.getLong(d.offset() + 8);
            }
            received++;
            lastProgress = now;
        }

        void report()
        {
            final long[] p = Arrays.copyOf(pingRtt, pingsAnswered);
            Arrays.sort(p);
            System.out.printf("  ping 10.0.0.2: %d of %d answered (ARP resolved on the first), rtt min %.1f us, median %.1f us%n",
                pingsAnswered, pings, p.length > 0 ? p[0] / 1e3 : 0, p.length > 0 ? p[p.length / 2] / 1e3 : 0);
            final int n = (int)Math.min(received, udpRtt.length);
            final long[] rtt = Arrays.copyOf(udpRtt, n);
            Arrays.sort(rtt);
            final double seconds = (endNanos - startNanos) / 1e9;
            System.out.printf("  udp echo: %,d datagrams sent, %,d echoed back intact%s, %,d lost, in %.2f s (%,.0f round trips/s, window %d)%n",
                sent, received - corrupt, corrupt > 0 ? " (" + corrupt + " corrupt!)" : "", lost, seconds,
                seconds > 0 ? received / seconds : 0, WINDOW);
            if (n > 0)
            {
                System.out.printf("  udp rtt: p50 %.1f us, p99 %.1f us, max %.1f us%n",
                    rtt[n / 2] / 1e3, rtt[(int)(n * 0.99)] / 1e3, rtt[n - 1] / 1e3);
            }
            if (!done)
            {
                System.out.println("  did not finish within 60 s");
            }
        }

        @Override
        public void onClose()
        {
            stack.close();
        }

        @Override
        public String roleName()
        {
            return "client";
        }
    }
}
