package io.ringstack.ip.fragment;

import java.util.concurrent.TimeUnit;

/**
 * Limits of IPv4 reassembly ({@link Ipv4Reassembler}).
 *
 * @param timeoutNanos            how long a datagram may take to complete, counted from its first arriving fragment
 *                                (RFC 791 §3.2 "timer"; RFC 1122 §3.3.2: a fixed value; default 30 s as in Linux)
 * @param maxDatagrams            datagrams under reassembly in all: the global memory cap, one 64 KiB buffer each
 * @param maxDatagramsPerSource   datagrams under reassembly from one source address
 * @param maxFragmentsPerDatagram distinct fragments one datagram may be cut into
 */
public record ReassemblyConfig(
    long timeoutNanos, int maxDatagrams, int maxDatagramsPerSource, int maxFragmentsPerDatagram)
{
    public static final long DEFAULT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    public static final int DEFAULT_MAX_DATAGRAMS = 16;
    public static final int DEFAULT_MAX_DATAGRAMS_PER_SOURCE = 4;
    public static final int DEFAULT_MAX_FRAGMENTS_PER_DATAGRAM = 64;
    /** A 65,535-byte datagram cut into 8-byte pieces has 8,192 fragments: no datagram can have more. */
    public static final int MAX_FRAGMENTS_PER_DATAGRAM = 8192;
    /** Bound on maxDatagrams × maxFragmentsPerDatagram: the fragment table costs 8 bytes per entry. */
    public static final int MAX_FRAGMENT_TABLE_ENTRIES = 1 << 22;

    public ReassemblyConfig
    {
        if (timeoutNanos <= 0)
        {
            throw new IllegalArgumentException("reassembly timeoutNanos must be positive, got " + timeoutNanos +
                " (RFC 1122 §3.3.2 recommends 60 to 120 s; the default is 30 s)");
        }
        if (maxDatagrams < 1)
        {
            throw new IllegalArgumentException("maxDatagrams must be at least 1, got " + maxDatagrams);
        }
        if (maxDatagramsPerSource < 1 || maxDatagramsPerSource > maxDatagrams)
        {
            throw new IllegalArgumentException("maxDatagramsPerSource must be from 1 to maxDatagrams (" +
                maxDatagrams + "), got " + maxDatagramsPerSource);
        }
        if (maxFragmentsPerDatagram < 2 || maxFragmentsPerDatagram > MAX_FRAGMENTS_PER_DATAGRAM)
        {
            throw new IllegalArgumentException("maxFragmentsPerDatagram must be from 2 (a datagram in two pieces) to " +
                MAX_FRAGMENTS_PER_DATAGRAM + " (65,535 bytes in 8-byte pieces), got " + maxFragmentsPerDatagram);
        }
        if ((long)maxDatagrams * maxFragmentsPerDatagram > MAX_FRAGMENT_TABLE_ENTRIES)
        {
            throw new IllegalArgumentException("maxDatagrams × maxFragmentsPerDatagram = " +
                (long)maxDatagrams * maxFragmentsPerDatagram + " exceeds " + MAX_FRAGMENT_TABLE_ENTRIES +
                ": lower one of them");
        }
    }

    /** 30 s, 16 datagrams in all, 4 per source, 64 fragments per datagram. */
    public static ReassemblyConfig defaults()
    {
        return new ReassemblyConfig(DEFAULT_TIMEOUT_NANOS, DEFAULT_MAX_DATAGRAMS, DEFAULT_MAX_DATAGRAMS_PER_SOURCE,
            DEFAULT_MAX_FRAGMENTS_PER_DATAGRAM);
    }

    public ReassemblyConfig withTimeoutNanos(final long nanos)
    {
        return new ReassemblyConfig(nanos, maxDatagrams, maxDatagramsPerSource, maxFragmentsPerDatagram);
    }

    public ReassemblyConfig withMaxDatagrams(final int datagrams, final int perSource)
    {
        return new ReassemblyConfig(timeoutNanos, datagrams, perSource, maxFragmentsPerDatagram);
    }

    public ReassemblyConfig withMaxFragmentsPerDatagram(final int fragments)
    {
        return new ReassemblyConfig(timeoutNanos, maxDatagrams, maxDatagramsPerSource, fragments);
    }
}
