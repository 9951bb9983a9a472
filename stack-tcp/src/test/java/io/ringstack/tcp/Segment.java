package io.ringstack.tcp;

import io.ringstack.ip.wire.TcpHeader;

/** A TCP segment seen on the wire by {@link WireTap}, decoded (tests only). */
record Segment(
    boolean fromA,
    long atNanos,
    int sourcePort,
    int destinationPort,
    int seq,
    int ack,
    int flags,
    int window,
    int payloadLength,
    int mss,
    int windowScale,
    boolean sackPermitted,
    boolean timestamps,
    int tsVal,
    int tsEcr)
{
    boolean has(final int flag)
    {
        return (flags & flag) != 0;
    }

    boolean isPureAck()
    {
        return flags == TcpHeader.ACK && payloadLength == 0;
    }

    @Override
    public String toString()
    {
        return String.format("%s t=%.3fms %d>%d [%s] seq=%s ack=%s win=%d len=%d%s%s", fromA ? "A>B" : "B>A",
            atNanos / 1e6, sourcePort, destinationPort, TcpHeader.flagsToString(flags),
            Integer.toUnsignedString(seq), Integer.toUnsignedString(ack), window, payloadLength,
            mss >= 0 ? " mss=" + mss : "", windowScale >= 0 ? " ws=" + windowScale : "");
    }
}
