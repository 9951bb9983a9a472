package io.ringstack.bench.tcp;

import io.ringstack.tcp.TcpConfig;

/**
 * The bench harness for issue 6's TCP workloads, reported per CPU-second (process CPU time) as well as per wall
 * second, with latency percentiles and bytes allocated per operation:
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringstack.bench.tcp.TcpBench [seconds [rr|cps|bulk|all [MTU,MTU...]]]
 * </pre>
 * Request/response with 64 B messages over 1 and 100 connections, connections per second, and one bulk flow
 * (MTU 1500 and 9000 for ringstack), ringstack's in-process pair ({@link RingstackTcpWorkloads}: one thread, MSL
 * 1 ms so that TIME-WAIT does not exhaust ports, as the kernel's tcp_tw_reuse does on loopback) next to java.nio over
 * the kernel's loopback ({@link KernelTcpWorkloads}) in the same run.
 */
public final class TcpBench
{
    private TcpBench()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        final double warmup = Math.max(1, seconds / 3);
        final String only = args.length > 1 ? args[1] : "all";
        final KernelTcpWorkloads kernel = new KernelTcpWorkloads();
        final TcpConfig config = TcpConfig.defaults().withNoDelay(true).withMsl(1_000_000L);
        if (only.equals("all") || only.equals("rr"))
        {
            try (RingstackTcpWorkloads ringstack = new RingstackTcpWorkloads(1500, config))
            {
                System.out.println(ringstack.requestResponse(1, 64, warmup, seconds).row());
                System.out.println(ringstack.requestResponse(100, 64, warmup, seconds).row());
            }
            System.out.println(kernel.requestResponse(1, 64, warmup, seconds).row());
            System.out.println(kernel.requestResponse(100, 64, warmup, seconds).row());
        }
        if (only.equals("all") || only.equals("cps"))
        {
            try (RingstackTcpWorkloads ringstack = new RingstackTcpWorkloads(1500, config))
            {
                System.out.println(ringstack.connections(warmup, seconds).row());
            }
            System.out.println(kernel.connections(warmup, seconds).row());
        }
        if (only.equals("all") || only.equals("bulk"))
        {
            final int[] mtus = args.length > 2 ?
                java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray() :
                new int[] {1500, 9000, 16110};
            for (final int mtu : mtus)
            {
                try (RingstackTcpWorkloads ringstack = new RingstackTcpWorkloads(mtu, config))
                {
                    System.out.println(ringstack.bulk(warmup, seconds).row());
                }
            }
            System.out.println(kernel.bulk(256 * 1024, warmup, seconds).row());
        }
    }
}
