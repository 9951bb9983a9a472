package io.ringstack.bench.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time at one instant: this process's (every thread, user and system: {@code getProcessCpuTime}), each live
 * thread's ({@link ThreadMXBean}), and the whole machine's busy time ({@code /proc/stat}: everything but idle and
 * iowait, on all cores). {@link #until(CpuSample)} gives what was used in between.
 */
final class CpuSample
{
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    /** USER_HZ: the unit of /proc/stat; 100 on every Linux architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private final long wallNanos;
    private final long processNanos;
    private final long machineBusyTicks;
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> threadNanos = new HashMap<>();
    private final Map<Long, Long> threadAllocated = new HashMap<>();

    private CpuSample()
    {
        wallNanos = System.nanoTime();
        processNanos = OS.getProcessCpuTime();
        machineBusyTicks = machineBusyTicks();
        for (final ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds()))
        {
            if (info != null)
            {
                final long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0)
                {
                    names.put(info.getThreadId(), info.getThreadName());
                    threadNanos.put(info.getThreadId(), nanos);
                    threadAllocated.put(info.getThreadId(), THREADS.getThreadAllocatedBytes(info.getThreadId()));
                }
            }
        }
    }

    static CpuSample now()
    {
        return new CpuSample();
    }

    /** CPU used from this sample to {@code later}. */
    Use until(final CpuSample later)
    {
        final List<ThreadUse> threads = new ArrayList<>();
        long allocated = 0;
        for (final Map.Entry<Long, Long> entry : later.threadNanos.entrySet())
        {
            final long id = entry.getKey();
            final long used = entry.getValue() - threadNanos.getOrDefault(id, 0L);
            if (used > 0)
            {
                threads.add(new ThreadUse(later.names.get(id), used / 1e9));
            }
            final long allocatedAfter = later.threadAllocated.getOrDefault(id, -1L);
            if (allocatedAfter > 0)
            {
                allocated += allocatedAfter - Math.max(0, threadAllocated.getOrDefault(id, 0L));
            }
        }
        threads.sort(Comparator.comparingDouble(ThreadUse::seconds).reversed());
        return new Use((later.wallNanos - wallNanos) / 1e9, (later.processNanos - processNanos) / 1e9,
            (later.machineBusyTicks - machineBusyTicks) / TICKS_PER_SECOND, threads, allocated);
    }

    /** The "cpu" line of /proc/stat less idle and iowait, in ticks; 0 when it cannot be read. */
    private static long machineBusyTicks()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/stat")))
            {
                if (line.startsWith("cpu "))
                {
                    final String[] fields = line.trim().split("\\s+");
                    long busy = 0;
                    for (int i = 1; i < fields.length && i <= 8; i++) // user nice system idle iowait irq softirq steal
                    {
                        if (i != 4 && i != 5)
                        {
                            busy += Long.parseLong(fields[i]);
                        }
                    }
                    return busy;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
        return 0;
    }

    /** One thread's CPU seconds in an interval. */
    record ThreadUse(String name, double seconds)
    {
    }

    /**
     * CPU used in an interval.
     *
     * @param wallSeconds    the interval's length
     * @param processSeconds this process's CPU time (all threads, user and system)
     * @param machineSeconds busy CPU time of the whole machine (every process, the kernel's softirqs; all cores)
     * @param threads        the process's Java threads that used CPU, most first (threads that ended are missing)
     * @param allocatedBytes bytes allocated on the heap by the process's live Java threads (this harness's own
     *                       sampling included: a few kilobytes)
     */
    record Use(double wallSeconds, double processSeconds, double machineSeconds, List<ThreadUse> threads,
        long allocatedBytes)
    {
        /**
         * The busiest {@code n} Java threads, then the rest of the process's CPU time (JIT compiler, GC and VM
         * threads, which ThreadMXBean does not list), e.g. {@code ringstack-http-tap 1.92 s, tap-rx 0.40 s, JIT/GC/VM
         * 0.05 s}.
         */
        String topThreads(final int n)
        {
            final StringBuilder text = new StringBuilder();
            double listed = 0;
            for (int i = 0; i < threads.size(); i++)
            {
                listed += threads.get(i).seconds();
                if (i < n)
                {
                    text.append(threads.get(i).name()).append(' ')
                        .append(String.format(Locale.ROOT, "%.2f s", threads.get(i).seconds())).append(", ");
                }
            }
            return text.append(String.format(Locale.ROOT, "JIT/GC/VM %.2f s", processSeconds - listed)).toString();
        }
    }
}
