package io.ringstack.bench.http;

import io.ringstack.demo.http.BytesPattern;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.Tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The bench harness for issue 8 (needs root, wrk and curl): HTTP/1.1 request rates, latency and bulk downloads
 * against the ringstack HTTP demo over TAP and over AF_PACKET, and against the same handler on kernel sockets
 * ({@link KernelHttpServer}, java.nio) over a veth pair, in one run, each reported per server CPU-second.
 * <pre>
 * java --enable-native-access=ALL-UNNAMED ... -cp bench/target/benchmarks.jar io.ringstack.bench.http.HttpBench \
 *     [--seconds 10] [--connections 1,50,200] [--only tap|afpacket|nio] [--bulk-bytes 1000000000] ...
 * </pre>
 * For each server in turn ({@link HttpTarget}: its own namespace, torn down before the next), the clients run in
 * the namespace: first curl fetches {@code /bytes/4000} and the head and body are checked against the demo's
 * (same fields, same pattern), then {@code wrk --latency} warms the server up, then one measured wrk run per
 * connection count, then curl downloads {@code /bytes/BULK} one after another until the measuring time has passed
 * (after downloads of a tenth of that for the warm-up time).
 * <p>
 * Server CPU is this process's CPU time over each client run ({@code getProcessCpuTime}: every thread, user and
 * system), so the JVM does nothing else meanwhile: for ringstack that is the stack thread, the port's receive
 * thread, the sweeper, JIT and GC; for java.nio the selector thread, the kernel's TCP work done in its system calls,
 * JIT and GC. The kernel's work that runs in the client's context (and, on veth and TAP, the receive processing
 * the sender's system call triggers) is charged to whoever made the call, alike for all three. The whole machine's
 * busy time is printed beside it.
 */
public final class HttpBench
{
    private static final Pattern DATE = Pattern.compile("Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} " +
        "\\d{2}:\\d{2}:\\d{2} GMT");
    private static final int CHECK_BYTES = 4000;

    private static volatile HttpTarget current;

    private HttpBench()
    {
    }

    /** One measured wrk run. */
    record RateRow(HttpTarget.Kind kind, int connections, WrkResult wrk, CpuSample.Use cpu)
    {
        double requestsPerCpuSecond()
        {
            return wrk.requests() / cpu.processSeconds();
        }

        double microsPerRequest()
        {
            return cpu.processSeconds() * 1e6 / wrk.requests();
        }
    }

    /** Measured downloads of {@code bytes} each, {@code seconds} in total by curl's clock. */
    record BulkRow(HttpTarget.Kind kind, long bytes, int downloads, double seconds, CpuSample.Use cpu)
    {
        double gbitPerSecond()
        {
            return (double)bytes * downloads * 8 / 1e9 / seconds;
        }

        double gbitPerCpuSecond()
        {
            return (double)bytes * downloads * 8 / 1e9 / cpu.processSeconds();
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final HttpBenchOptions options;
        try
        {
            options = HttpBenchOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(2);
            return;
        }
        Tools.rootMissingReason().ifPresent(reason ->
        {
            throw new IllegalStateException("HttpBench " + reason);
        });
        for (final String tool : new String[] {"wrk", "curl", "ip"})
        {
            if (!Tools.has(tool))
            {
                throw new IllegalStateException(Tools.missingReason(tool, null));
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            final HttpTarget target = current;
            if (target != null)
            {
                target.close();
            }
        }, "http-bench-cleanup"));

        final String loadBefore = loadAverage();
        final String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        System.out.println("HttpBench " + String.join(" ", args));
        System.out.println("options: " + options);
        final List<RateRow> rates = new ArrayList<>();
        final List<BulkRow> bulks = new ArrayList<>();
        for (final HttpTarget.Kind kind : options.kinds())
        {
            try (HttpTarget target = HttpTarget.open(kind, options.port(), options.nioOffloads(), options.mtu()))
            {
                current = target;
                run(target, options, rates, bulks);
            }
            finally
            {
                current = null;
            }
        }
        final String loadAfter = loadAverage();
        System.out.println();
        System.out.print(markdown(options, rates, bulks, started, loadBefore, loadAfter));
    }

    private static void run(final HttpTarget target, final HttpBenchOptions options, final List<RateRow> rates,
        final List<BulkRow> bulks)
    {
        final String label = target.kind().server + " over " + target.kind().wire;
        System.out.println();
        System.out.println("== " + label + ": " + target.baseUrl() + " (namespace " + target.namespace().name() + ")");
        checkResponse(target);
        // warm up at every connection count (the JIT compiles different paths for one connection, where the
        // stack thread sleeps between requests, than for many), then the most connections for the rest
        final int most = options.connections().stream().mapToInt(Integer::intValue).max().orElse(1);
        for (final int connections : options.connections())
        {
            if (connections != most)
            {
                wrk(target, options, connections, 1);
            }
        }
        final WrkResult warm = wrk(target, options, most, options.warmupSeconds());
        System.out.printf(Locale.ROOT, "warm-up: 1 s at each connection count, then %d connections, %d s, " +
            "%,.0f requests/s%n", most, options.warmupSeconds(), warm.requestsPerSecond());
        for (final int connections : options.connections())
        {
            final CpuSample before = CpuSample.now();
            final WrkResult result = wrk(target, options, connections, options.seconds());
            final CpuSample.Use cpu = before.until(CpuSample.now());
            final RateRow row = new RateRow(target.kind(), connections, result, cpu);
            rates.add(row);
            System.out.print(result.output().indent(4));
            System.out.printf(Locale.ROOT, "%-4d conn: %,10.0f requests/s  p50 %s  p99 %s  errors %d | server " +
                "CPU %.2f s in %.2f s wall: %,.0f requests per CPU-s, %.2f us CPU per request, %.1f B allocated " +
                "per request | machine %.2f CPU-s | %s%n", connections, result.requestsPerSecond(),
                latency(result.p50Micros()), latency(result.p99Micros()), result.errors(), cpu.processSeconds(),
                cpu.wallSeconds(), row.requestsPerCpuSecond(), row.microsPerRequest(),
                (double)cpu.allocatedBytes() / result.requests(), cpu.machineSeconds(), cpu.topThreads(3));
        }
        if (options.bulkBytes() > 0)
        {
            final long warmupEnd = System.nanoTime() + options.warmupSeconds() * 1_000_000_000L;
            do
            {
                download(target, Math.max(1, options.bulkBytes() / 10));
            }
            while (System.nanoTime() - warmupEnd < 0);
            final long deadline = System.nanoTime() + options.seconds() * 1_000_000_000L;
            final CpuSample before = CpuSample.now();
            double seconds = 0;
            int downloads = 0;
            do
            {
                seconds += download(target, options.bulkBytes());
                downloads++;
            }
            while (System.nanoTime() - deadline < 0);
            final CpuSample.Use cpu = before.until(CpuSample.now());
            final BulkRow row = new BulkRow(target.kind(), options.bulkBytes(), downloads, seconds, cpu);
            bulks.add(row);
            System.out.printf(Locale.ROOT, "bulk %d x %,d B: %.2f Gbit/s (curl's %.2f s) | server CPU %.2f s in " +
                "%.2f s wall: %.2f Gbit per CPU-s | machine %.2f CPU-s | %s%n", downloads, row.bytes(),
                row.gbitPerSecond(), seconds, cpu.processSeconds(), cpu.wallSeconds(), row.gbitPerCpuSecond(),
                cpu.machineSeconds(), cpu.topThreads(3));
        }
    }

    /** curl gets {@code /bytes/4000} with its head: the demo's fields in the demo's order and the demo's bytes. */
    private static void checkResponse(final HttpTarget target)
    {
        final CommandResult result = target.namespace().command("curl", "-sS", "--noproxy", "*", "-i",
            "--max-time", "20", target.baseUrl() + "/bytes/" + CHECK_BYTES).timeout(Duration.ofSeconds(30)).run();
        final String out = result.stdout();
        final int headEnd = out.indexOf("\r\n\r\n");
        final String expectedHead = "HTTP/1.1 200 OK\r\nServer: ringstack\r\nDate: D\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Length: " + CHECK_BYTES;
        final byte[] expectedBody = new byte[CHECK_BYTES];
        BytesPattern.copy(0, expectedBody, 0, CHECK_BYTES);
        if (headEnd < 0 || !DATE.matcher(out.substring(0, headEnd)).replaceFirst("Date: D").equals(expectedHead) ||
            !out.substring(headEnd + 4).equals(new String(expectedBody, StandardCharsets.US_ASCII)))
        {
            throw new IllegalStateException(target.kind() + " answered /bytes/" + CHECK_BYTES + " with something " +
                "else than the demo's head and pattern:\n" + out + "\n" + result.stderr());
        }
    }

    private static WrkResult wrk(final HttpTarget target, final HttpBenchOptions options, final int connections,
        final int seconds)
    {
        final int threads = Math.min(options.wrkThreads(), connections);
        final CommandResult result = target.namespace().command("wrk", "-t", Integer.toString(threads), "-c",
            Integer.toString(connections), "-d", seconds + "s", "--latency", target.baseUrl() + options.path())
            .timeout(Duration.ofSeconds(seconds + 60L)).run();
        return WrkResult.parse(result.stdout());
    }

    /** curl downloads {@code /bytes/N} to /dev/null; returns its time in seconds (checks it got N bytes). */
    private static double download(final HttpTarget target, final long bytes)
    {
        final CommandResult result = target.namespace().command("curl", "-sS", "--noproxy", "*", "-o", "/dev/null",
            "-w", "%{size_download} %{time_total}", target.baseUrl() + "/bytes/" + bytes)
            .timeout(Duration.ofSeconds(60 + bytes / 10_000_000L)).run();
        final String[] fields = result.stdout().trim().split("\\s+");
        if (fields.length != 2 || Long.parseLong(fields[0]) != bytes)
        {
            throw new IllegalStateException("curl got '" + result.stdout() + "' from /bytes/" + bytes + ": " +
                result.stderr());
        }
        return Double.parseDouble(fields[1]);
    }

    private static String markdown(final HttpBenchOptions options, final List<RateRow> rates,
        final List<BulkRow> bulks, final String started, final String loadBefore, final String loadAfter)
    {
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s: `wrk -t%d -c{%s} -d%ds --latency %s` (%d s warm-up per " +
                "server), bulk: `curl -o /dev/null /bytes/%d` repeated for %d s; load average %s at the start, %s " +
                "at the end.%n%n",
            started, options.wrkThreads(), join(options.connections()), options.seconds(), options.path(),
            options.warmupSeconds(), options.bulkBytes(), options.seconds(), loadBefore, loadAfter));
        md.append("| server | wire | connections | requests/s | p50 | p99 | server CPU-s / wall-s | requests per " +
            "server CPU-s | µs CPU per request | errors |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final RateRow row : rates)
        {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %s | %s | %.2f / %.2f | %,.0f | %.2f | " +
                "%d |%n", row.kind().server, row.kind().wire, row.connections(), row.wrk().requestsPerSecond(),
                latency(row.wrk().p50Micros()), latency(row.wrk().p99Micros()), row.cpu().processSeconds(),
                row.cpu().wallSeconds(), row.requestsPerCpuSecond(), row.microsPerRequest(), row.wrk().errors()));
        }
        if (!bulks.isEmpty())
        {
            md.append("\n| server | wire | downloads | Gbit/s | server CPU-s / wall-s | Gbit per server CPU-s |\n");
            md.append("|---|---|---:|---:|---:|---:|\n");
            for (final BulkRow row : bulks)
            {
                md.append(String.format(Locale.ROOT, "| %s | %s | %d × %,d B | %.2f | %.2f / %.2f | %.2f |%n",
                    row.kind().server, row.kind().wire, row.downloads(), row.bytes(), row.gbitPerSecond(),
                    row.cpu().processSeconds(), row.cpu().wallSeconds(), row.gbitPerCpuSecond()));
            }
        }
        md.append(targets(rates, bulks));
        md.append("\n| | |\n|---|---|\n");
        md.append("| CPU | ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
            .append(" cores (`nproc`) |\n");
        md.append("| kernel | `uname -r`: ").append(firstLine(Path.of("/proc/sys/kernel/osrelease"))).append(" |\n");
        md.append("| JDK | ").append(System.getProperty("java.vm.vendor")).append(' ')
            .append(Runtime.version()).append(" |\n");
        md.append("| clients | ").append(toolVersion("wrk", "-v")).append("; ").append(toolVersion("curl", "--version"))
            .append(" |\n");
        md.append("| MTU (both ends of every wire) | ").append(options.mtu()).append(" |\n");
        md.append("| java.nio veth offloads | ").append(options.nioOffloads() ? "Linux defaults (on)" : "off")
            .append("; the AF_PACKET veth: off |\n");
        return md.toString();
    }

    /** Issue 8's targets beside the best TAP figures of this run. */
    private static String targets(final List<RateRow> rates, final List<BulkRow> bulks)
    {
        final StringBuilder text = new StringBuilder();
        rates.stream().filter(r -> r.kind() == HttpTarget.Kind.TAP)
            .max((a, b) -> Double.compare(a.wrk().requestsPerSecond(), b.wrk().requestsPerSecond()))
            .ifPresent(best -> text.append(String.format(Locale.ROOT, "%nTarget (issue 8): ≥ 2 × lwIP over TAP, " +
                    "≈ 101k requests/s at 6–8 µs CPU per request; this run's best TAP row: %,.0f requests/s at " +
                    "%.2f µs CPU per request (connections: %d).%n", best.wrk().requestsPerSecond(),
                best.microsPerRequest(), best.connections())));
        bulks.stream().filter(b -> b.kind() == HttpTarget.Kind.TAP).findFirst()
            .ifPresent(bulk -> text.append(String.format(Locale.ROOT, "Target (issue 8): bulk over TAP faster " +
                "than smoltcp's 2.6–4.4 Gbit/s; this run: %.2f Gbit/s (%.2f Gbit per server CPU-s).%n",
                bulk.gbitPerSecond(), bulk.gbitPerCpuSecond())));
        return text.toString();
    }

    private static String latency(final double micros)
    {
        return micros < 1000 ? String.format(Locale.ROOT, "%.0f µs", micros) :
            String.format(Locale.ROOT, "%.2f ms", micros / 1e3);
    }

    private static String join(final List<Integer> values)
    {
        final StringBuilder text = new StringBuilder();
        for (final int value : values)
        {
            text.append(text.isEmpty() ? "" : ",").append(value);
        }
        return text.toString();
    }

    private static String loadAverage()
    {
        final String line = firstLine(Path.of("/proc/loadavg"));
        final String[] fields = line.split("\\s+");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : line;
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return "\"" + line.substring(line.indexOf(':') + 1).trim() + "\"";
                }
            }
        }
        catch (final IOException ex)
        {
            return "unknown (" + ex.getMessage() + ")";
        }
        return "unknown";
    }

    private static String firstLine(final Path file)
    {
        try
        {
            return Files.readAllLines(file).stream().findFirst().orElse("").trim();
        }
        catch (final IOException ex)
        {
            return "unknown (" + ex.getMessage() + ")";
        }
    }

    private static String toolVersion(final String tool, final String flag)
    {
        final CommandResult result = Command.of(tool, flag).timeout(Duration.ofSeconds(10)).runAllowingFailure();
        final String text = (result.stdout() + "\n" + result.stderr()).trim();
        final String first = text.isEmpty() ? tool + " (version unknown)" : text.lines().findFirst().orElse(tool);
        return first.length() > 60 ? first.substring(0, 60) + "…" : first;
    }
}
