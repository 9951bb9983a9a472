package io.ringstack.demo.http;

import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpWriteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes a connection's output straight into TX pool buffers claimed from TCP ({@link TcpConnection#claim}), one
 * segment's payload each: the bytes are generated or copied where the segment leaves from, and TCP retransmits
 * from there too. A buffer is committed when full and by {@link #flush()}, which the server calls at the end of
 * every callback, so several small responses (a pipelined batch) share a segment.
 * <p>
 * When TCP's send buffer is full, {@link #room()} returns 0 and TCP calls {@code onWritable} once acknowledgments
 * free space: that is the back-pressure a large response streams under.
 */
final class ClaimWriter
{
    private final TcpWriteBuffer claim = new TcpWriteBuffer();
    private TcpConnection connection;
    private int used;
    private long committedBytes;

    void attach(final TcpConnection to)
    {
        connection = to;
        used = 0;
    }

    /**
     * Bytes that may be written at {@link #position()} now, claiming a buffer (and committing a full one) when
     * needed; 0 when TCP takes no more for now.
     */
    int room()
    {
        if (claim.isClaimed())
        {
            final int left = claim.capacity() - used;
            if (left > 0)
            {
                return left;
            }
            commit();
        }
        if (!connection.claim(claim))
        {
            return 0;
        }
        used = 0;
        return claim.capacity();
    }

    /** The memory to write into: valid after {@link #room()} returned more than 0. */
    MutableDirectBuffer buffer()
    {
        return claim.buffer();
    }

    /** Where the next byte goes in {@link #buffer()}. */
    int position()
    {
        return claim.offset() + used;
    }

    /** Counts {@code n} bytes written at {@link #position()} (at most {@link #room()}). */
    void advance(final int n)
    {
        used += n;
    }

    /** Copies as much of {@code source[offset, offset + length)} as TCP takes now; returns the bytes taken. */
    int put(final DirectBuffer source, final int offset, final int length)
    {
        int done = 0;
        while (done < length)
        {
            final int room = room();
            if (room == 0)
            {
                break;
            }
            final int n = Math.min(room, length - done);
            claim.buffer().putBytes(position(), source, offset + done, n);
            used += n;
            done += n;
        }
        return done;
    }

    /** Commits what was written (sending it as the windows allow), or gives an empty claim back. */
    void flush()
    {
        if (claim.isClaimed())
        {
            if (used > 0)
            {
                commit();
            }
            else
            {
                connection.abandon(claim);
            }
        }
    }

    private void commit()
    {
        connection.commit(claim, used);
        committedBytes += used;
        used = 0;
    }

    /** Bytes committed to TCP through this writer. */
    long committedBytes()
    {
        return committedBytes;
    }

    void detach()
    {
        if (claim.isClaimed() && connection != null)
        {
            connection.abandon(claim);
        }
        connection = null;
        used = 0;
    }
}
