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
