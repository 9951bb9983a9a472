package io.ringstack.ip.udp;

import io.ringstack.ip.Ipv4Output;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.UdpHeader;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;

/**
 * A bound UDP socket (RFC 768) on the stack thread. Received datagrams wait in a bounded queue in the buffers
 * they arrived in, and reach the application as slices ({@link #receive(UdpDatagram)}); sending claims a pool
 * buffer that the payload is written into where the frame will leave from ({@link #claim}, {@link #send}).
 * <p>
 * Used only by the thread that owns the stack.
 */
public final class UdpSocket
{
    private final UdpLayer layer;
    private final int localPort;
    private final PacketBufferPool[] queuePool;
    private final int[] queueHandle;
    private final int[] queueOffset;
    private final int[] queueLength;
    private final int[] queueSourceAddress;
    private final int[] queueSourcePort;
    private final int[] queueDestinationAddress;
    private int head;
    private int size;
    private boolean open = true;
    private UdpReadableListener readableListener;

    private long received;
    private long sent;
    private long queueFullDrops;
    private long portUnreachable;
    private int lastErrorSource;

    UdpSocket(final UdpLayer layer, final int localPort, final int queueCapacity)
    {
        this.layer = layer;
        this.localPort = localPort;
        queuePool = new PacketBufferPool[queueCapacity];
        queueHandle = new int[queueCapacity];
        queueOffset = new int[queueCapacity];
        queueLength = new int[queueCapacity];
        queueSourceAddress = new int[queueCapacity];
        queueSourcePort = new int[queueCapacity];
        queueDestinationAddress = new int[queueCapacity];
    }

    public int localPort()
    {
        return localPort;
    }

    public boolean isOpen()
    {
        return open;
    }

    /** Datagrams waiting to be received. */
    public int queued()
    {
        return size;
    }

    /** Called (on the stack thread) when a datagram is queued into an empty queue. */
    public void readableListener(final UdpReadableListener listener)
    {
        this.readableListener = listener;
    }

    /** Queues a received datagram; false when the queue is full (the caller keeps the buffer). */
    boolean enqueue(
        final PacketBufferPool pool, final int handle, final int payloadOffset, final int payloadLength,
        final int sourceAddress, final int sourcePort, final int destinationAddress)
    {
        if (size == queueHandle.length)
        {
            queueFullDrops++;
            return false;
        }
        final int tail = (head + size) % queueHandle.length;
        queuePool[tail] = pool;
        queueHandle[tail] = handle;
        queueOffset[tail] = payloadOffset;
        queueLength[tail] = payloadLength;
        queueSourceAddress[tail] = sourceAddress;
        queueSourcePort[tail] = sourcePort;
        queueDestinationAddress[tail] = destinationAddress;
        size++;
        received++;
        pool.handOver(handle, BufferHolder.STACK);
        if (size == 1 && readableListener != null)
        {
            readableListener.onReadable(this);
        }
        return true;
    }

    /**
     * Takes the oldest datagram into {@code into}, which then holds its buffer until {@link UdpDatagram#release()}.
     *
     * @return false when none is queued.
     */
    public boolean receive(final UdpDatagram into)
    {
        checkOpen();
        if (size == 0)
        {
            return false;
        }
        final int i = head;
        final PacketBufferPool pool = queuePool[i];
        into.lend(pool, queueHandle[i], queueOffset[i], queueLength[i],
            queueSourceAddress[i], queueSourcePort[i], queueDestinationAddress[i], localPort);
        pool.handOver(queueHandle[i], BufferHolder.APPLICATION);
        queuePool[i] = null;
        head = (head + 1) % queueHandle.length;
        size--;
        return true;
    }

    /** Hands up to {@code limit} queued datagrams to {@code handler}, releasing each after the call. */
    public int receive(final UdpDatagramHandler handler, final int limit)
    {
        checkOpen();
        int n = 0;
        while (n < limit && size > 0)
        {
            final int i = head;
            final PacketBufferPool pool = queuePool[i];
            final int handle = queueHandle[i];
            queuePool[i] = null;
            head = (head + 1) % queueHandle.length;
            size--;
            n++;
            try
            {
                handler.onDatagram(this, pool.memory(), queueOffset[i], queueLength[i],
                    queueSourceAddress[i], queueSourcePort[i]);
            }
            finally
            {
                pool.release(handle);
            }
        }
        return n;
    }

    /**
     * Claims a buffer for a payload of up to {@code length} bytes, to be written at {@code into.offset()}. Above
     * the MTU the buffer comes from the datagram pool and the datagram is fragmented when sent.
     *
     * @return false when no buffer is free (counted by the stack); {@code into} is then unchanged.
     * @throws IllegalArgumentException if {@code length} exceeds the largest UDP payload (65,507 bytes).
     */
    public boolean claim(final int length, final UdpSendBuffer into)
    {
        checkOpen();
        if (into.isClaimed())
        {
            throw new IllegalStateException("this UdpSendBuffer is already claimed: send() or abort() it first");
        }
        return layer.claim(length, into);
    }

    /**
     * Sends {@code length} bytes written at {@code buffer.offset()} to {@code destination:destinationPort};
     * the buffer goes to the stack in every case (claim again for the next datagram).
     *
     * @return false when the datagram was dropped (no route, unresolved, ring full; counted).
     */
    public boolean send(final UdpSendBuffer buffer, final int length, final int destination, final int destinationPort)
    {
        checkOpen();
        buffer.checkClaimed();
        if (length < 0 || length > buffer.capacity)
        {
            throw new IllegalArgumentException("payload of " + length + " B does not fit the claimed " +
                buffer.capacity + " B: claim(length) with the size you will write");
        }
        if (destinationPort <= 0 || destinationPort > 0xFFFF)
        {
            throw new IllegalArgumentException("destination port " + destinationPort + " is not 1..65535");
        }
        final int handle = buffer.handle;
        buffer.handle = PacketBufferPool.NO_BUFFER;
        sent++;
        return layer.send(this, buffer.pool, handle, length, destination, destinationPort);
    }

    /** Copies {@code length} bytes from {@code source} into a claimed buffer and sends them (a convenience; one copy). */
    public boolean send(
        final DirectBuffer source, final int offset, final int length, final int destination, final int destinationPort)
    {
        final UdpSendBuffer buffer = layer.scratchSendBuffer();
        if (!claim(length, buffer))
        {
            return false;
        }
        buffer.buffer().putBytes(buffer.offset(), source, offset, length);
        return send(buffer, length, destination, destinationPort);
    }

    void onPortUnreachable(final int remoteAddress)
    {
        portUnreachable++;
        lastErrorSource = remoteAddress;
    }

    /** ICMP port unreachable messages received for datagrams this socket sent (RFC 1122 §4.1.3.3). */
    public long portUnreachableReceived()
    {
        return portUnreachable;
    }

    public int lastUnreachableAddress()
    {
        return lastErrorSource;
    }

    public long datagramsReceived()
    {
        return received;
    }

    public long datagramsSent()
    {
        return sent;
    }

    public long queueFullDrops()
    {
        return queueFullDrops;
    }

    /** Unbinds the port and releases every queued datagram. */
    public void close()
    {
        if (!open)
        {
            return;
        }
        open = false;
        while (size > 0)
        {
            queuePool[head].release(queueHandle[head]);
            queuePool[head] = null;
            head = (head + 1) % queueHandle.length;
            size--;
        }
        layer.unbind(this);
    }

    private void checkOpen()
    {
        if (!open)
        {
            throw new IllegalStateException("UDP socket on port " + localPort + " is closed: open a new one");
        }
    }

    static int maxPayload()
    {
        return Ipv4Header.MAX_TOTAL_LENGTH - Ipv4Header.MIN_HEADER_LENGTH - UdpHeader.HEADER_LENGTH;
    }

    @Override
    public String toString()
    {
        return "UdpSocket[port=" + localPort + ", queued=" + size + ", received=" + received + ", sent=" + sent + "]";
    }
}
