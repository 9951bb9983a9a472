package io.ringstack.ip.udp;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ip.Ipv4Output;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.ip.wire.UdpHeader;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * UDP (RFC 768) over one IPv4 interface: the table of bound sockets, demultiplexing by destination port, checksum
 * verification (a zero checksum is accepted over IPv4, RFC 768 / RFC 1122 §4.1.3.4), and sending through
 * {@link Ipv4Output}. Runs on the stack thread; receiving allocates nothing.
 */
public final class UdpLayer
{
    /** RFC 6335 §6: the dynamic (ephemeral) port range. */
    public static final int EPHEMERAL_FIRST = 49152;
    public static final int EPHEMERAL_LAST = 65535;

    /** What became of a received datagram, for the stack's accounting. */
    public enum Outcome
    {
        QUEUED,
        DROPPED,
        /** No socket on a unicast datagram: the stack answers with ICMP port unreachable. */
        PORT_UNREACHABLE
    }

    private final Ipv4Output output;
    private final int queueCapacity;
    private final Int2ObjectHashMap<UdpSocket> sockets = new Int2ObjectHashMap<>();
    private final UdpHeader udp = new UdpHeader();
    private final ReasonCounters<UdpDrop> drops = new ReasonCounters<>(UdpDrop.class);
    private final UdpSendBuffer scratch = new UdpSendBuffer();
    private int nextEphemeral = EPHEMERAL_FIRST;

    private long datagramsReceived;
    private long datagramsSent;
    private long sendNoBuffer;

    public UdpLayer(final Ipv4Output output, final int queueCapacity)
    {
        if (queueCapacity < 1)
        {
            throw new IllegalArgumentException("UDP receive queue capacity must be at least 1, got " + queueCapacity);
        }
        this.output = output;
        this.queueCapacity = queueCapacity;
    }

    /**
     * Binds a socket to {@code port} (0 picks a free ephemeral port).
     *
     * @throws IllegalStateException if the port is taken.
     */
    public UdpSocket open(final int port)
    {
        if (port < 0 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("UDP port " + port + " is not 0..65535 (0 picks an ephemeral port)");
        }
        final int bound = port == 0 ? freeEphemeralPort() : port;
        if (sockets.containsKey(bound))
        {
            throw new IllegalStateException("UDP port " + bound + " is already bound: close that socket first or pick another port");
        }
        final UdpSocket socket = new UdpSocket(this, bound, queueCapacity);
        sockets.put(bound, socket);
        return socket;
    }

    private int freeEphemeralPort()
    {
        for (int tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++)
        {
            final int candidate = nextEphemeral;
            nextEphemeral = candidate == EPHEMERAL_LAST ? EPHEMERAL_FIRST : candidate + 1;
            if (!sockets.containsKey(candidate))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("every ephemeral UDP port (49152..65535) is bound: close some sockets");
    }

    void unbind(final UdpSocket socket)
    {
        sockets.remove(socket.localPort());
    }

    public UdpSocket socket(final int port)
    {
        return sockets.get(port);
    }

    /**
     * A datagram for us whose IPv4 header is wrapped in {@code ip} (checksum verified). On QUEUED the socket owns
     * {@code handle}; otherwise the caller still does.
     */
    public Outcome onDatagram(final Ipv4Header ip, final PacketBufferPool pool, final int handle, final boolean broadcast)
    {
        if (!udp.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength()))
        {
            drops.increment(udp.problem());
            return Outcome.DROPPED;
        }
        // RFC 1122 §4.1.3.4: a datagram whose (non-zero) checksum fails is discarded silently
        if (!pool.transportChecksumVerified(handle) && !udp.checksumValid(ip.source(), ip.destination()))
        {
            drops.increment(UdpDrop.BAD_CHECKSUM);
            return Outcome.DROPPED;
        }
        datagramsReceived++;
        final UdpSocket socket = sockets.get(udp.destinationPort());
        if (socket == null)
        {
            // RFC 1122 §4.1.3.1: port unreachable, except for broadcast and multicast (§3.2.2)
            drops.increment(broadcast ? UdpDrop.NO_SOCKET_BROADCAST : UdpDrop.NO_SOCKET);
            return broadcast ? Outcome.DROPPED : Outcome.PORT_UNREACHABLE;
        }
        if (!socket.enqueue(pool, handle, udp.payloadOffset(), udp.payloadLength(), ip.source(), udp.sourcePort(),
            ip.destination()))
        {
            drops.increment(UdpDrop.SOCKET_QUEUE_FULL);
            return Outcome.DROPPED;
        }
        return Outcome.QUEUED;
    }

    /** An ICMP port unreachable quoting a datagram we sent from {@code localPort} to {@code remoteAddress}. */
    public void onPortUnreachable(final int localPort, final int remoteAddress)
    {
        final UdpSocket socket = sockets.get(localPort);
        if (socket != null)
        {
            socket.onPortUnreachable(remoteAddress);
        }
    }

    boolean claim(final int length, final UdpSendBuffer into)
    {
        if (length < 0 || length > UdpSocket.maxPayload())
        {
            throw new IllegalArgumentException("UDP payload of " + length + " B: the largest is " + UdpSocket.maxPayload() + " B");
        }
        final int headers = Ipv4Header.MIN_HEADER_LENGTH + UdpHeader.HEADER_LENGTH;
        final PacketBufferPool transmit = output.transmitPool();
        final boolean fits = headers + length <= output.mtu() &&
            output.headroom(transmit) + headers + length <= transmit.bufferSize();
        final PacketBufferPool pool = fits ? transmit : output.datagramPool();
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            sendNoBuffer++;
            return false;
        }
        final int headroom = output.headroom(pool);
        into.pool = pool;
        into.handle = handle;
        into.ipOffset = pool.offset(handle) + headroom;
        into.payloadOffset = into.ipOffset + headers;
        into.capacity = Math.min(pool.bufferSize() - headroom - headers, UdpSocket.maxPayload());
        return true;
    }

    boolean send(
        final UdpSocket socket, final PacketBufferPool pool, final int handle, final int length,
        final int destination, final int destinationPort)
    {
        final int udpOffset = pool.offset(handle) + output.headroom(pool) + Ipv4Header.MIN_HEADER_LENGTH;
        UdpHeader.write(pool.memory(), udpOffset, socket.localPort(), destinationPort, length,
            output.localAddress(), destination);
        datagramsSent++;
        return output.sendIpv4(pool, handle, UdpHeader.HEADER_LENGTH + length, IpProtocol.UDP, destination, false);
    }

    UdpSendBuffer scratchSendBuffer()
    {
        return scratch;
    }

    public ReasonCounters<UdpDrop> drops()
    {
        return drops;
    }

    public long datagramsReceived()
    {
        return datagramsReceived;
    }

    public long datagramsSent()
    {
        return datagramsSent;
    }

    public long sendNoBuffer()
    {
        return sendNoBuffer;
    }

    /** Closes every socket, releasing their queued buffers. */
    public void close()
    {
        final UdpSocket[] open = sockets.values().toArray(new UdpSocket[0]);
        for (final UdpSocket socket : open)
        {
            socket.close();
        }
    }
}
