package io.ringstack.nic.linux;

/**
 * What a Linux port counts. Receive-side counters are written by the thread that feeds the device, transmit-side
 * ones by the driver's thread.
 */
public enum PortCounter
{
    /** Frames handed to the device's receive DMA (whatever the device then did with them). */
    FRAMES_RECEIVED(true),
    BYTES_RECEIVED(true),
    /** read(2) failures other than "nothing to read" ({@link PortCounters#lastReceiveErrno()} has the last). */
    RECEIVE_ERRORS(true),
    /** poll(2) returned with something to read. */
    RECEIVE_WAKEUPS(true),
    /** poll(2) returned an error condition (POLLERR, POLLHUP, POLLNVAL) or failed. */
    POLL_ERRORS(true),
    /** Frames this host sent out of the interface, seen on a packet socket's ring and skipped (PACKET_OUTGOING). */
    OUTGOING_SKIPPED(true),
    /** Frames the packet ring held only in part (tp_snaplen &lt; tp_len): reported as oversize to the device. */
    TRUNCATED(true),
    /**
     * Frames handed to the device flagged {@code FrameSource.CHECKSUM_PARTIAL}, which completes or vouches for
     * their transport checksum: packets whose sending program on this host left it to offload
     * (TP_STATUS_CSUMNOTREADY), and every segment cut from a segmentation-offload packet ({@link #GSO_SEGMENTS}).
     */
    CHECKSUM_NOT_READY(true),
    /** Frames whose transport checksum the kernel had verified (TP_STATUS_CSUM_VALID): flagged to the device. */
    CHECKSUM_VALID(true),
    /** Packets the kernel marked as TCP segmentation-offload packets (TP_STATUS_GSO_TCP, Linux 6.3+). */
    GSO_TCP(true),
    /**
     * TCP packets a peer's segmentation offload (TSO/GSO) left uncut, cut into frames by the port
     * ({@link TcpSegmentation}): those marked TP_STATUS_GSO_TCP, and (kernels before 6.3) TCP packets longer than
     * the longest frame whose checksum was left to offload.
     */
    GSO_PACKETS(true),
    /** Frames cut from {@link #GSO_PACKETS} and handed to the device. */
    GSO_SEGMENTS(true),
    /** Segmentation-offload packets dropped: not TCP over IPv4 (IPv6, UDP, ...): the device takes no such frames. */
    GSO_DROPPED_NOT_TCP_IPV4(true),
    /** Segmentation-offload packets dropped: shorter than the headers or the IPv4 total length they declare. */
    GSO_DROPPED_TRUNCATED(true),
    /** Segmentation-offload packets dropped: IPv4 header length under 20 bytes, or more than the total length. */
    GSO_DROPPED_BAD_IP_HEADER(true),
    /**
     * Segmentation-offload packets dropped: no room for a TCP header in the datagram, or a data offset under 5 words
     * or past the datagram's end.
     */
    GSO_DROPPED_BAD_TCP_HEADER(true),
    /** Segmentation-offload packets dropped: an IPv4 fragment (MF or an offset), which segmentation never makes. */
    GSO_DROPPED_FRAGMENT(true),
    /**
     * Segmentation-offload packets dropped: neither left to offload nor verified by the kernel, and the IPv4 header
     * or TCP checksum is wrong (cutting would have written new, valid ones over a corrupt packet).
     */
    GSO_DROPPED_BAD_CHECKSUM(true),
    /** Segmentation-offload packets dropped: their headers leave no room for data in the longest frame. */
    GSO_DROPPED_HEADERS_TOO_LONG(true),
    /**
     * TPACKET_V2: frames longer than a ring slot read whole from the socket's queue with recv(2) (the kernel queues
     * them too, PACKET_COPY_THRESH, and says so in the slot: TP_STATUS_COPY).
     */
    QUEUED_COPIES(true),
    /** 802.1Q tags the kernel had taken into packet metadata, put back into the frame. */
    VLAN_TAGS_RESTORED(true),
    /** TPACKET_V3 ring blocks the packet socket's receive side handed back to the kernel. */
    BLOCKS_RETURNED(true),
    /** TPACKET_V2 ring frame slots the packet socket's receive side handed back to the kernel. */
    FRAMES_RETURNED(true),
    /** Frames read from the wire and dropped by the port's fault plan ({@code DevicePort.dropFrames}). */
    FAULT_DROPPED_RECEIVED(true),

    FRAMES_SENT(false),
    BYTES_SENT(false),
    /** write(2) or send(2) failures ({@link PortCounters#lastTransmitErrno()} has the last); the frame is lost. */
    TRANSMIT_ERRORS(false),
    /** No free slot in the packet socket's TX ring even after a kick: the frame is lost. */
    TRANSMIT_RING_FULL(false),
    /** Frames longer than a TX ring slot holds: lost. */
    TRANSMIT_OVERSIZE(false),
    /** send(2) calls that told the kernel to transmit the TX ring's queued frames. */
    TRANSMIT_KICKS(false),
    /** Frames the device transmitted while the port was closing: lost, as on an unplugged cable. */
    TRANSMIT_AFTER_CLOSE(false),
    /** Frames the device transmitted that the port's fault plan dropped instead of sending. */
    FAULT_DROPPED_TRANSMITTED(false);

    private final boolean receiveSide;

    PortCounter(final boolean receiveSide)
    {
        this.receiveSide = receiveSide;
    }

    public boolean receiveSide()
    {
        return receiveSide;
    }
}
