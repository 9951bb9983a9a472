package io.ringstack.nic.linux;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flood pings through a port and the thread measurements around them (allocation, idle CPU). */
final class WireMeasurements
{
    private static final Pattern SUMMARY =
        Pattern.compile("(\\d+) packets transmitted, (\\d+) received.*?time (\\d+)ms", Pattern.DOTALL);

    private WireMeasurements()
    {
    }

    static com.sun.management.ThreadMXBean threads()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot measure allocation per thread");
        assertTrue(threads.isThreadCpuTimeSupported(), "this JVM cannot measure CPU time per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        threads.setThreadCpuTimeEnabled(true);
        return threads;
    }

    record Flood(long sent, long received, long millis, String output)
    {
        double echoesPerSecond()
        {
            return millis == 0 ? 0 : received * 1000.0 / millis;
        }
    }

    /**
     * {@code ping -f -l preload -c count -q peer}, optionally inside a namespace ({@code prefix}, e.g. "ip netns exec
     * NS"). A flood ping sends the next request as soon as a reply comes back (and keeps {@code preload} in flight).
     */
    static Flood flood(final List<String> prefix, final String peer, final int count, final int preload)
    {
        final List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("ping", "-f", "-q", "-l", Integer.toString(preload), "-c", Integer.toString(count),
            "-W", "1", peer));
        final LinuxNet.Result result = LinuxNet.run(command);
        final Matcher matcher = SUMMARY.matcher(result.output());
        assertTrue(matcher.find(), "ping printed no summary (" + result.exit() + "): " + result.output());
        return new Flood(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)),
            Long.parseLong(matcher.group(3)), result.output());
    }

    /** One measured flood and what each measured thread allocated during it. */
    record Round(Flood flood, long[] allocated)
    {
        boolean allocatedNothing()
        {
            for (final long bytes : allocated)
            {
                if (bytes != 0)
                {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString()
        {
            return flood.received() + " of " + flood.sent() + " echoes in " + flood.millis() + " ms, allocated " +
                java.util.Arrays.toString(allocated) + " B";
        }
    }

    /**
     * Floods up to three times after warm-up, measuring the allocation of each of {@code measured} threads, and
     * stops at the first round in which none allocated anything. One round may catch a late JIT event (a
     * deoptimisation re-materialises objects once); allocation per frame shows in every round, so the last round
     * tells.
     */
    static List<Round> roundsUntilNothingAllocated(final com.sun.management.ThreadMXBean threads,
        final List<String> prefix, final String peer, final int count, final int preload, final Thread... measured)
    {
        final List<Round> rounds = new ArrayList<>();
        for (int round = 0; round < 3; round++)
        {
            final long[] before = new long[measured.length];
            for (int i = 0; i < measured.length; i++)
            {
                before[i] = threads.getThreadAllocatedBytes(measured[i].threadId());
            }
            final Flood flood = flood(prefix, peer, count, preload);
            final long[] allocated = new long[measured.length];
            for (int i = 0; i < measured.length; i++)
            {
                allocated[i] = threads.getThreadAllocatedBytes(measured[i].threadId()) - before[i];
            }
            assertTrue(flood.received() >= flood.sent() * 9 / 10, "most echoes came back: " + flood.output());
            rounds.add(new Round(flood, allocated));
            if (rounds.getLast().allocatedNothing())
            {
                break;
            }
        }
        return rounds;
    }

    /** CPU time the thread used over {@code millis} of wall time, in milliseconds. */
    static double cpuMillisOver(final com.sun.management.ThreadMXBean threads, final Thread thread, final long millis)
        throws InterruptedException
    {
        final long before = threads.getThreadCpuTime(thread.threadId());
        Thread.sleep(millis);
        final long after = threads.getThreadCpuTime(thread.threadId());
        return (after - before) / 1e6;
    }
}
