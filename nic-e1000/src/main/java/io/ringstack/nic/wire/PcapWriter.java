package io.ringstack.nic.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes frames to a classic pcap file (nanosecond timestamps, magic 0xa1b23c4d, LINKTYPE_ETHERNET) that
 * tcpdump, tshark, Wireshark and pcap4j read. It is itself a {@link FrameSink}, so it can tap any wire.
 * Each record is assembled in one preallocated direct buffer: writing a frame allocates nothing.
 * Thread-safe: both directions of a wire may write to one file.
 */
public final class PcapWriter implements FrameSink, AutoCloseable
{
    public static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    public static final int LINKTYPE_ETHERNET = 1;
    private static final int FILE_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;

    private final FileChannel channel;
    private final ByteBuffer record;
    private final UnsafeBuffer recordView;
    private final int snapLength;
    private final long epochNanosAtOpen;
    private final long nanoTimeAtOpen;
    private long frames;
    private boolean closed;

    private PcapWriter(final FileChannel channel, final int snapLength)
    {
        this.channel = channel;
        this.snapLength = snapLength;
        this.record = ByteBuffer.allocateDirect(RECORD_HEADER_LENGTH + snapLength).order(ByteOrder.LITTLE_ENDIAN);
        this.recordView = new UnsafeBuffer(record);
        this.epochNanosAtOpen = System.currentTimeMillis() * 1_000_000L;
        this.nanoTimeAtOpen = System.nanoTime();
    }

    /** Creates (or truncates) {@code file} and writes the pcap file header. */
    public static PcapWriter open(final Path file, final int snapLength)
    {
        if (snapLength < 64 || snapLength > 262_144)
        {
            throw new IllegalArgumentException("snap length " + snapLength + " out of range 64..262144");
        }
        try
        {
            final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
            final ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(MAGIC_NANOSECONDS).putShort((short)2).putShort((short)4).putInt(0).putInt(0)
                .putInt(snapLength).putInt(LINKTYPE_ETHERNET).flip();
            while (header.hasRemaining())
            {
                channel.write(header);
            }
            return new PcapWriter(channel, snapLength);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write pcap file " + file + ": " + ex.getMessage(), ex);
        }
    }

    public static PcapWriter open(final Path file)
    {
        return open(file, 65535);
    }

    /** Records a frame with the current time. */
    @Override
    public void accept(final DirectBuffer buffer, final int offset, final int length)
    {
        write(epochNanosAtOpen + (System.nanoTime() - nanoTimeAtOpen), buffer, offset, length);
    }

    /** Records a frame with a timestamp in nanoseconds since the epoch. */
    public synchronized void write(final long epochNanos, final DirectBuffer buffer, final int offset, final int length)
    {
        if (closed)
        {
            return;
        }
        final int captured = Math.min(length, snapLength);
        recordView.putInt(0, (int)(epochNanos / 1_000_000_000L), ByteOrder.LITTLE_ENDIAN);
        recordView.putInt(4, (int)(epochNanos % 1_000_000_000L), ByteOrder.LITTLE_ENDIAN);
        recordView.putInt(8, captured, ByteOrder.LITTLE_ENDIAN);
        recordView.putInt(12, length, ByteOrder.LITTLE_ENDIAN);
        recordView.putBytes(RECORD_HEADER_LENGTH, buffer, offset, captured);
        record.clear().limit(RECORD_HEADER_LENGTH + captured);
        try
        {
            while (record.hasRemaining())
            {
                channel.write(record);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing pcap record failed: " + ex.getMessage(), ex);
        }
        frames++;
    }

    public synchronized long frames()
    {
        return frames;
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
