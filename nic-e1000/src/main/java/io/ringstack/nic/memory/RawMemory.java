package io.ringstack.nic.memory;

import org.agrona.UnsafeApi;

/**
 * Loads and stores at addresses the caller has already checked, for the few hot places (descriptors, the device's
 * frame copy) that check a whole descriptor or frame once instead of each field.
 * <p>
 * An address is an Agrona-style pair: {@code base} is the byte[] of a heap buffer (tests build descriptors in
 * byte arrays) or null for off-heap memory, and {@code address} is {@code addressOffset() + index}. Every method
 * branches on {@code base == null} so that the JIT sees an off-heap access where DMA memory is used: an access
 * whose base may or may not be null is a "mixed" access to C2, which wraps it in compiler barriers that force every
 * field around it to be loaded again (this is most of what Agrona's per-access cost was, besides its bounds checks).
 * Where only off-heap memory is ever used, the heap branch is never taken and is compiled out.
 * <p>
 * Multi-byte values are in native byte order unless the method says otherwise; callers convert. The methods do no
 * checks: an address outside the memory it belongs to corrupts the heap or crashes the JVM.
 */
public final class RawMemory
{
    /**
     * Frames up to this size are copied with 8-byte loads and stores; longer ones with {@code Unsafe.copyMemory}.
     * Below about this size the bulk-copy stub's call and alignment dispatch cost more than the copy (the JDK's own
     * MemorySegment copy makes the same split).
     */
    public static final int SMALL_COPY = 64;

    private RawMemory()
    {
    }

    public static byte getByte(final Object base, final long address)
    {
        return base == null ? UnsafeApi.getByte(address) : UnsafeApi.getByte(base, address);
    }

    public static short getShort(final Object base, final long address)
    {
        return base == null ? UnsafeApi.getShort(address) : UnsafeApi.getShort(base, address);
    }

    public static long getLong(final Object base, final long address)
    {
        return base == null ? UnsafeApi.getLong(address) : UnsafeApi.getLong(base, address);
    }

    public static void putByte(final Object base, final long address, final byte value)
    {
        if (base == null)
        {
            UnsafeApi.putByte(address, value);
        }
        else
        {
            UnsafeApi.putByte(base, address, value);
        }
    }

    public static void putInt(final Object base, final long address, final int value)
    {
        if (base == null)
        {
            UnsafeApi.putInt(address, value);
        }
        else
        {
            UnsafeApi.putInt(base, address, value);
        }
    }

    public static void putLong(final Object base, final long address, final long value)
    {
        if (base == null)
        {
            UnsafeApi.putLong(address, value);
        }
        else
        {
            UnsafeApi.putLong(base, address, value);
        }
    }

    /** A load with acquire semantics: later loads and stores are not moved before it. */
    public static byte getByteAcquire(final Object base, final long address)
    {
        return base == null ? UnsafeApi.getByteAcquire(null, address) : UnsafeApi.getByteAcquire(base, address);
    }

    /** A store with release semantics: earlier loads and stores are not moved after it. */
    public static void putByteRelease(final Object base, final long address, final byte value)
    {
        if (base == null)
        {
            UnsafeApi.putByteRelease(null, address, value);
        }
        else
        {
            UnsafeApi.putByteRelease(base, address, value);
        }
    }

    /** A store with release semantics: earlier loads and stores are not moved after it. */
    public static void putIntRelease(final Object base, final long address, final int value)
    {
        if (base == null)
        {
            UnsafeApi.putIntRelease(null, address, value);
        }
        else
        {
            UnsafeApi.putIntRelease(base, address, value);
        }
    }

    /** A big-endian (network order) 16-bit value at any alignment. */
    public static short getShortBigEndian(final Object base, final long address)
    {
        return base == null ?
            UnsafeApi.getShortUnaligned(null, address, true) : UnsafeApi.getShortUnaligned(base, address, true);
    }

    /** A big-endian (network order) 32-bit value at any alignment. */
    public static int getIntBigEndian(final Object base, final long address)
    {
        return base == null ?
            UnsafeApi.getIntUnaligned(null, address, true) : UnsafeApi.getIntUnaligned(base, address, true);
    }

    /** A 64-bit value in the machine's byte order at any alignment ({@code base} null: native memory). */
    public static long getLongUnaligned(final Object base, final long address)
    {
        return UnsafeApi.getLongUnaligned(base, address);
    }

    /** A 32-bit value in the machine's byte order at any alignment. */
    public static int getIntUnaligned(final Object base, final long address)
    {
        return UnsafeApi.getIntUnaligned(base, address);
    }

    /** A 16-bit value in the machine's byte order at any alignment. */
    public static short getShortUnaligned(final Object base, final long address)
    {
        return UnsafeApi.getShortUnaligned(base, address);
    }

    /** Stores a 16-bit value in big-endian (network) order at any alignment. */
    public static void putShortBigEndian(final Object base, final long address, final short value)
    {
        UnsafeApi.putShortUnaligned(base, address, value, true);
    }

    /**
     * Copies {@code length} bytes from {@code (sourceBase, source)} to off-heap memory at {@code destination}; the
     * ranges must not overlap.
     */
    public static void copyToNative(
        final Object sourceBase, final long source, final long destination, final int length)
    {
        if (sourceBase == null && length >= 8 && length <= SMALL_COPY)
        {
            // 8 bytes at a time, the last word overlapping the one before it instead of a tail of smaller moves
            final int lastWord = length - 8;
            for (int i = 0; i < lastWord; i += 8)
            {
                UnsafeApi.putLongUnaligned(null, destination + i, UnsafeApi.getLongUnaligned(null, source + i));
            }
            UnsafeApi.putLongUnaligned(
                null, destination + lastWord, UnsafeApi.getLongUnaligned(null, source + lastWord));
        }
        else
        {
            UnsafeApi.copyMemory(sourceBase, source, null, destination, length);
        }
    }
}
