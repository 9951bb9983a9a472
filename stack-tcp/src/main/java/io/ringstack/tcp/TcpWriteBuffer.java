package io.ringstack.tcp;

import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.MutableDirectBuffer;

/**
 * A TX pool buffer claimed for zero-copy sending ({@link TcpConnection#claim(TcpWriteBuffer)}): write up to
 * {@link #capacity()} bytes at {@link #offset()} of {@link #buffer()}, then {@link TcpConnection#commit} them as one
 * segment or {@link TcpConnection#abandon} the claim. The bytes are sent from this buffer, and retransmitted from
 * it, without copies. Reusable: one instance per application thread is enough.
 */
public final class TcpWriteBuffer
{
    TcpConnection connection;
    PacketBufferPool pool;
    int handle = PacketBufferPool.NO_BUFFER;
    int offset;
    int capacity;

    public boolean isClaimed()
    {
        return handle != PacketBufferPool.NO_BUFFER;
    }

    void checkClaimed(final TcpConnection by)
    {
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            throw new IllegalStateException("nothing claimed: call TcpConnection.claim(buffer) first");
        }
        if (connection != by)
        {
            throw new IllegalStateException("this buffer was claimed from another connection: commit it there");
        }
    }

    /** The memory to write into (the pool's whole region: write only {@link #offset()}..+{@link #capacity()}). */
    public MutableDirectBuffer buffer()
    {
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            throw new IllegalStateException("nothing claimed: call TcpConnection.claim(buffer) first");
        }
        return pool.memory();
    }

    public int offset()
    {
        return offset;
    }

    /** The most bytes one segment carries: the effective send MSS (or less, near the send buffer's limit). */
    public int capacity()
    {
        return capacity;
    }
}
