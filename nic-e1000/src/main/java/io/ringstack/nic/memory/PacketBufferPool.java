package io.ringstack.nic.memory;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed set of equal packet buffers carved out of one {@link DmaRegion}, handed out by index ("handle").
 * <p>
 * Ownership is explicit. {@link #claim(byte)} gives the caller one reference; {@link #retain(int, byte)} adds one
 * (TCP keeps a reference to a TX buffer while the TX ring holds another); {@link #release(int)} drops one, and the
 * buffer returns to the pool when the last is dropped. Only buffers in the pool are claimed, so a buffer someone
 * still holds is never posted to the RX ring again. A release of a buffer nobody holds (double release) or of a
 * handle that is not a buffer is misuse: it is counted, and in strict mode (tests, {@code -Dringstack.strictBuffers=true})
 * it throws. {@link #outstanding()} and {@link #describeOutstanding(int)} find leaks.
 * <p>
 * Not thread-safe: one stack thread owns a pool. Nothing here allocates except the leak report.
 */
public final class PacketBufferPool implements AutoCloseable
{
    /** Returned by {@link #claim(byte)} when every buffer is held. */
    public static final int NO_BUFFER = -1;
    public static final int DEFAULT_BUFFER_SIZE = 2048;
    /** Largest RX ring buffer: holds a 9 KiB jumbo frame with room to spare; one of the 8254x's RX buffer sizes. */
    public static final int MAX_BUFFER_SIZE = 16384;
    /**
     * Largest buffer of a pool the device never receives into (e.g. IPv4 reassembly): a whole 65,535-byte
     * datagram. The driver refuses pools whose size is not an 8254x RX buffer size.
     */
    public static final int MAX_DATAGRAM_BUFFER_SIZE = 65536;
    public static final boolean STRICT_DEFAULT = Boolean.getBoolean("ringstack.strictBuffers");
    /**
     * {@link #checksumState} bit of a buffer to send: its transport checksum is left to the device (the field holds
     * the pseudo-header's sum; start and field offset in the low 24 bits), like Linux's CHECKSUM_PARTIAL.
     */
    public static final int CHECKSUM_PARTIAL = 1 << 30;
    /** {@link #checksumState} bit of a received buffer: the device verified its TCP/UDP checksum (RX status TCPCS). */
    public static final int TRANSPORT_CHECKSUM_VERIFIED = 1 << 29;
    /** {@link #checksumState} bit of a received buffer: the device verified its IPv4 header checksum (IPCS). */
    public static final int IP_CHECKSUM_VERIFIED = 1 << 28;

    private static final int HOLDER_BITS = 8;
    private static final int HOLDER_MASK = (1 << HOLDER_BITS) - 1;
    private static final int ONE_REFERENCE = 1 << HOLDER_BITS;

    private final DmaRegion region;
    private final UnsafeBuffer memory;
    private final int bufferSize;
    private final int bufferShift;
    private final int capacity;
    private final int[] freeStack;
    /**
     * Per buffer, its reference count and last holder in one int ({@code references << HOLDER_BITS | holder}), so a
     * hand-over or release reads and writes one array element, and its length (= capacity) bounds the handle check.
     */
    private final int[] state;
    /**
     * Per buffer, what its checksums need or have had (the metadata a Linux skb keeps in ip_summed and csum_start):
     * {@link #CHECKSUM_PARTIAL} with where, or the device's receive verdicts. Cleared on every claim.
     */
    private final int[] checksumState;
    private final boolean strict;
    private final boolean ownsRegion;
    private int freeCount;

    private long claims;
    private long claimFailures;
    private long misuses;
    private long lowWater;

    /**
     * @param region     memory for the buffers: at least {@code capacity * bufferSize} bytes.
     * @param bufferSize bytes per buffer, a power of two from 256 to {@link #MAX_DATAGRAM_BUFFER_SIZE}.
     * @param capacity   number of buffers.
     * @param strict     throw on misuse instead of only counting it.
     */
    public PacketBufferPool(
        final DmaRegion region, final int bufferSize, final int capacity, final boolean strict)
    {
        this(region, bufferSize, capacity, strict, false);
    }

    private PacketBufferPool(
        final DmaRegion region, final int bufferSize, final int capacity, final boolean strict, final boolean ownsRegion)
    {
        if (bufferSize < 256 || bufferSize > MAX_DATAGRAM_BUFFER_SIZE || Integer.bitCount(bufferSize) != 1)
        {
            throw new IllegalArgumentException("packet buffer size " + bufferSize +
                " must be a power of two from 256 to " + MAX_DATAGRAM_BUFFER_SIZE +
                " (RX ring pools: 256 to " + MAX_BUFFER_SIZE + ", the 8254x RX buffer sizes)");
        }
        if (capacity < 1)
        {
            throw new IllegalArgumentException("a buffer pool needs at least one buffer, got " + capacity);
        }
        if ((long)bufferSize * capacity > region.size())
        {
            throw new IllegalArgumentException("region " + region.name() + " has " + region.size() +
                " B, too small for " + capacity + " buffers of " + bufferSize + " B");
        }
        this.region = region;
        this.memory = region.buffer();
        this.bufferSize = bufferSize;
        this.bufferShift = Integer.numberOfTrailingZeros(bufferSize);
        this.capacity = capacity;
        this.strict = strict;
        this.ownsRegion = ownsRegion;
        this.freeStack = new int[capacity];
        this.state = new int[capacity];
        this.checksumState = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeStack[i] = capacity - 1 - i; // claim hands out 0, 1, 2, ... first
        }
        this.freeCount = capacity;
        this.lowWater = capacity;
    }

    /** A pool with its own DMA region, closed with the pool. */
    public static PacketBufferPool allocate(
        final String name, final int bufferSize, final int capacity, final DmaAddressing addressing, final boolean strict)
    {
        final DmaRegion region = DmaRegion.allocate(name, (long)bufferSize * capacity, addressing);
        return new PacketBufferPool(region, bufferSize, capacity, strict, true);
    }

    /** A pool over {@code region} (e.g. huge pages), closed with the pool. */
    public static PacketBufferPool owning(
        final DmaRegion region, final int bufferSize, final int capacity, final boolean strict)
    {
        return new PacketBufferPool(region, bufferSize, capacity, strict, true);
    }

    public static PacketBufferPool allocate(final String name, final int bufferSize, final int capacity)
    {
        return allocate(name, bufferSize, capacity, DmaAddressing.IDENTITY, STRICT_DEFAULT);
    }

    /**
     * Takes a free buffer, with one reference owned by the caller.
     *
     * @return the buffer's handle, or {@link #NO_BUFFER} when all are held (counted).
     */
    public int claim(final byte newHolder)
    {
        if (freeCount == 0)
        {
            claimFailures++;
            return NO_BUFFER;
        }
        final int handle = freeStack[--freeCount];
        state[handle] = ONE_REFERENCE | (newHolder & HOLDER_MASK);
        checksumState[handle] = 0;
        claims++;
        if (freeCount < lowWater)
        {
            lowWater = freeCount;
        }
        return handle;
    }

    /** Adds a reference for a second holder (e.g. the TX ring while TCP keeps the buffer for retransmission). */
    public void retain(final int handle, final byte newHolder)
    {
        final int[] state = this.state;
        final int current;
        if (handle < 0 || handle >= state.length || (current = state[handle]) < ONE_REFERENCE)
        {
            misuse("retain", handle);
            return;
        }
        if (current >= Integer.MAX_VALUE - ONE_REFERENCE)
        {
            throw new IllegalStateException("buffer " + handle + " has " + (current >>> HOLDER_BITS) +
                " references, the most a buffer can have: release some before retaining it again");
        }
        state[handle] = (current & ~HOLDER_MASK) + ONE_REFERENCE | (newHolder & HOLDER_MASK);
    }

    /** Records that the single owner passed the buffer on (for leak reports); the reference count is unchanged. */
    public void handOver(final int handle, final byte newHolder)
    {
        final int[] state = this.state;
        final int current;
        if (handle < 0 || handle >= state.length || (current = state[handle]) < ONE_REFERENCE)
        {
            misuse("hand over", handle);
            return;
        }
        state[handle] = (current & ~HOLDER_MASK) | (newHolder & HOLDER_MASK);
    }

    /**
     * Drops one reference; the buffer returns to the pool with the last.
     *
     * @return true if the buffer went back to the pool.
     */
    public boolean release(final int handle)
    {
        final int[] state = this.state;
        final int current;
        if (handle < 0 || handle >= state.length || (current = state[handle]) < ONE_REFERENCE)
        {
            // Counted in every mode, thrown in strict mode. A buffer nobody holds is already in the free list,
            // and it is pushed only when its last reference goes: a double release can never push it twice.
            misuse("release", handle);
            return false;
        }
        if (current >= 2 * ONE_REFERENCE)
        {
            state[handle] = current - ONE_REFERENCE;
            return false;
        }
        state[handle] = BufferHolder.POOL;
        freeStack[freeCount++] = handle;
        return true;
    }

    public boolean isHeld(final int handle)
    {
        return handle >= 0 && handle < state.length && state[handle] >= ONE_REFERENCE;
    }

    public int referenceCount(final int handle)
    {
        return handle >= 0 && handle < state.length ? state[handle] >>> HOLDER_BITS : 0;
    }

    public byte holder(final int handle)
    {
        return (byte)state[handle];
    }

    // ---------------------------------------------------------------- checksum offload metadata

    /**
     * Marks a buffer to send whose transport checksum the device completes: the transport header starts
     * {@code transportStart} bytes into the buffer and its checksum field is {@code fieldOffset} bytes into the
     * header (TCP 16, UDP 6); the field already holds the pseudo-header's folded sum.
     */
    public void markChecksumPartial(final int handle, final int transportStart, final int fieldOffset)
    {
        if (transportStart < 0 || transportStart >= bufferSize || fieldOffset < 0 || fieldOffset > 0xFF)
        {
            throw new IllegalArgumentException("checksum start " + transportStart + " / field " + fieldOffset +
                " outside buffer of " + bufferSize + " B");
        }
        checksumState[handle] = CHECKSUM_PARTIAL | transportStart << 8 | fieldOffset;
    }

    /** Forgets the buffer's checksum metadata (its checksum is whole now, or it is about to be reused). */
    public void clearChecksumState(final int handle)
    {
        checksumState[handle] = 0;
    }

    /** Records what the device said of a received buffer's checksums ({@link #TRANSPORT_CHECKSUM_VERIFIED} etc.). */
    public void markReceivedChecksums(final int handle, final int verified)
    {
        checksumState[handle] = verified & (TRANSPORT_CHECKSUM_VERIFIED | IP_CHECKSUM_VERIFIED);
    }

    /** The buffer's checksum metadata: 0, or {@link #CHECKSUM_PARTIAL} with its start and field, or verdicts. */
    public int checksumState(final int handle)
    {
        return checksumState[handle];
    }

    /** Of a {@link #CHECKSUM_PARTIAL} state: where the transport header starts in the buffer. */
    public static int checksumStart(final int checksumState)
    {
        return checksumState >>> 8 & 0xFFFF;
    }

    /** Of a {@link #CHECKSUM_PARTIAL} state: the checksum field's offset in the transport header. */
    public static int checksumField(final int checksumState)
    {
        return checksumState & 0xFF;
    }

    public boolean transportChecksumVerified(final int handle)
    {
        return (checksumState[handle] & TRANSPORT_CHECKSUM_VERIFIED) != 0;
    }

    public boolean ipChecksumVerified(final int handle)
    {
        return (checksumState[handle] & IP_CHECKSUM_VERIFIED) != 0;
    }

    /** The memory all buffers live in; buffer {@code h} starts at {@link #offset(int) offset(h)}. */
    public UnsafeBuffer memory()
    {
        return memory;
    }

    public int offset(final int handle)
    {
        return handle << bufferShift;
    }

    /** The handle of the buffer that holds byte {@code offset} of {@link #memory()}. */
    public int handleAt(final int offset)
    {
        return offset >>> bufferShift;
    }

    /** The device's address of the start of a buffer. */
    public long deviceAddress(final int handle)
    {
        return region.deviceAddress((long)handle << bufferShift);
    }

    public long virtualAddress(final int handle)
    {
        return region.virtualAddress() + ((long)handle << bufferShift);
    }

    public DmaRegion region()
    {
        return region;
    }

    public int bufferSize()
    {
        return bufferSize;
    }

    public int capacity()
    {
        return capacity;
    }

    public int available()
    {
        return freeCount;
    }

    /** Buffers held by anyone: the device, the stack or the application. */
    public int outstanding()
    {
        return capacity - freeCount;
    }

    public long claims()
    {
        return claims;
    }

    /** Claims refused because every buffer was held. */
    public long claimFailures()
    {
        return claimFailures;
    }

    /** Double releases, releases of unknown handles and other misuse seen (when not strict). */
    public long misuses()
    {
        return misuses;
    }

    /** The fewest free buffers seen since the pool was made. */
    public long lowWater()
    {
        return lowWater;
    }

    /** Counts held buffers by holder, e.g. to check that only the RX ring holds buffers when all is quiet. */
    public int countHeldBy(final byte wanted)
    {
        int count = 0;
        for (int i = 0; i < capacity; i++)
        {
            if (state[i] >= ONE_REFERENCE && (byte)state[i] == wanted)
            {
                count++;
            }
        }
        return count;
    }

    /** A leak report: up to {@code limit} held buffers with their last holder, excluding {@code ignoredHolder}. */
    public List<String> describeOutstanding(final byte ignoredHolder, final int limit)
    {
        final List<String> report = new ArrayList<>();
        for (int i = 0; i < capacity && report.size() < limit; i++)
        {
            final int references = state[i] >>> HOLDER_BITS;
            final byte holder = (byte)state[i];
            if (references > 0 && holder != ignoredHolder)
            {
                report.add("buffer " + i + " held by " + BufferHolder.name(holder) + " (" + references +
                    " reference" + (references == 1 ? "" : "s") + ")");
            }
        }
        return report;
    }

    public List<String> describeOutstanding(final int limit)
    {
        return describeOutstanding((byte)-1, limit);
    }

    private void misuse(final String what, final int handle)
    {
        misuses++;
        if (strict)
        {
            if (handle < 0 || handle >= capacity)
            {
                throw new IllegalStateException("cannot " + what + " buffer " + handle +
                    ": not a handle of this pool (0.." + (capacity - 1) + ")");
            }
            throw new IllegalStateException("cannot " + what + " buffer " + handle +
                ": nobody holds it (already released?). Release each claimed or received buffer exactly once.");
        }
    }

    @Override
    public void close()
    {
        if (ownsRegion)
        {
            region.close();
        }
    }

    @Override
    public String toString()
    {
        return "PacketBufferPool{" + region.name() + ", " + capacity + " x " + bufferSize + " B, free=" + freeCount +
            ", lowWater=" + lowWater + ", claimFailures=" + claimFailures + ", misuses=" + misuses + '}';
    }
}
