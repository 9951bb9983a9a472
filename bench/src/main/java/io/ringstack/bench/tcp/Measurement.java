package io.ringstack.bench.tcp;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * One workload's run: operations done, wall time, the process's CPU time (all threads: the application's and, for
 * ringstack, the stack's; for the kernel path the system time of its system calls too), bytes allocated on the
 * measured threads, and a sample of per-operation latencies.
 */
public final class Measurement
{
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
    private static final int LATENCY_SAMPLES = 1 << 20;

    private final String name;
    private final long[] latencies = new long[LATENCY_SAMPLES];
    private int latencyCount;
    private long startWall;
    private long startCpu;
    private long endWall;
    private long endCpu;
    private long operations;
    private long bytes;
    private long allocated;

    public Measurement(final String name)
    {
        this.name = name;
    }

    public static long processCpuNanos()
    {
        return OS.getProcessCpuTime();
    }

    public void start()
    {
        startWall = System.nanoTime();
        startCpu = processCpuNanos();
    }

    public void stop(final long operationsDone, final long bytesMoved, final long bytesAllocated)
    {
        endWall = System.nanoTime();
        endCpu = processCpuNanos();
        operations = operationsDone;
        bytes = bytesMoved;
        allocated = bytesAllocated;
    }

    /** Records one operation's latency (the first 2^20 are kept; enough for percentiles). */
    public void latency(final long nanos)
    {
        if (latencyCount < LATENCY_SAMPLES)
        {
            latencies[latencyCount++] = nanos;
        }
    }

    public double wallSeconds()
    {
        return (endWall - startWall) / 1e9;
    }

    public double cpuSeconds()
    {
        return (endCpu - startCpu) / 1e9;
    }

    public long operations()
    {
        return operations;
    }

    public double perWallSecond()
    {
        return operations / wallSeconds();
    }

    public double perCpuSecond()
    {
        return operations / cpuSeconds();
    }

    public double gbitPerCpuSecond()
    {
        return bytes * 8 / 1e9 / cpuSeconds();
    }

    public double gbitPerWallSecond()
    {
        return bytes * 8 / 1e9 / wallSeconds();
    }

    public double allocatedPerOperation()
    {
        return operations == 0 ? 0 : (double)allocated / operations;
    }

    public long percentileNanos(final double p)
    {
        if (latencyCount == 0)
        {
            return 0;
        }
        final long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return sorted[Math.min(latencyCount - 1, (int)(latencyCount * p))];
    }

    public String name()
    {
        return name;
    }

    public String row()
    {
        if (bytes > 0 && operations == 0)
        {
            return String.format("%-44s %8.2f Gbit/s %8.2f Gbit/CPU-s  cpu %5.2f s / wall %5.2f s  %.3f B alloc/op",
                name, gbitPerWallSecond(), gbitPerCpuSecond(), cpuSeconds(), wallSeconds(), allocatedPerOperation());
        }
        return String.format("%-44s %,10.0f /s %,10.0f /CPU-s  p50 %6.1f us p99 %7.1f us p99.9 %7.1f us  cpu %5.2f s / " +
            "wall %5.2f s  %.3f B alloc/op%s", name, perWallSecond(), perCpuSecond(), percentileNanos(0.5) / 1e3,
            percentileNanos(0.99) / 1e3, percentileNanos(0.999) / 1e3, cpuSeconds(), wallSeconds(),
            allocatedPerOperation(), bytes > 0 ? String.format("  %.2f Gbit/CPU-s", gbitPerCpuSecond()) : "");
    }
}
