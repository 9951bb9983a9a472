package io.ringstack.bench.http;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link HttpBench}'s command line.
 *
 * @param seconds      wrk's measuring time per run ({@code --seconds}, default 10)
 * @param warmupSeconds wrk's time before the measured runs of each server ({@code --warmup}, default a third of
 *                     the measuring time, at least 1)
 * @param connections  wrk's connection counts, one measured run each ({@code --connections 1,50,200})
 * @param wrkThreads   wrk's threads ({@code --wrk-threads}, default 2; never more than the connections)
 * @param path         what wrk requests ({@code --path}, default {@code /bytes/64})
 * @param kinds        the servers to run ({@code --only tap|afpacket|nio}, a comma-separated list; default all)
 * @param bulkBytes    the body of each bulk download ({@code --bulk-bytes}, default 1,000,000,000; 0: none); curl
 *                     downloads it again and again until {@code seconds} have passed
 * @param port         the servers' TCP port ({@code --port}, default 80)
 * @param nioOffloads  whether the java.nio server's veth keeps its offloads ({@code --nio-offloads on|off},
 *                     default on: Linux's defaults, TSO/GSO and checksum offload on)
 */
record HttpBenchOptions(int seconds, int warmupSeconds, List<Integer> connections, int wrkThreads, String path,
    List<HttpTarget.Kind> kinds, long bulkBytes, int port, boolean nioOffloads, int mtu)
{
    static final String USAGE = """
        usage: HttpBench [--seconds N] [--warmup N] [--connections 1,50,200] [--wrk-threads 2] [--path /bytes/64]
                         [--only tap|afpacket|nio[,...]] [--bulk-bytes N] [--port 80] [--nio-offloads on|off]
                         [--mtu 1500]
        Needs root, wrk and curl. Runs wrk (and curl for bulk) in a network namespace against the ringstack HTTP
        demo over TAP and over AF_PACKET and against a java.nio server on kernel sockets over veth.""";

    static HttpBenchOptions parse(final String[] args)
    {
        int seconds = 10;
        int warmup = -1;
        List<Integer> connections = List.of(1, 50, 200);
        int wrkThreads = 2;
        String path = "/bytes/64";
        List<HttpTarget.Kind> kinds = List.of(HttpTarget.Kind.values());
        long bulkBytes = 1_000_000_000L;
        int port = 80;
        boolean nioOffloads = true;
        int mtu = 1500;
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (option.equals("-h") || option.equals("--help"))
            {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 == args.length)
            {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            final String value = args[++i];
            switch (option)
            {
                case "--seconds" -> seconds = positive(option, value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--connections" -> connections = connections(value);
                case "--wrk-threads" -> wrkThreads = positive(option, value);
                case "--path" -> path = value.startsWith("/") ? value : "/" + value;
                case "--only" -> kinds = kinds(value);
                case "--bulk-bytes" -> bulkBytes = Long.parseLong(value);
                case "--port" -> port = positive(option, value);
                case "--nio-offloads" -> nioOffloads = onOff(option, value);
                case "--mtu" -> mtu = positive(option, value);
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        return new HttpBenchOptions(seconds, warmup >= 0 ? warmup : Math.max(1, (seconds + 2) / 3), connections,
            wrkThreads, path, kinds, bulkBytes, port, nioOffloads, mtu);
    }

    private static int positive(final String option, final String value)
    {
        final int n = Integer.parseInt(value);
        if (n < 1)
        {
            throw new IllegalArgumentException(option + " must be at least 1, was " + value);
        }
        return n;
    }

    private static List<Integer> connections(final String value)
    {
        final List<Integer> counts = new ArrayList<>();
        for (final String part : value.split(","))
        {
            counts.add(positive("--connections", part.trim()));
        }
        return List.copyOf(counts);
    }

    private static List<HttpTarget.Kind> kinds(final String value)
    {
        final List<HttpTarget.Kind> kinds = new ArrayList<>();
        for (final String part : value.split(","))
        {
            HttpTarget.Kind found = null;
            for (final HttpTarget.Kind kind : HttpTarget.Kind.values())
            {
                if (kind.option.equals(part.trim()))
                {
                    found = kind;
                }
            }
            if (found == null)
            {
                throw new IllegalArgumentException("--only takes tap, afpacket or nio (comma-separated), not '" +
                    part + "'");
            }
            kinds.add(found);
        }
        return List.copyOf(kinds);
    }

    private static boolean onOff(final String option, final String value)
    {
        return switch (value)
        {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + " takes on or off, not '" + value + "'");
        };
    }
}
