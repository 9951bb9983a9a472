package io.ringstack.nic.linux;

import io.ringstack.nic.wire.PcapWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Optional recording of a port's frames, both directions, into ringstack's own pcap writer (to compare with
 * tcpdump on the kernel side). Received frames are recorded from the RX buffer they were read into, on the port's
 * receive thread; transmitted ones from the DMA buffer, on the driver's thread; each direction has its own view,
 * and the writer is synchronized. Nothing is allocated per frame.
 */
final class PortCapture
{
    private final UnsafeBuffer receivedView = new UnsafeBuffer(0, 0);
    private volatile PcapWriter writer;

    void writer(final PcapWriter pcap)
    {
        this.writer = pcap;
    }

    void received(final long address, final int length, final int capacity)
    {
        final PcapWriter pcap = writer;
        if (pcap != null && length > 0)
        {
            final int captured = Math.min(length, capacity);
            receivedView.wrap(address, captured);
            pcap.accept(receivedView, 0, captured);
        }
    }

    void transmitted(final DirectBuffer buffer, final int offset, final int length)
    {
        final PcapWriter pcap = writer;
        if (pcap != null)
        {
            pcap.accept(buffer, offset, length);
        }
    }
}
