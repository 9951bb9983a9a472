package io.ringstack.nic.wire;

/**
 * A wire that writes each frame into memory itself: a TAP device's read(2), a copy out of a packet socket's ring.
 * The receiving device gives it the address of the buffer the frame belongs in (an RX descriptor's buffer), so the
 * source's write is the frame's only copy ({@code EmulatedE1000.receiveFrom}).
 * <p>
 * A source that knows more about a frame than its bytes says so in {@link #frameFlags()}, read by the device right
 * after the {@link #read} that wrote it: a packet socket learns from the kernel that a frame's transport checksum
 * was never filled in ({@link #CHECKSUM_PARTIAL}) or was verified already ({@link #CHECKSUM_VERIFIED}).
 * <p>
 * A source may make several frames of one packet it got (a packet socket cutting a peer's 64 KiB TSO packet into
 * frames the device takes): it hands them over one per {@link #read}, each with its own flags, keeping its place
 * in the packet between reads; the device sees frames only.
 */
@FunctionalInterface
public interface FrameSource
{
    /**
     * The frame's TCP or UDP checksum field holds only the pseudo-header's sum: its sender, a program on this very
     * host, left the checksum to "hardware" that never saw it (Linux's CHECKSUM_PARTIAL, which a packet socket
     * reports as TP_STATUS_CSUMNOTREADY, e.g. for what a veth peer with TX checksum offload sends). The packet never
     * crossed a real wire, so, as Linux does for such a packet, the receiving device takes its payload as intact and
     * completes or vouches for the checksum.
     */
    int CHECKSUM_PARTIAL = 1;
    /** The frame's transport checksum was verified before the source got it (TP_STATUS_CSUM_VALID). */
    int CHECKSUM_VERIFIED = 2;

    /**
     * Writes the next frame (without FCS) at {@code address}, at most {@code capacity} bytes.
     *
     * @return the frame's length, which is more than {@code capacity} when the frame did not fit (only the first
     *         {@code capacity} bytes were written; the device counts it oversize), or 0 when no frame is waiting
     *         (a wire carries no empty frames, so 0 always means "none").
     *         A source never blocks and never throws: its own failures are counted by the source and read as 0.
     */
    int read(long address, int capacity);

    /**
     * What the source knows about the frame its last {@link #read} wrote: 0, {@link #CHECKSUM_PARTIAL} or
     * {@link #CHECKSUM_VERIFIED}. Valid until the next read; asked only after a read that returned a frame.
     */
    default int frameFlags()
    {
        return 0;
    }
}
