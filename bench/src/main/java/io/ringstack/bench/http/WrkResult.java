package io.ringstack.bench.http;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code wrk --latency} printed, parsed:
 * <pre>
 *   Latency Distribution
 *      50%   36.00us
 *      ...
 *      99%   78.00us
 *   51139 requests in 2.00s, 10.34MB read
 *   Socket errors: connect 0, read 0, write 0, timeout 0      (only when there were some)
 *   Non-2xx or 3xx responses: 5                                 (only when there were some)
 * Requests/sec:  25568.09
 * </pre>
 *
 * @param requests          responses wrk completed in its measuring time
 * @param seconds           wrk's measuring time
 * @param requestsPerSecond wrk's Requests/sec
 * @param p50Micros         median latency
 * @param p99Micros         99th percentile latency
 * @param errors            socket errors (connect, read, write, timeout) plus non-2xx/3xx responses
 * @param output            wrk's whole output
 */
record WrkResult(long requests, double seconds, double requestsPerSecond, double p50Micros, double p99Micros,
    long errors, String output)
{
    private static final String TIME = "([\\d.]+)(us|ms|s|m|h)";
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in " + TIME);
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern P50 = Pattern.compile("(?m)^\\s+50(?:\\.000)?%\\s+" + TIME + "\\s*$");
    private static final Pattern P99 = Pattern.compile("(?m)^\\s+99(?:\\.000)?%\\s+" + TIME + "\\s*$");
    private static final Pattern SOCKET_ERRORS =
        Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    /** Parses wrk's output; throws, quoting it, when a figure is missing. */
    static WrkResult parse(final String output)
    {
        final Matcher requests = find(REQUESTS, output);
        long errors = 0;
        final Matcher socketErrors = SOCKET_ERRORS.matcher(output);
        if (socketErrors.find())
        {
            for (int g = 1; g <= 4; g++)
            {
                errors += Long.parseLong(socketErrors.group(g));
            }
        }
        final Matcher non2xx = NON_2XX.matcher(output);
        if (non2xx.find())
        {
            errors += Long.parseLong(non2xx.group(1));
        }
        return new WrkResult(Long.parseLong(requests.group(1)), micros(requests, 2) / 1e6,
            Double.parseDouble(find(RATE, output).group(1)), micros(find(P50, output), 1),
            micros(find(P99, output), 1), errors, output);
    }

    private static Matcher find(final Pattern pattern, final String output)
    {
        final Matcher matcher = pattern.matcher(output);
        if (!matcher.find())
        {
            throw new IllegalStateException("wrk's output has no match for /" + pattern + "/:\n" + output);
        }
        return matcher;
    }

    /** wrk's time (value and unit in groups {@code group} and {@code group + 1}) in microseconds. */
    private static double micros(final Matcher matcher, final int group)
    {
        final double value = Double.parseDouble(matcher.group(group));
        return switch (matcher.group(group + 1).toLowerCase(Locale.ROOT))
        {
            case "us" -> value;
            case "ms" -> value * 1e3;
            case "s" -> value * 1e6;
            case "m" -> value * 60e6;
            default -> value * 3600e6;
        };
    }
}
