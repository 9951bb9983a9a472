package io.ringstack.tcp;

/**
 * What the per-connection queues share: they start with a few slots and double up to their configured capacity,
 * so a short connection (a request and a response) does not allocate room for a full window of buffers. A
 * doubling allocates once; a connection at its steady size allocates nothing more.
 */
final class TcpQueues
{
    static final int INITIAL_SLOTS = 8;
    /** Shared empty arrays of a queue that has held nothing yet (never written: length 0). */
    static final int[] NO_INTS = new int[0];
    static final boolean[] NO_BOOLEANS = new boolean[0];

    private TcpQueues()
    {
    }

    /** A ring's {@code size} entries from slot {@code head} copied to slots 0.. of a new array of {@code slots}. */
    static int[] unwrap(final int[] ring, final int head, final int size, final int slots)
    {
        final int[] grown = new int[slots];
        final int first = Math.min(size, ring.length - head);
        System.arraycopy(ring, head, grown, 0, first);
        System.arraycopy(ring, 0, grown, first, size - first);
        return grown;
    }

    static boolean[] unwrap(final boolean[] ring, final int head, final int size, final int slots)
    {
        final boolean[] grown = new boolean[slots];
        final int first = Math.min(size, ring.length - head);
        System.arraycopy(ring, head, grown, 0, first);
        System.arraycopy(ring, 0, grown, first, size - first);
        return grown;
    }
}
