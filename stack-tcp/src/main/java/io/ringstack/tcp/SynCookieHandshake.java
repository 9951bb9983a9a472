package io.ringstack.tcp;

import io.ringstack.ip.Ipv4Output;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.tcp.wire.SequenceNumber;
import io.ringstack.tcp.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The listener's side of a handshake without state (RFC 4987 §3.6): {@link #answer} replies to a SYN with a
 * SYN,ACK whose ISS is a {@link SynCookies} cookie; {@link #validate} checks the ACK that comes back and rebuilds
 * the options the SYN negotiated as a SYN's option bytes ({@link #synOptions()}), from which
 * {@link TcpConnection} sets up the connection exactly as if it had kept the SYN. Nothing here allocates.
 */
final class SynCookieHandshake
{
    private final TcpLayer layer;
    private final TcpConfig config;
    private final Ipv4Output output;
    private final PacketBufferPool pool;
    private final int localAddress;
    private final SynCookies cookies;
    private final UnsafeBuffer rebuilt = new UnsafeBuffer(new byte[TcpHeader.MAX_HEADER_LENGTH]);
    private final TcpOptions synOptions = new TcpOptions();

    SynCookieHandshake(final TcpLayer layer, final long k0, final long k1)
    {
        this.layer = layer;
        this.config = layer.config();
        this.output = layer.output();
        this.pool = output.transmitPool();
        this.localAddress = output.localAddress();
        this.cookies = new SynCookies(k0, k1);
    }

    /**
     * Sends {@code <SEQ=cookie><ACK=SEG.SEQ+1><CTL=SYN,ACK>} with our MSS and, when the SYN carried timestamps,
     * the window scale, SACK-Permitted and timestamps it offered (what an ordinary passive open would answer).
     *
     * @return false when no transmit buffer was free.
     */
    boolean answer(
        final TcpHeader syn, final TcpOptions options, final int remoteAddress, final int localPort, final long now)
    {
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            layer.events().increment(TcpEvent.SEND_NO_BUFFER);
            return false;
        }
        final int remotePort = syn.sourcePort();
        final int mssIndex = SynCookies.mssIndex(options.hasMss() ? options.mss() : TcpConnection.DEFAULT_MSS);
        final int iss = cookies.cookie(localAddress, localPort, remoteAddress, remotePort, syn.sequenceNumber(),
            mssIndex, now);
        // without timestamps there is nowhere to keep window scale and SACK-Permitted: offer neither (as Linux)
        final boolean timestamps = config.timestamps() && options.hasTimestamps();
        final int peerScale = timestamps && config.windowScaling() && options.hasWindowScale() ?
            Math.min(options.windowScale(), TcpOptions.MAX_WINDOW_SCALE) : SynCookies.NO_WINDOW_SCALE;
        final boolean sack = timestamps && config.sackPermitted() && options.sackPermitted();
        final int ourScale = peerScale == SynCookies.NO_WINDOW_SCALE ?
            -1 : TcpConnection.windowScaleFor(config.receiveBufferBytes());
        final int timestampValue = timestamps ?
            SynCookies.timestampWithOptions(TcpConnection.timestampFor(iss, now), peerScale, sack) : 0;
        final int optionsLength = TcpOptions.synLength(ourScale, sack, timestamps);
        final int headerLength = TcpHeader.MIN_HEADER_LENGTH + optionsLength;
        final int tcpOffset = pool.offset(handle) + output.headroom(pool) + Ipv4Header.MIN_HEADER_LENGTH;
        TcpHeader.write(pool.memory(), tcpOffset, localPort, remotePort, iss, syn.sequenceNumber() + 1, headerLength,
            TcpHeader.SYN | TcpHeader.ACK, synAckWindow());
        TcpOptions.writeSyn(pool.memory(), tcpOffset + TcpHeader.MIN_HEADER_LENGTH, announcedMss(), ourScale, sack,
            timestamps, timestampValue, options.timestampValue());
        TcpHeader.writeChecksum(pool.memory(), tcpOffset, headerLength, localAddress, remoteAddress);
        layer.events().increment(TcpEvent.SEGMENTS_SENT);
        if (!output.sendIpv4(pool, handle, headerLength, IpProtocol.TCP, remoteAddress, false))
        {
            layer.events().increment(TcpEvent.SEND_FAILED);
        }
        return true;
    }

    /**
     * Whether {@code ack} (ACK set; SYN and RST clear) completes a handshake we answered with a cookie: SEG.ACK - 1
     * is a valid cookie for the 4-tuple and SEG.SEQ - 1, and the options in its TSecr are ones we send. If so,
     * {@link #synOptions()} holds the SYN's options as the cookie kept them.
     */
    boolean validate(
        final TcpHeader ack, final TcpOptions options, final int remoteAddress, final int localPort, final long now)
    {
        final int iss = ack.acknowledgmentNumber() - 1;
        if (!cookies.check(localAddress, localPort, remoteAddress, ack.sourcePort(), ack.sequenceNumber() - 1, iss,
            now))
        {
            return false;
        }
        final boolean timestamps = config.timestamps() && options.hasTimestamps();
        int peerScale = SynCookies.NO_WINDOW_SCALE;
        boolean sack = false;
        if (timestamps)
        {
            final int echo = options.timestampEchoReply();
            if (!cookies.decodeTimestampOptions(echo) ||
                SequenceNumber.greaterThan(echo, TcpConnection.timestampFor(iss, now)))
            {
                return false; // not a TSval we sent (Linux: cookie_timestamp_decode)
            }
            peerScale = cookies.windowScale();
            sack = cookies.sackPermitted();
            if (peerScale != SynCookies.NO_WINDOW_SCALE && !config.windowScaling() ||
                sack && !config.sackPermitted())
            {
                return false;
            }
        }
        final int length = TcpOptions.writeSyn(rebuilt, 0, cookies.mss(), peerScale, sack, timestamps,
            timestamps ? options.timestampValue() : 0, 0);
        synOptions.parse(rebuilt, 0, length);
        return true;
    }

    /** The peer's SYN as the last valid cookie rebuilt it: MSS, window scale, SACK-Permitted, timestamps. */
    TcpOptions synOptions()
    {
        return synOptions;
    }

    /** RFC 9293 §3.7.1: MSS = MTU - 40, as {@link TcpConnection} announces. */
    private int announcedMss()
    {
        return output.mtu() - 40;
    }

    /** The (unscaled, RFC 7323 §2.2) window of a SYN,ACK: what a new connection's empty buffers offer. */
    private int synAckWindow()
    {
        final long space = Math.min(config.receiveBufferBytes(), (long)config.maxReceiveBuffers() * announcedMss());
        return (int)Math.min(space, 0xFFFF);
    }
}
