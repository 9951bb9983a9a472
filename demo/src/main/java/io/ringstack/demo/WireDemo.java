package io.ringstack.demo;

import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.FrameReceiver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.NicIdleStrategy;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.InMemoryWire;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Two emulated 82540EM NICs on an in-memory wire, each owned by its own thread (an Agrona agent that sleeps on the
 * device's interrupt when idle). NIC a sends echo requests; NIC b turns each received frame around in the same RX
 * buffer (swaps the MAC addresses in place and transmits that buffer: no copy); a measures round-trip times.
 * Prints the drivers' counters and the device statistics registers at the end.
 */
public final class WireDemo
{
    static final long MAC_A = 0x5254_0000_000AL;
    static final long MAC_B = 0x5254_0000_000BL;
    static final int ETHERTYPE = 0x88B5; // IEEE local experimental
    static final int SEQUENCE = 14;
    static final int TIMESTAMP = 22;

    private WireDemo()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int frames = 200_000;
        int frameLength = 60;
        int window = 32;
        Path pcap = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--frames" -> frames = Integer.parseInt(args[++i]);
                case "--size" -> frameLength = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--pcap" -> pcap = Path.of(args[++i]);
                case "--help", "-h" ->
                {
                    System.out.println("usage: WireDemo [--frames N] [--size BYTES 60..1514] [--window N] [--pcap FILE]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        if (frameLength < 30 || frameLength > 1514)
        {
            throw new IllegalArgumentException("--size must be 30..1514 bytes (an Ethernet frame without FCS)");
        }
        run(frames, frameLength, window, pcap);
    }

    static void run(final int frames, final int frameLength, final int window, final Path pcap) throws Exception
    {
        System.out.println("ringstack: two emulated 82540EM NICs on an in-memory wire, one thread each");
        try (EmulatedNic a = EmulatedNic.builder("a", MAC_A).rings(256, 256).buffers(1024).strict(false).build();
             EmulatedNic b = EmulatedNic.builder("b", MAC_B).rings(256, 256).buffers(1024).strict(false).build())
        {
            final InMemoryWire wire = InMemoryWire.between(a.device(), b.device()).pcap(pcap).build();
            a.start();
            b.start();
            System.out.printf("  a %s  <--wire-->  b %s   (%d B frames, %d in flight, %d frames)%n",
                MacAddress.toString(a.driver().macAddress()), MacAddress.toString(b.driver().macAddress()),
                frameLength, window, frames);

            final Requester requester = new Requester(a, frames, frameLength, window);
            final Echo echo = new Echo(b);
            final long start = System.nanoTime();
            final AgentRunner runnerA = new AgentRunner(new NicIdleStrategy(a.driver()), Throwable::printStackTrace, null, requester);
            final AgentRunner runnerB = new AgentRunner(new NicIdleStrategy(b.driver()), Throwable::printStackTrace, null, echo);
            AgentRunner.startOnThread(runnerB);
            AgentRunner.startOnThread(runnerA);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!requester.done && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            final long elapsed = System.nanoTime() - start;
            Thread.sleep(200); // let both threads go idle on their interrupts before stopping them
            runnerA.close();
            runnerB.close();
            wire.close();

            if (!requester.done)
            {
                System.out.println("  did not finish within 60 s: " + requester.replies + " of " + frames + " replies");
            }
            requester.report(elapsed);
            System.out.println("nic a (requester):");
            System.out.println(a.driver().readStatistics());
            System.out.println("  pool: " + a.pool());
            System.out.println("nic b (echo, replies sent from the RX buffers they arrived in):");
            System.out.println(b.driver().readStatistics());
            System.out.println("  pool: " + b.pool());
            System.out.println("  echo: " + echo.echoed + " frames turned around, " + echo.dropped + " dropped (TX ring full)");
            if (pcap != null)
            {
                System.out.println("  pcap: " + pcap.toAbsolutePath() + " (open with tshark -r or Wireshark)");
            }
            a.driver().stop();
            b.driver().stop();
            final int leaksA = a.pool().outstanding();
            final int leaksB = b.pool().outstanding();
            System.out.println(leaksA == 0 && leaksB == 0 ? "  every buffer is back in its pool" :
                "  LEAK: " + a.pool().describeOutstanding(5) + " " + b.pool().describeOutstanding(5));
        }
    }

    /** NIC b's thread: receive, swap the addresses in place, transmit the same buffer. */
    static final class Echo implements Agent, FrameReceiver
    {
        private final E1000Driver driver;
        private final PacketBufferPool pool;
        long echoed;
        long dropped;

        Echo(final EmulatedNic nic)
        {
            this.driver = nic.driver();
            this.pool = nic.pool();
        }

        @Override
        public int doWork()
        {
            int work = driver.reclaim();
            work += driver.receive(this, 64);
            driver.flush();
            return work;
        }

        @Override
        public void onFrame(final int handle, final UnsafeBuffer memory, final int offset, final int length)
        {
            final long destination = MacAddress.read(memory, offset);
            final long source = MacAddress.read(memory, offset + 6);
            MacAddress.write(memory, offset, source);
            MacAddress.write(memory, offset + 6, destination);
            pool.handOver(handle, BufferHolder.TX_BUILD);
            if (driver.transmit(handle, offset, length))
            {
                echoed++;
            }
            else
            {
                dropped++;
                pool.release(handle);
            }
        }

        @Override
        public String roleName()
        {
            return "echo-b";
        }
    }

    /** NIC a's thread: keeps a window of requests in flight and records each round trip. */
    static final class Requester implements Agent, FrameReceiver
    {
        private final E1000Driver driver;
        private final PacketBufferPool pool;
        private final int frames;
        private final int frameLength;
        private final int window;
        private final long[] rttNanos;
        private long sent;
        volatile long replies;
        volatile boolean done;

        Requester(final EmulatedNic nic, final int frames, final int frameLength, final int window)
        {
            this.driver = nic.driver();
            this.pool = nic.pool();
            this.frames = frames;
            this.frameLength = frameLength;
            this.window = window;
            this.rttNanos = new long[frames];
        }

        @Override
        public int doWork()
        {
            int work = driver.reclaim();
            work += driver.receive(this, 64);
            while (sent < frames && sent - replies < window)
            {
                final int handle = pool.claim(BufferHolder.TX_BUILD);
                if (handle == PacketBufferPool.NO_BUFFER)
                {
                    break;
                }
                final UnsafeBuffer memory = pool.memory();
                final int offset = pool.offset(handle);
                MacAddress.write(memory, offset, MAC_B);
                MacAddress.write(memory, offset + 6, MAC_A);
                memory.putShort(offset + 12, (short)ETHERTYPE, ByteOrder.BIG_ENDIAN);
                memory.putLong(offset + SEQUENCE, sent, ByteOrder.BIG_ENDIAN);
                memory.putLong(offset + TIMESTAMP, System.nanoTime(), ByteOrder.BIG_ENDIAN);
                if (!driver.transmit(handle, offset, frameLength))
                {
                    pool.release(handle);
                    break;
                }
                sent++;
                work++;
            }
            driver.flush();
            return work;
        }

        @Override
        public void onFrame(final int handle, final UnsafeBuffer memory, final int offset, final int length)
        {
            final long sequence = memory.getLong(offset + SEQUENCE, ByteOrder.BIG_ENDIAN);
            final long sentAt = memory.getLong(offset + TIMESTAMP, ByteOrder.BIG_ENDIAN);
            pool.release(handle);
            if (sequence >= 0 && sequence < frames)
            {
                rttNanos[(int)sequence] = System.nanoTime() - sentAt;
            }
            replies = replies + 1;
            if (replies == frames)
            {
                done = true;
            }
        }

        void report(final long elapsedNanos)
        {
            final long count = replies;
            final long[] rtts = Arrays.copyOf(rttNanos, (int)count);
            Arrays.sort(rtts);
            System.out.printf("  %d requests, %d replies in %.1f ms: %.2f M round trips/s%n", sent, count,
                elapsedNanos / 1e6, count / (elapsedNanos / 1e9) / 1e6);
            if (count > 0)
            {
                System.out.printf("  round trip (with %d in flight): p50 %.1f us, p99 %.1f us, max %.1f us%n", window,
                    rtts[(int)(count * 0.50)] / 1e3, rtts[(int)Math.min(count - 1, count * 0.99)] / 1e3, rtts[(int)count - 1] / 1e3);
            }
        }

        @Override
        public String roleName()
        {
            return "requester-a";
        }
    }
}
