package io.ringstack.ip.udp;

import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.MutableDirectBuffer;

/**
 * A claimed send buffer: the application writes its payload at {@link #offset()} (up to {@link #capacity()}
 * bytes) straight into the pool buffer the frame will leave from, then {@link UdpSocket#send commits} it. Reused
 * across sends; nothing is allocated per datagram.
 */
public final class UdpSendBuffer
{
    PacketBufferPool pool;
    int handle = PacketBufferPool.NO_BUFFER;
    int ipOffset;
    int payloadOffset;
    int capacity;

    /** Whether a buffer is claimed and not yet sent or aborted. */
    public boolean isClaimed()
    {
        return handle != PacketBufferPool.NO_BUFFER;
    }

    void checkClaimed()
    {
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            throw new IllegalStateException("no send buffer claimed: call UdpSocket.claim(length, this) first " +
                "(a buffer is used once: after send() or abort() claim again)");
        }
    }

    /** The memory to write the payload into (the pool's region: write only {@link #offset()}..+{@link #capacity()}). */
    public MutableDirectBuffer buffer()
    {
        checkClaimed();
        return pool.memory();
    }

    public int offset()
    {
        checkClaimed();
        return payloadOffset;
    }

    public int capacity()
    {
        checkClaimed();
        return capacity;
    }

    /** Gives the buffer back without sending. */
    public void abort()
    {
        checkClaimed();
        final int h = handle;
        handle = PacketBufferPool.NO_BUFFER;
        pool.release(h);
    }
}
