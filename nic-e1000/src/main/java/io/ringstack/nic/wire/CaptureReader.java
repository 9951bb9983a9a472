package io.ringstack.nic.wire;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads classic pcap (micro- or nanosecond, either byte order) and pcapng (section header, interface description,
 * enhanced, simple and obsolete packet blocks, either byte order, if_tsresol) files, one record at a time, into a
 * reused buffer. Used by the decode tool and the tests; no native library needed.
 * <p>
 * A damaged file never throws past {@link #next()}: reading stops, and {@link #problem()} says why.
 */
public final class CaptureReader
{
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    private static final int PCAPNG_SECTION_HEADER = 0x0A0D0D0A;
    private static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int MAX_INTERFACES = 64;

    private final ByteBuffer file;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[262_144]);
    private final boolean pcapng;
    private ByteOrder order;
    private long classicTicksPerSecond;
    private int classicLinkType;
    private final int[] interfaceLinkType = new int[MAX_INTERFACES];
    private final long[] interfaceTicksPerSecond = new long[MAX_INTERFACES];
    private int interfaces;

    private int linkType;
    private long timestampNanos;
    private int capturedLength;
    private int originalLength;
    private long records;
    private String problem;

    private CaptureReader(final ByteBuffer file) throws IOException
    {
        this.file = file;
        if (file.remaining() < 4)
        {
            throw new IOException("not a capture file: " + file.remaining() + " bytes");
        }
        final int magic = file.getInt(0);
        if (magic == PCAPNG_SECTION_HEADER)
        {
            pcapng = true;
            order = ByteOrder.LITTLE_ENDIAN;
            return;
        }
        pcapng = false;
        if (file.remaining() < 24)
        {
            throw new IOException("pcap file header is 24 bytes, file has " + file.remaining());
        }
        final int le = file.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        final int be = file.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (le == 0xa1b2c3d4 || le == 0xa1b23c4d)
        {
            order = ByteOrder.LITTLE_ENDIAN;
            classicTicksPerSecond = le == 0xa1b23c4d ? 1_000_000_000L : 1_000_000L;
        }
        else if (be == 0xa1b2c3d4 || be == 0xa1b23c4d)
        {
            order = ByteOrder.BIG_ENDIAN;
            classicTicksPerSecond = be == 0xa1b23c4d ? 1_000_000_000L : 1_000_000L;
        }
        else
        {
            throw new IOException(String.format("not a pcap or pcapng file (magic 0x%08x)", be));
        }
        file.order(order);
        classicLinkType = file.getInt(20) & 0x0FFF_FFFF; // upper bits may carry FCS information
        file.position(24);
    }

    public static CaptureReader open(final Path path) throws IOException
    {
        return new CaptureReader(ByteBuffer.wrap(Files.readAllBytes(path)));
    }

    public static CaptureReader of(final byte[] bytes) throws IOException
    {
        return new CaptureReader(ByteBuffer.wrap(bytes));
    }

    /** Reads the next packet record; false at the end of the file or at damage ({@link #problem()}). */
    public boolean next()
    {
        if (problem != null)
        {
            return false;
        }
        try
        {
            return pcapng ? nextPcapng() : nextClassic();
        }
        catch (final RuntimeException ex)
        {
            problem = "damaged record after " + records + " records: " + ex;
            return false;
        }
    }

    private boolean nextClassic()
    {
        if (file.remaining() == 0)
        {
            return false;
        }
        if (file.remaining() < 16)
        {
            problem = "truncated record header after " + records + " records";
            return false;
        }
        final long seconds = file.getInt() & 0xFFFF_FFFFL;
        final long fraction = file.getInt() & 0xFFFF_FFFFL;
        final int captured = file.getInt();
        final int original = file.getInt();
        if (captured < 0 || captured > frame.capacity() || captured > file.remaining())
        {
            problem = "record " + (records + 1) + " claims " + (captured & 0xFFFF_FFFFL) + " captured bytes, " +
                file.remaining() + " left in the file";
            return false;
        }
        take(classicLinkType, seconds * 1_000_000_000L + fraction * (1_000_000_000L / classicTicksPerSecond),
            captured, original);
        return true;
    }

    private boolean nextPcapng()
    {
        while (file.remaining() >= 12)
        {
            final int start = file.position();
            int type = file.getInt(start);
            if (type == PCAPNG_SECTION_HEADER)
            {
                final int magic = file.order(ByteOrder.LITTLE_ENDIAN).getInt(start + 8);
                order = magic == PCAPNG_BYTE_ORDER_MAGIC ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                file.order(order);
                interfaces = 0;
            }
            type = file.getInt(start);
            final int length = file.getInt(start + 4);
            if (length < 12 || (length & 3) != 0 || length > file.remaining())
            {
                problem = "pcapng block at offset " + start + " has bad length " + length;
                return false;
            }
            file.position(start + length);
            switch (type)
            {
                case 1 -> describeInterface(start, length);
                case 6 ->
                {
                    final int id = file.getInt(start + 8);
                    final long ticks = ((file.getInt(start + 12) & 0xFFFF_FFFFL) << 32) | (file.getInt(start + 16) & 0xFFFF_FFFFL);
                    final int captured = file.getInt(start + 20);
                    final int original = file.getInt(start + 24);
                    return packet(id, ticks, start + 28, captured, original, start + length - 4);
                }
                case 3 ->
                {
                    final int original = file.getInt(start + 8);
                    final int captured = Math.min(original, length - 16);
                    return packet(0, 0, start + 12, captured, original, start + length - 4);
                }
                case 2 ->
                {
                    final int id = file.getShort(start + 8) & 0xFFFF;
                    final long ticks = ((file.getInt(start + 12) & 0xFFFF_FFFFL) << 32) | (file.getInt(start + 16) & 0xFFFF_FFFFL);
                    return packet(id, ticks, start + 28, file.getInt(start + 20), file.getInt(start + 24), start + length - 4);
                }
                default ->
                {
                    // section header, statistics, name resolution, custom blocks: nothing to deliver
                }
            }
        }
        if (file.remaining() != 0)
        {
            problem = "trailing " + file.remaining() + " bytes after the last pcapng block";
        }
        return false;
    }

    private void describeInterface(final int start, final int length)
    {
        if (interfaces == MAX_INTERFACES)
        {
            return;
        }
        interfaceLinkType[interfaces] = file.getShort(start + 8) & 0xFFFF;
        long ticksPerSecond = 1_000_000L;
        int option = start + 16;
        final int end = start + length - 4;
        while (option + 4 <= end)
        {
            final int code = file.getShort(option) & 0xFFFF;
            final int optionLength = file.getShort(option + 2) & 0xFFFF;
            if (code == 0)
            {
                break;
            }
            if (code == 9 && optionLength >= 1 && option + 4 < end)
            {
                final int resolution = file.get(option + 4) & 0xFF;
                final int exponent = resolution & 0x7F;
                if ((resolution & 0x80) == 0 && exponent <= 18)
                {
                    ticksPerSecond = 1;
                    for (int i = 0; i < exponent; i++)
                    {
                        ticksPerSecond *= 10;
                    }
                }
                else if ((resolution & 0x80) != 0 && exponent < 63)
                {
                    ticksPerSecond = 1L << exponent;
                }
            }
            option += 4 + ((optionLength + 3) & ~3);
        }
        interfaceTicksPerSecond[interfaces] = ticksPerSecond;
        interfaces++;
    }

    private boolean packet(final int id, final long ticks, final int dataStart, final int captured, final int original,
        final int blockEnd)
    {
        if (id < 0 || id >= interfaces)
        {
            problem = "packet block names interface " + id + " but " + interfaces + " are described";
            return false;
        }
        if (captured < 0 || dataStart + captured > blockEnd || captured > frame.capacity())
        {
            problem = "packet block claims " + captured + " captured bytes, more than the block holds";
            return false;
        }
        final long perSecond = interfaceTicksPerSecond[id];
        final long nanos = perSecond == 1_000_000_000L ? ticks :
            (ticks / perSecond) * 1_000_000_000L + (ticks % perSecond) * 1_000_000_000L / perSecond;
        final int saved = file.position();
        file.position(dataStart);
        take(interfaceLinkType[id], nanos, captured, original);
        file.position(saved);
        return true;
    }

    private void take(final int linkType, final long nanos, final int captured, final int original)
    {
        this.linkType = linkType;
        this.timestampNanos = nanos;
        this.capturedLength = captured;
        this.originalLength = original;
        frame.putBytes(0, file, file.position(), captured);
        file.position(file.position() + captured);
        records++;
    }

    /** The current record's bytes, from index 0, {@link #capturedLength()} of them. Reused by the next call. */
    public UnsafeBuffer frame()
    {
        return frame;
    }

    public int linkType()
    {
        return linkType;
    }

    public long timestampNanos()
    {
        return timestampNanos;
    }

    public int capturedLength()
    {
        return capturedLength;
    }

    /** The length on the wire; larger than {@link #capturedLength()} when the capture cut the frame short. */
    public int originalLength()
    {
        return originalLength;
    }

    public long records()
    {
        return records;
    }

    public boolean isPcapng()
    {
        return pcapng;
    }

    /** Why reading stopped early, or null. */
    public String problem()
    {
        return problem;
    }
}
