package io.ringstack.bench.tcp;

/**
 * The bench harness for issue 6's TCP workloads, reported per CPU-second (process CPU time) as well as per wall
 * second, with latency percentiles and bytes allocated per operation:
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ringstack.bench.tcp.TcpBench [seconds]
 * </pre>
 * Request/response with 64 B messages over 1 and 100 connections, connections per second, and one bulk flow.
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
        final KernelTcpWorkloads kernel = new KernelTcpWorkloads();
        System.out.println(kernel.requestResponse(1, 64, warmup, seconds).row());
        System.out.println(kernel.requestResponse(100, 64, warmup, seconds).row());
        System.out.println(kernel.connections(warmup, seconds).row());
        System.out.println(kernel.bulk(256 * 1024, warmup, seconds).row());
    }
}
