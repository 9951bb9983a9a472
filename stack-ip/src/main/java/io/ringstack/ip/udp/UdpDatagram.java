package io.ringstack.ip.udp;

import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;

/**
 * A received UDP datagram lent to the application: its payload is a slice of the buffer the device (or reassembly)
 * wrote it into, valid until {@link #release()}. The application keeps one instance and reuses it for every
 * {@link UdpSocket#receive(UdpDatagram)}; nothing is allocated per datagram.
 */
public final class UdpDatagram
{
    private PacketBufferPool pool;
    private int handle = PacketBufferPool.NO_BUFFER;
    private int payloadOffset;
    private int payloadLength;
    private int sourceAddress;
    private int sourcePort;
    private int destinationAddress;
    private int destinationPort;

    void lend(
        final PacketBufferPool pool, final int handle, final int payloadOffset, final int payloadLength,
        final int sourceAddress, final int sourcePort, final int destinationAddress, final int destinationPort)
    {
        if (this.handle != PacketBufferPool.NO_BUFFER)
        {
            throw new IllegalStateException("this UdpDatagram still holds a datagram: release() it before receiving " +
                "the next one into it, or use another UdpDatagram");
        }
        this.pool = pool;
        this.handle = handle;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
        this.sourceAddress = sourceAddress;
        this.sourcePort = sourcePort;
        this.destinationAddress = destinationAddress;
        this.destinationPort = destinationPort;
    }

    /** Whether this holds a datagram that has not been released. */
    public boolean isHeld()
    {
        return handle != PacketBufferPool.NO_BUFFER;
    }

    private void checkHeld()
    {
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            throw new IllegalStateException("no datagram here: it was released, or receive() found none; " +
                "read fields only between a successful receive() and release()");
        }
    }

    /** The memory holding the payload (the pool's whole region: read only {@link #offset()}..+{@link #length()}). */
    public DirectBuffer buffer()
    {
        checkHeld();
        return pool.memory();
    }

    public int offset()
    {
        checkHeld();
        return payloadOffset;
    }

    public int length()
    {
        checkHeld();
        return payloadLength;
    }

    public int sourceAddress()
    {
        return sourceAddress;
    }

    public int sourcePort()
    {
        return sourcePort;
    }

    public int destinationAddress()
    {
        return destinationAddress;
    }

    public int destinationPort()
    {
        return destinationPort;
    }

    /** Gives the buffer back to its pool; the payload must not be read afterwards. */
    public void release()
    {
        checkHeld();
        final int h = handle;
        handle = PacketBufferPool.NO_BUFFER;
        pool.release(h);
        pool = null;
    }
}
