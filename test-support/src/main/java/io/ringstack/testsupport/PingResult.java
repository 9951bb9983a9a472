package io.ringstack.testsupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What iputils {@code ping} reported in its summary:
 * <pre>
 *   3 packets transmitted, 3 received, 0% packet loss, time 406ms
 *   rtt min/avg/max/mdev = 0.047/0.057/0.072/0.010 ms
 * </pre>
 * or, with no answer, {@code 2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1030ms} and no
 * rtt line; the round-trip times are then {@code NaN}.
 *
 * @param transmitted echo requests sent
 * @param received    echo replies received
 * @param errors      ICMP errors received instead (e.g. destination unreachable after ARP failed)
 * @param rttMinMillis smallest round-trip time in milliseconds, NaN without replies
 * @param rttAvgMillis mean round-trip time in milliseconds, NaN without replies
 * @param rttMaxMillis largest round-trip time in milliseconds, NaN without replies
 * @param output      ping's whole standard output, for failure messages
 */
public record PingResult(int transmitted, int received, int errors, double rttMinMillis, double rttAvgMillis,
    double rttMaxMillis, String output)
{
    private static final Pattern SUMMARY = Pattern.compile(
        "(\\d+) packets transmitted, (\\d+) (?:packets )?received(?:, \\+(\\d+) duplicates)?(?:, \\+(\\d+) errors)?");
    private static final Pattern RTT = Pattern.compile(
        "(?:rtt|round-trip) min/avg/max(?:/mdev|/stddev)? = ([0-9.]+)/([0-9.]+)/([0-9.]+)");

    public boolean allReceived()
    {
        return transmitted > 0 && received == transmitted;
    }

    public double lossPercent()
    {
        return transmitted == 0 ? 100.0 : 100.0 * (transmitted - received) / transmitted;
    }

    /** Parses ping's standard output; throws with the output when it holds no summary line. */
    public static PingResult parse(final String output)
    {
        final Matcher summary = SUMMARY.matcher(output);
        if (!summary.find())
        {
            throw new IllegalArgumentException("no 'N packets transmitted, M received' summary in ping's output:\n" +
                output);
        }
        final int transmitted = Integer.parseInt(summary.group(1));
        final int received = Integer.parseInt(summary.group(2));
        final int errors = summary.group(4) == null ? 0 : Integer.parseInt(summary.group(4));
        final Matcher rtt = RTT.matcher(output);
        if (rtt.find())
        {
            return new PingResult(transmitted, received, errors, Double.parseDouble(rtt.group(1)),
                Double.parseDouble(rtt.group(2)), Double.parseDouble(rtt.group(3)), output);
        }
        return new PingResult(transmitted, received, errors, Double.NaN, Double.NaN, Double.NaN, output);
    }
}
