package io.ringstack.tcp;

import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;

/**
 * Received data lent to the application: a slice of the RX buffer the segment arrived in, valid until
 * {@link #release()}. The application keeps instances and reuses them for {@link TcpConnection#read(TcpSlice)};
 * several may be held at once. What the application holds counts against the connection's receive window, so a
 * slow reader shrinks the window rather than growing memory.
 */
public final class TcpSlice
{
    private TcpConnection connection;
    private PacketBufferPool pool;
    private int handle = PacketBufferPool.NO_BUFFER;
    private int offset;
    private int length;

    void lend(final TcpConnection owner, final PacketBufferPool from, final int bufferHandle, final int sliceOffset,
        final int sliceLength)
    {
        if (handle != PacketBufferPool.NO_BUFFER)
        {
            throw new IllegalStateException("this TcpSlice still holds data: release() it before reading into it " +
                "again, or use another TcpSlice");
        }
        connection = owner;
        pool = from;
        handle = bufferHandle;
        offset = sliceOffset;
        length = sliceLength;
    }

    public boolean isHeld()
    {
        return handle != PacketBufferPool.NO_BUFFER;
    }

    private void checkHeld()
    {
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            throw new IllegalStateException("this TcpSlice holds nothing: it was released, or read() found no data");
        }
    }

    /** The memory holding the data (a whole pool region: read only {@link #offset()}..+{@link #length()}). */
    public DirectBuffer buffer()
    {
        checkHeld();
        return pool.memory();
    }

    public int offset()
    {
        checkHeld();
        return offset;
    }

    public int length()
    {
        checkHeld();
        return length;
    }

    /** The connection the data came from. */
    public TcpConnection connection()
    {
        return connection;
    }

    /** Gives the buffer back; the window may open (and a window update go out). */
    public void release()
    {
        checkHeld();
        final int h = handle;
        final TcpConnection from = connection;
        handle = PacketBufferPool.NO_BUFFER;
        connection = null;
        final PacketBufferPool p = pool;
        pool = null;
        from.onSliceReleased(p, h, length);
    }
}
