package io.ringstack.tcp;

import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.tcp.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Builds Ethernet frames carrying TCP segments from A (10.0.0.1, or a spoofed {@link #source}) to B (10.0.0.2) of a
 * {@link TcpPair}, into one reusable buffer: what an off-path attacker (or a flood) sends. Nothing allocated per
 * frame (tests only).
 */
final class Forge
{
    static final int NO_TIMESTAMPS = Integer.MIN_VALUE;

    final UnsafeBuffer frame = new UnsafeBuffer(new byte[1514]);
    /** The IPv4 source of the segments (A's address unless spoofed). */
    int source = TcpPair.IP_A;
    private int identification;

    /** A segment with no options, or with aligned timestamps unless {@code tsVal} is {@link #NO_TIMESTAMPS}. */
    int segment(
        final int sourcePort, final int destinationPort, final int seq, final int ack, final int flags,
        final int window, final int tsVal, final int tsEcr, final int payload)
    {
        final int tcp = 14 + 20;
        final int optionsLength =
            tsVal == NO_TIMESTAMPS ? 0 : TcpOptions.writeTimestamps(frame, tcp + 20, tsVal, tsEcr);
        return finish(sourcePort, destinationPort, seq, ack, flags, window, optionsLength, payload);
    }

    /** A SYN with the options Linux sends (MSS, SACK-Permitted, timestamps, window scale 7). */
    int syn(final int sourcePort, final int destinationPort, final int seq, final int mss, final int tsVal)
    {
        final int tcp = 14 + 20;
        final int optionsLength = TcpOptions.writeSyn(frame, tcp + 20, mss, 7, true, true, tsVal, 0);
        return finish(sourcePort, destinationPort, seq, 0, TcpHeader.SYN, 64_240, optionsLength, 0);
    }

    private int finish(
        final int sourcePort, final int destinationPort, final int seq, final int ack, final int flags,
        final int window, final int optionsLength, final int payload)
    {
        MacAddress.write(frame, 0, TcpPair.MAC_B);
        MacAddress.write(frame, 6, TcpPair.MAC_A);
        frame.putShort(12, (short)EtherType.IPV4, ByteOrder.BIG_ENDIAN);
        final int tcp = 14 + 20;
        final int headerLength = 20 + optionsLength;
        TcpHeader.write(frame, tcp, sourcePort, destinationPort, seq, ack, headerLength, flags, window);
        for (int i = 0; i < payload; i++)
        {
            frame.putByte(tcp + headerLength + i, (byte)('a' + i % 26));
        }
        final int segmentLength = headerLength + payload;
        TcpHeader.writeChecksum(frame, tcp, segmentLength, source, TcpPair.IP_B);
        Ipv4Header.write(frame, 14, 20 + segmentLength, identification++ & 0xFFFF, 0, 64, IpProtocol.TCP, source,
            TcpPair.IP_B);
        return 14 + 20 + segmentLength;
    }

    /** Delivers the frame of {@code length} bytes to B's device as if from the wire. */
    void toB(final TcpPair pair, final int length)
    {
        pair.nicB.device().accept(frame, 0, length);
    }

    /**
     * Resolves ARP both ways before a test sends bursts (a SYN burst would otherwise overflow the frames ARP parks
     * while resolving: TcpPair's constructor only looks the addresses up).
     */
    /** TcpPair resolves ARP when it is made; kept as the place that says so for the tests that rely on it. */
    static void resolveArp(final TcpPair pair)
    {
        if (pair.a.arp().lookup(TcpPair.IP_B, pair.clock.nanoTime()) == 0 ||
            pair.b.arp().lookup(TcpPair.IP_A, pair.clock.nanoTime()) == 0)
        {
            throw new AssertionError("ARP did not resolve between A and B");
        }
    }
}
