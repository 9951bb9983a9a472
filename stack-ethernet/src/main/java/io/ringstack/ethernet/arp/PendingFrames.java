package io.ringstack.ethernet.arp;

/**
 * Frames waiting for their next hop to resolve: preallocated nodes (handle, offset, length, next) linked into one
 * FIFO per cache slot, spare nodes on a free list. Bounded per destination and in total; nothing allocates after
 * construction.
 */
final class PendingFrames
{
    static final int NO_NODE = -1;

    private final int perDestination;
    private final int[] handle;
    private final int[] offset;
    private final int[] length;
    private final int[] next;
    private final int[] head;
    private final int[] tail;
    private final int[] count;
    private int freeHead;
    private int used;

    PendingFrames(final int slots, final int perDestination, final int total)
    {
        this.perDestination = perDestination;
        this.handle = new int[total];
        this.offset = new int[total];
        this.length = new int[total];
        this.next = new int[total];
        for (int i = 0; i < total; i++)
        {
            next[i] = i + 1 < total ? i + 1 : NO_NODE;
        }
        this.freeHead = 0;
        this.head = new int[slots];
        this.tail = new int[slots];
        this.count = new int[slots];
        java.util.Arrays.fill(head, NO_NODE);
        java.util.Arrays.fill(tail, NO_NODE);
    }

    /** Whether one more frame fits for {@code slot}: under both the per-destination and the global limit. */
    boolean canAdd(final int slot)
    {
        return freeHead != NO_NODE && count[slot] < perDestination;
    }

    /** Whether one more frame fits anywhere (a new destination starts with an empty queue). */
    boolean hasRoom()
    {
        return freeHead != NO_NODE;
    }

    /** Appends a frame to {@code slot}'s queue; the caller checked {@link #canAdd}. */
    void add(final int slot, final int frameHandle, final int frameOffset, final int frameLength)
    {
        final int node = freeHead;
        freeHead = next[node];
        handle[node] = frameHandle;
        offset[node] = frameOffset;
        length[node] = frameLength;
        next[node] = NO_NODE;
        if (tail[slot] == NO_NODE)
        {
            head[slot] = node;
        }
        else
        {
            next[tail[slot]] = node;
        }
        tail[slot] = node;
        count[slot]++;
        used++;
    }

    /**
     * Unlinks the oldest frame of {@code slot}: returns its node (read it with {@link #handle}, {@link #offset},
     * {@link #length}, then {@link #recycle} it), or {@link #NO_NODE} when the queue is empty.
     */
    int removeFirst(final int slot)
    {
        final int node = head[slot];
        if (node == NO_NODE)
        {
            return NO_NODE;
        }
        head[slot] = next[node];
        if (head[slot] == NO_NODE)
        {
            tail[slot] = NO_NODE;
        }
        count[slot]--;
        return node;
    }

    void recycle(final int node)
    {
        next[node] = freeHead;
        freeHead = node;
        used--;
    }

    int handle(final int node)
    {
        return handle[node];
    }

    int offset(final int node)
    {
        return offset[node];
    }

    int length(final int node)
    {
        return length[node];
    }

    int count(final int slot)
    {
        return count[slot];
    }

    /** Frames waiting, over all destinations. */
    int total()
    {
        return used;
    }
}
