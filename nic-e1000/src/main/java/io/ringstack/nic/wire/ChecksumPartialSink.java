package io.ringstack.nic.wire;

import org.agrona.DirectBuffer;

/**
 * A sink that also takes frames whose transport checksum is not inserted yet: only a device at the other end of a
 * wire that cannot alter frames (two emulated devices on a perfect {@link InMemoryWire}). Every other sink (a pcap,
 * a fault injector, a TAP) is a plain {@link FrameSink} and gets whole frames: the sending device inserts the
 * checksum first.
 */
public interface ChecksumPartialSink extends FrameSink
{
    /**
     * A frame whose transport checksum is left to the receiving device: the 16-bit field {@code checksumOffset}
     * bytes into the frame holds the pseudo-header's sum, and the checksum covers the bytes from
     * {@code checksumStart} to the frame's end (the 8254x's CSS and CSO).
     */
    void acceptChecksumPartial(DirectBuffer buffer, int offset, int length, int checksumStart, int checksumOffset);
}
