package io.ringstack.ip.fragment;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

import static io.ringstack.ip.wire.Ipv4Header.MAX_TOTAL_LENGTH;

/**
 * IPv4 reassembly (RFC 791 §3.2 "reassembly procedure", RFC 815, RFC 1122 §3.3.2), one 64 KiB pool buffer per
 * datagram, which becomes the reassembled datagram:
 * <pre>
 *  pool.offset(handle)
 *  |&lt;- header length -&gt;|&lt;------------------ payload (fragment offset 0 .. end) ------------------&gt;|
 *  +-------------------+---------------+-----------+---------------+-----------------------------------+
 *  | first fragment's  | fragment 0    |   hole    | fragment k    |  ...  last fragment (MF = 0)      |
 *  | header            | data          |           | data          |                                   |
 *  +-------------------+---------------+-----------+---------------+-----------------------------------+
 * </pre>
 * Each fragment's data is copied once, to its place; the caller keeps its RX buffer. Until fragment zero arrives
 * the header length is guessed from the first fragment to arrive (later fragments carry only the copied options,
 * RFC 791 §3.1, so the guess is never longer than the truth for an honest sender); when fragment zero brings a
 * different length, the data received so far moves once.
 * <p>
 * <b>Security policy.</b>
 * <ul>
 * <li>Accepted bytes are never rewritten. A fragment with the offset, length and MF flag of one already held is
 *     an exact duplicate (the wire duplicates frames): dropped alone, {@link Ipv4Drop#FRAGMENT_DUPLICATE}. Any
 *     other overlap drops the whole datagram, {@link Ipv4Drop#REASSEMBLY_OVERLAP} (RFC 5722's rule for IPv6,
 *     applied to IPv4: overlaps are how Teardrop and IDS-evasion attacks work, and no honest sender makes them).</li>
 * <li>Fragments that disagree on the datagram's end (two last fragments ending differently, data past the end a
 *     last fragment set, a last fragment ending before data already held, a duplicate whose MF flag contradicts
 *     the original) drop the datagram, {@link Ipv4Drop#REASSEMBLY_INCONSISTENT}; so do more than
 *     {@link ReassemblyConfig#maxFragmentsPerDatagram()} fragments, and a datagram that, with fragment zero's
 *     header, would exceed 65,535 bytes ({@link Ipv4Drop#FRAGMENT_TOO_LONG}).</li>
 * <li>A dropped datagram's buffer is released at once, but its key stays until the datagram's timeout and
 *     rejects the rest of its fragments ({@link Ipv4Drop#REASSEMBLY_DISCARDED}), so they cannot start a new
 *     reassembly that would hold a buffer for another timeout. The key still counts against the caps.</li>
 * <li>Fragments that are bad on their own are dropped alone, before any state is touched: one ending beyond
 *     65,535 bytes with its own header ("ping of death", {@link Ipv4Drop#FRAGMENT_TOO_LONG}), one with MF set
 *     whose length is not a multiple of 8 ({@link Ipv4Drop#FRAGMENT_MISALIGNED}, RFC 791 §3.2), one with no data
 *     ({@link Ipv4Drop#FRAGMENT_EMPTY}).</li>
 * <li>Memory: at most {@link ReassemblyConfig#maxDatagrams()} datagrams in all and
 *     {@link ReassemblyConfig#maxDatagramsPerSource()} from one source. When a cap is reached a fragment of a
 *     new datagram is dropped ({@link Ipv4Drop#REASSEMBLY_MEMORY}; {@link Ipv4Drop#NO_BUFFER} if the pool, shared
 *     with others, is empty). Work in progress is never evicted to make room: a flood cannot push out other
 *     sources' datagrams, only wait for its own to time out. Fragments of datagrams already admitted are still
 *     accepted.</li>
 * <li>The timeout runs from the first fragment to arrive and is not extended by later ones (RFC 1122 §3.3.2: a
 *     fixed value), so a trickle of fragments cannot hold a buffer forever.</li>
 * </ul>
 * Not thread-safe: the stack thread owns it. Nothing here allocates after construction.
 */
public final class Ipv4Reassembler implements AutoCloseable
{
    private static final byte FREE = 0;
    private static final byte REASSEMBLING = 1;
    private static final byte DISCARDING = 2;
    private static final int NONE = -1;
    private static final int UNKNOWN = -1;
    private static final int KEEP_ON_COMPLETION = Ipv4Header.FLAG_DONT_FRAGMENT | Ipv4Header.FLAG_RESERVED;

    private final ReassemblyConfig config;
    private final PacketBufferPool pool;
    private final UnsafeBuffer memory;
    private final ReasonCounters<Ipv4Drop> drops;
    private final ReassemblyKeys keys;
    private final FragmentIntervals fragments;
    private final Int2IntHashMap datagramsPerSource;

    private final byte[] state;
    private final int[] handle;
    private final long[] firstArrival;
    /** Where payload byte 0 lies in the buffer, from its start: the header length, known or guessed. */
    private final int[] payloadBase;
    /** Header length of fragment zero, 0 until it arrives. */
    private final int[] firstHeaderLength;
    /** Payload length of fragment zero. */
    private final int[] firstPayloadLength;
    /** The payload's end set by the last fragment (MF = 0), or UNKNOWN. */
    private final int[] lastEnd;
    /** The highest end of any fragment held. */
    private final int[] highestEnd;
    private final int[] receivedBytes;
    /** Slots in order of creation, which is the order of their deadlines (the timeout is fixed). */
    private final int[] older;
    private final int[] newer;
    private final int[] freeSlots;
    private int freeSlotCount;
    private int oldest = NONE;
    private int newest = NONE;
    private int reassembling;
    private int discarding;
    private long completed;
    private boolean closed;

    /**
     * @param config       limits
     * @param datagramPool buffers of {@link PacketBufferPool#MAX_DATAGRAM_BUFFER_SIZE} bytes, one per datagram under
     *                     reassembly; at least {@link ReassemblyConfig#maxDatagrams()} of them
     * @param drops        where drops are counted by reason
     */
    public Ipv4Reassembler(
        final ReassemblyConfig config, final PacketBufferPool datagramPool, final ReasonCounters<Ipv4Drop> drops)
    {
        if (config == null || datagramPool == null || drops == null)
        {
            throw new NullPointerException("config, datagramPool and drops are all required");
        }
        if (datagramPool.bufferSize() < PacketBufferPool.MAX_DATAGRAM_BUFFER_SIZE)
        {
            throw new IllegalArgumentException("reassembly needs buffers of " +
                PacketBufferPool.MAX_DATAGRAM_BUFFER_SIZE + " B to hold a 65,535-byte datagram; the pool has " +
                datagramPool.bufferSize() + " B buffers");
        }
        if (datagramPool.capacity() < config.maxDatagrams())
        {
            throw new IllegalArgumentException("the datagram pool has " + datagramPool.capacity() +
                " buffers, fewer than maxDatagrams (" + config.maxDatagrams() +
                "): give it one buffer per datagram under reassembly or lower maxDatagrams");
        }
        this.config = config;
        this.pool = datagramPool;
        this.memory = datagramPool.memory();
        this.drops = drops;
        final int slots = config.maxDatagrams();
        this.keys = new ReassemblyKeys(slots, ThreadLocalRandom.current().nextLong());
        this.fragments = new FragmentIntervals(slots, config.maxFragmentsPerDatagram());
        this.datagramsPerSource = new Int2IntHashMap(slots * 2, 0.5f, 0);
        this.state = new byte[slots];
        this.handle = new int[slots];
        this.firstArrival = new long[slots];
        this.payloadBase = new int[slots];
        this.firstHeaderLength = new int[slots];
        this.firstPayloadLength = new int[slots];
        this.lastEnd = new int[slots];
        this.highestEnd = new int[slots];
        this.receivedBytes = new int[slots];
        this.older = new int[slots];
        this.newer = new int[slots];
        this.freeSlots = new int[slots];
        for (int i = 0; i < slots; i++)
        {
            freeSlots[i] = slots - 1 - i;
            handle[i] = PacketBufferPool.NO_BUFFER;
        }
        this.freeSlotCount = slots;
    }

    /**
     * Takes one fragment ({@code fragment.isFragment()}), wrapped and with a verified checksum. Its data is
     * copied; the caller keeps its buffer.
     *
     * @return the handle, in the datagram pool, of the reassembled datagram when this fragment completes it: an
     * IPv4 header (fragment zero's, with MF and the offset cleared, the total length set, the checksum
     * recomputed) at {@code pool.offset(handle)} followed by the whole payload; the caller owns it and releases
     * it. {@link PacketBufferPool#NO_BUFFER} when the datagram is incomplete or the fragment was dropped (counted).
     */
    public int accept(final Ipv4Header fragment, final long nowNanos)
    {
        if (closed)
        {
            throw new IllegalStateException("this reassembler is closed");
        }
        if (!fragment.isFragment())
        {
            throw new IllegalArgumentException("not a fragment (MF clear and offset 0): deliver the datagram " +
                "directly, call accept only when Ipv4Header.isFragment()");
        }
        final int headerLength = fragment.headerLength();
        final int start = fragment.fragmentOffset();
        final int length = fragment.payloadLength();
        final int end = start + length;
        final boolean more = fragment.moreFragments();
        // RFC 791 §3.1: a datagram is at most 65,535 bytes; a fragment reaching beyond is the "ping of death"
        if (end > MAX_TOTAL_LENGTH - headerLength)
        {
            return drop(Ipv4Drop.FRAGMENT_TOO_LONG);
        }
        // RFC 791 §3.2: every fragment but the last carries a multiple of 8 octets
        if (more && (length & 7) != 0)
        {
            return drop(Ipv4Drop.FRAGMENT_MISALIGNED);
        }
        if (length == 0)
        {
            return drop(Ipv4Drop.FRAGMENT_EMPTY);
        }
        final int source = fragment.source();
        final int destination = fragment.destination();
        final int protoId = ReassemblyKeys.protocolAndIdentification(fragment.protocol(), fragment.identification());
        int slot = keys.find(source, destination, protoId);
        if (slot == NONE)
        {
            slot = admit(source, destination, protoId, headerLength, nowNanos);
            if (slot == NONE)
            {
                return PacketBufferPool.NO_BUFFER;
            }
        }
        else if (state[slot] == DISCARDING)
        {
            return drop(Ipv4Drop.REASSEMBLY_DISCARDED);
        }
        return add(slot, fragment, start, end, more);
    }

    /** Opens a slot for a new datagram, if the caps allow; NONE (counted) if not. */
    private int admit(
        final int source, final int destination, final int protoId, final int headerLength, final long nowNanos)
    {
        if (reassembling + discarding >= config.maxDatagrams() || freeSlotCount == 0)
        {
            drop(Ipv4Drop.REASSEMBLY_MEMORY);
            return NONE;
        }
        final int fromSource = datagramsPerSource.get(source);
        if (fromSource >= config.maxDatagramsPerSource())
        {
            drop(Ipv4Drop.REASSEMBLY_MEMORY);
            return NONE;
        }
        final int buffer = pool.claim(BufferHolder.STACK);
        if (buffer == PacketBufferPool.NO_BUFFER)
        {
            drop(Ipv4Drop.NO_BUFFER);
            return NONE;
        }
        final int slot = freeSlots[--freeSlotCount];
        keys.put(slot, source, destination, protoId);
        datagramsPerSource.put(source, fromSource + 1);
        state[slot] = REASSEMBLING;
        handle[slot] = buffer;
        firstArrival[slot] = nowNanos;
        payloadBase[slot] = headerLength;
        firstHeaderLength[slot] = 0;
        firstPayloadLength[slot] = 0;
        lastEnd[slot] = UNKNOWN;
        highestEnd[slot] = 0;
        receivedBytes[slot] = 0;
        fragments.clear(slot);
        older[slot] = newest;
        newer[slot] = NONE;
        if (newest == NONE)
        {
            oldest = slot;
        }
        else
        {
            newer[newest] = slot;
        }
        newest = slot;
        reassembling++;
        return slot;
    }

    private int add(final int slot, final Ipv4Header fragment, final int start, final int end, final boolean more)
    {
        final int count = fragments.count(slot);
        final int index = fragments.lowerBound(slot, start);
        final int knownEnd = lastEnd[slot];
        if (index < count && fragments.start(slot, index) == start && fragments.end(slot, index) == end)
        {
            // Only the fragment that set the end was last (MF = 0): intervals are non-empty and disjoint.
            final boolean heldWasLast = knownEnd == end;
            if (heldWasLast == !more)
            {
                return drop(Ipv4Drop.FRAGMENT_DUPLICATE);
            }
            return discard(slot, Ipv4Drop.REASSEMBLY_INCONSISTENT);
        }
        if (!more)
        {
            // RFC 815 §3 step 5 and RFC 791 §3.2: the last fragment fixes the total data length
            if (knownEnd != UNKNOWN ? end != knownEnd : end < highestEnd[slot])
            {
                return discard(slot, Ipv4Drop.REASSEMBLY_INCONSISTENT);
            }
        }
        else if (knownEnd != UNKNOWN && end > knownEnd)
        {
            return discard(slot, Ipv4Drop.REASSEMBLY_INCONSISTENT);
        }
        // Overlap with the neighbours (RFC 5722's rule): never let a fragment rewrite bytes already accepted
        final boolean overlapsBefore = index > 0 && fragments.end(slot, index - 1) > start;
        if (overlapsBefore || (index < count && fragments.start(slot, index) < end))
        {
            return discard(slot, Ipv4Drop.REASSEMBLY_OVERLAP);
        }
        if (count == fragments.capacity())
        {
            return discard(slot, Ipv4Drop.REASSEMBLY_TOO_MANY_FRAGMENTS);
        }
        final int headerLength = start == 0 ? fragment.headerLength() : payloadBase[slot];
        final int dataEnd = Math.max(end, knownEnd != UNKNOWN ? knownEnd : highestEnd[slot]);
        if (headerLength + dataEnd > MAX_TOTAL_LENGTH)
        {
            return discard(slot, Ipv4Drop.FRAGMENT_TOO_LONG);
        }
        final int bufferOffset = pool.offset(handle[slot]);
        if (start == 0)
        {
            placeHeader(slot, fragment, bufferOffset);
        }
        final int length = end - start;
        memory.putBytes(bufferOffset + payloadBase[slot] + start, fragment.buffer(), fragment.payloadOffset(), length);
        fragments.insert(slot, index, start, end);
        receivedBytes[slot] += length;
        if (end > highestEnd[slot])
        {
            highestEnd[slot] = end;
        }
        if (!more)
        {
            lastEnd[slot] = end;
        }
        // Disjoint intervals covering exactly [0, end) hold end bytes: complete when fragment zero is there too.
        if (firstHeaderLength[slot] != 0 && lastEnd[slot] != UNKNOWN && receivedBytes[slot] == lastEnd[slot])
        {
            return complete(slot, bufferOffset);
        }
        return PacketBufferPool.NO_BUFFER;
    }

    /** Copies fragment zero's header to the front, moving the data held so far if its length differs from the guess. */
    private void placeHeader(final int slot, final Ipv4Header fragment, final int bufferOffset)
    {
        final int headerLength = fragment.headerLength();
        final int guess = payloadBase[slot];
        if (headerLength != guess && highestEnd[slot] > 0)
        {
            // Unsafe.copyMemory, under UnsafeBuffer.putBytes, copies overlapping ranges correctly (memmove).
            memory.putBytes(bufferOffset + headerLength, memory, bufferOffset + guess, highestEnd[slot]);
        }
        payloadBase[slot] = headerLength;
        memory.putBytes(bufferOffset, fragment.buffer(), fragment.offset(), headerLength);
        firstHeaderLength[slot] = headerLength;
        firstPayloadLength[slot] = fragment.payloadLength();
    }

    /** RFC 791 §3.2 reassembly: fragment zero's header, MF and offset cleared, total length of the whole. */
    private int complete(final int slot, final int bufferOffset)
    {
        final int headerLength = firstHeaderLength[slot];
        memory.putShort(bufferOffset + Ipv4Header.TOTAL_LENGTH_OFFSET,
            (short)(headerLength + lastEnd[slot]), ByteOrder.BIG_ENDIAN);
        final int flags = memory.getShort(bufferOffset + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN);
        memory.putShort(bufferOffset + Ipv4Header.FLAGS_FRAGMENT_OFFSET,
            (short)(flags & KEEP_ON_COMPLETION), ByteOrder.BIG_ENDIAN);
        Ipv4Header.updateChecksum(memory, bufferOffset, headerLength);
        final int datagram = handle[slot];
        handle[slot] = PacketBufferPool.NO_BUFFER;
        reassembling--;
        free(slot);
        completed++;
        return datagram;
    }

    /** Drops the datagram: its buffer goes back now; its key rejects the rest of its fragments until the timeout. */
    private int discard(final int slot, final Ipv4Drop reason)
    {
        drops.increment(reason);
        pool.release(handle[slot]);
        handle[slot] = PacketBufferPool.NO_BUFFER;
        fragments.clear(slot);
        state[slot] = DISCARDING;
        reassembling--;
        discarding++;
        return PacketBufferPool.NO_BUFFER;
    }

    private int drop(final Ipv4Drop reason)
    {
        drops.increment(reason);
        return PacketBufferPool.NO_BUFFER;
    }

    /**
     * Expires datagrams whose first fragment arrived {@link ReassemblyConfig#timeoutNanos()} or more ago:
     * counted {@link Ipv4Drop#REASSEMBLY_TIMEOUT}, and reported to {@code listener} (may be null) when fragment zero
     * had arrived (RFC 1122 §3.3.2). Keys of datagrams already dropped are forgotten without a count.
     *
     * @return the number of datagrams and keys expired
     */
    public int poll(final long nowNanos, final ReassemblyTimeoutListener listener)
    {
        int work = 0;
        final long timeout = config.timeoutNanos();
        while (oldest != NONE && nowNanos - firstArrival[oldest] >= timeout)
        {
            final int slot = oldest;
            work++;
            if (state[slot] == DISCARDING)
            {
                discarding--;
                free(slot);
                continue;
            }
            drops.increment(Ipv4Drop.REASSEMBLY_TIMEOUT);
            final int buffer = handle[slot];
            final int headerLength = firstHeaderLength[slot];
            final int firstLength = headerLength + firstPayloadLength[slot];
            handle[slot] = PacketBufferPool.NO_BUFFER;
            reassembling--;
            free(slot);
            try
            {
                if (headerLength != 0 && listener != null)
                {
                    listener.onReassemblyTimeout(memory, pool.offset(buffer), firstLength);
                }
            }
            finally
            {
                pool.release(buffer);
            }
        }
        return work;
    }

    /** Returns a slot to the free list; its buffer must already be released or handed on. */
    private void free(final int slot)
    {
        keys.remove(slot);
        final int source = keys.source(slot);
        final int fromSource = datagramsPerSource.get(source) - 1;
        if (fromSource <= 0)
        {
            datagramsPerSource.remove(source);
        }
        else
        {
            datagramsPerSource.put(source, fromSource);
        }
        final int before = older[slot];
        final int after = newer[slot];
        if (before == NONE)
        {
            oldest = after;
        }
        else
        {
            newer[before] = after;
        }
        if (after == NONE)
        {
            newest = before;
        }
        else
        {
            older[after] = before;
        }
        fragments.clear(slot);
        state[slot] = FREE;
        freeSlots[freeSlotCount++] = slot;
    }

    /** Datagrams being reassembled (each holding a buffer). */
    public int datagramsInProgress()
    {
        return reassembling;
    }

    /** Keys of dropped datagrams still rejecting their fragments until their timeout (holding no buffer). */
    public int datagramsDiscarding()
    {
        return discarding;
    }

    /** Datagrams reassembled and handed out since construction. */
    public long datagramsCompleted()
    {
        return completed;
    }

    public ReassemblyConfig config()
    {
        return config;
    }

    public ReasonCounters<Ipv4Drop> drops()
    {
        return drops;
    }

    /** Releases every buffer held and forgets every datagram; {@link #accept} refuses to work afterwards. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int slot = 0; slot < state.length; slot++)
        {
            if (state[slot] == REASSEMBLING)
            {
                pool.release(handle[slot]);
            }
            handle[slot] = PacketBufferPool.NO_BUFFER;
            state[slot] = FREE;
            fragments.clear(slot);
        }
        keys.clear();
        datagramsPerSource.clear();
        oldest = NONE;
        newest = NONE;
        reassembling = 0;
        discarding = 0;
        freeSlotCount = 0;
    }
}
