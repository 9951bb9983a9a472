package io.ringstack.testsupport.script;

import java.util.function.Consumer;

/**
 * Where and how a script runs: the addresses of both sides, the default ports, and the runner's timing. Build with
 * {@link #builder()}; every setting has a default.
 *
 * @param stackMac           the stack's MAC (frames to the stack go there)
 * @param stackAddress       the stack's IPv4 address, network order
 * @param peerMac            the scripted peer's MAC
 * @param peerAddress        the peer's IPv4 address, network order
 * @param stackPort          the stack's TCP port unless a line says {@code sport}/{@code dport}
 * @param peerPort           the peer's TCP port unless a line says otherwise
 * @param tickNanos          the step in which the runner advances the target's time
 * @param toleranceNanos     how far from its time an expected segment may appear
 * @param anyTimeBoundNanos  how long after the previous event a {@code *} segment may appear
 * @param lookaheadNanos     after a missing segment, how far the runner looks on to say when it came after all
 * @param ignoreNonTcp       true: non-TCP frames from the stack (ARP, ICMP) are ignored (counted, listed in
 *                           failures); false: they fail the script like an unexpected segment
 * @param answerArp          true: an ARP request for the peer's address is answered at once with the peer's MAC
 * @param peerIsn            added to the peer's sequence numbers on the wire (and removed from acknowledgments the
 *                           stack sends), so the script's numbers stay small while the wire's are not
 * @param peerWindow         the window of an injected segment without {@code win}
 * @param timeToLive         IPv4 TTL of injected packets
 * @param padFrames          pad injected frames to Ethernet's minimum of 60 bytes, as a NIC does
 * @param historySize        how many recent trace lines a failure message shows
 * @param traceSink          receives every trace line as it happens (null: none); e.g. {@code System.out::println}
 */
public record ScriptConfig(long stackMac, int stackAddress, long peerMac, int peerAddress, int stackPort,
    int peerPort, long tickNanos, long toleranceNanos, long anyTimeBoundNanos, long lookaheadNanos,
    boolean ignoreNonTcp, boolean answerArp, long peerIsn, int peerWindow, int timeToLive, boolean padFrames,
    int historySize, Consumer<String> traceSink)
{
    /** {@code -Dringstack.scriptTrace=true}: every run's trace goes to standard output as it happens. */
    public static final String TRACE_PROPERTY = "ringstack.scriptTrace";

    public ScriptConfig
    {
        requirePort(stackPort, "stackPort");
        requirePort(peerPort, "peerPort");
        if (tickNanos <= 0)
        {
            throw new IllegalArgumentException("tickNanos must be positive, was " + tickNanos);
        }
        if (toleranceNanos < 0 || anyTimeBoundNanos < 0 || lookaheadNanos < 0)
        {
            throw new IllegalArgumentException("tolerance, any-time bound and lookahead must not be negative");
        }
        if (peerIsn < 0 || peerIsn > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("peerIsn is a 32-bit unsigned number, was " + peerIsn);
        }
        if (peerWindow < 0 || peerWindow > 0xFFFF)
        {
            throw new IllegalArgumentException("peerWindow is 0..65535, was " + peerWindow);
        }
        if (timeToLive < 1 || timeToLive > 255)
        {
            throw new IllegalArgumentException("timeToLive is 1..255, was " + timeToLive);
        }
        if (historySize < 0)
        {
            throw new IllegalArgumentException("historySize must not be negative");
        }
    }

    private static void requirePort(final int port, final String name)
    {
        if (port < 0 || port > 0xFFFF)
        {
            throw new IllegalArgumentException(name + " is 0..65535, was " + port);
        }
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** The defaults: see {@link Builder}. */
    public static ScriptConfig defaults()
    {
        return builder().build();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder()
    {
        final Builder builder = new Builder();
        builder.stackMac = stackMac;
        builder.stackAddress = stackAddress;
        builder.peerMac = peerMac;
        builder.peerAddress = peerAddress;
        builder.stackPort = stackPort;
        builder.peerPort = peerPort;
        builder.tickNanos = tickNanos;
        builder.toleranceNanos = toleranceNanos;
        builder.anyTimeBoundNanos = anyTimeBoundNanos;
        builder.lookaheadNanos = lookaheadNanos;
        builder.ignoreNonTcp = ignoreNonTcp;
        builder.answerArp = answerArp;
        builder.peerIsn = peerIsn;
        builder.peerWindow = peerWindow;
        builder.timeToLive = timeToLive;
        builder.padFrames = padFrames;
        builder.historySize = historySize;
        builder.traceSink = traceSink;
        return builder;
    }

    /**
     * Defaults: stack 02:00:00:00:00:01 198.18.0.1 port 8080, peer 02:00:00:00:00:02 198.18.0.2 port 40000
     * (RFC 2544's test range), tick 1 ms, tolerance 5 ms, {@code *} within 10 s, lookahead 1 s, non-TCP frames
     * ignored, ARP not answered, peer ISN 0, peer window 65535, TTL 64, frames padded to 60 bytes, 16 lines of
     * history, no live trace unless {@code -Dringstack.scriptTrace=true} (then standard output).
     */
    public static final class Builder
    {
        private long stackMac = 0x02_00_00_00_00_01L;
        private int stackAddress = Addresses.ipv4("198.18.0.1");
        private long peerMac = 0x02_00_00_00_00_02L;
        private int peerAddress = Addresses.ipv4("198.18.0.2");
        private int stackPort = 8080;
        private int peerPort = 40000;
        private long tickNanos = 1_000_000;
        private long toleranceNanos = 5_000_000;
        private long anyTimeBoundNanos = 10_000_000_000L;
        private long lookaheadNanos = 1_000_000_000L;
        private boolean ignoreNonTcp = true;
        private boolean answerArp;
        private long peerIsn;
        private int peerWindow = 65535;
        private int timeToLive = 64;
        private boolean padFrames = true;
        private int historySize = 16;
        private Consumer<String> traceSink = Boolean.getBoolean(TRACE_PROPERTY) ? System.out::println : null;

        private Builder()
        {
        }

        public Builder stack(final long mac, final int address)
        {
            stackMac = mac;
            stackAddress = address;
            return this;
        }

        /** {@code stack("02:00:00:00:00:01", "198.18.0.1")}. */
        public Builder stack(final String mac, final String address)
        {
            return stack(Addresses.mac(mac), Addresses.ipv4(address));
        }

        public Builder peer(final long mac, final int address)
        {
            peerMac = mac;
            peerAddress = address;
            return this;
        }

        public Builder peer(final String mac, final String address)
        {
            return peer(Addresses.mac(mac), Addresses.ipv4(address));
        }

        public Builder stackPort(final int port)
        {
            stackPort = port;
            return this;
        }

        public Builder peerPort(final int port)
        {
            peerPort = port;
            return this;
        }

        public Builder tickNanos(final long nanos)
        {
            tickNanos = nanos;
            return this;
        }

        public Builder toleranceNanos(final long nanos)
        {
            toleranceNanos = nanos;
            return this;
        }

        public Builder anyTimeBoundNanos(final long nanos)
        {
            anyTimeBoundNanos = nanos;
            return this;
        }

        public Builder lookaheadNanos(final long nanos)
        {
            lookaheadNanos = nanos;
            return this;
        }

        public Builder ignoreNonTcp(final boolean ignore)
        {
            ignoreNonTcp = ignore;
            return this;
        }

        public Builder answerArp(final boolean answer)
        {
            answerArp = answer;
            return this;
        }

        public Builder peerIsn(final long isn)
        {
            peerIsn = isn;
            return this;
        }

        public Builder peerWindow(final int window)
        {
            peerWindow = window;
            return this;
        }

        public Builder timeToLive(final int ttl)
        {
            timeToLive = ttl;
            return this;
        }

        public Builder padFrames(final boolean pad)
        {
            padFrames = pad;
            return this;
        }

        public Builder historySize(final int lines)
        {
            historySize = lines;
            return this;
        }

        public Builder traceSink(final Consumer<String> sink)
        {
            traceSink = sink;
            return this;
        }

        public ScriptConfig build()
        {
            return new ScriptConfig(stackMac, stackAddress, peerMac, peerAddress, stackPort, peerPort, tickNanos,
                toleranceNanos, anyTimeBoundNanos, lookaheadNanos, ignoreNonTcp, answerArp, peerIsn, peerWindow,
                timeToLive, padFrames, historySize, traceSink);
        }
    }
}
