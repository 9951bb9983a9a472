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
     * Frames whose transport checksum the sending program on this host left to offload (TP_STATUS_CSUMNOTREADY):
     * handed to the device flagged {@code FrameSource.CHECKSUM_PARTIAL}, which completes or vouches for it.
     */
    CHECKSUM_NOT_READY(true),
    /** Frames whose transport checksum the kernel had verified (TP_STATUS_CSUM_VALID): flagged to the device. */
    CHECKSUM_VALID(true),
    /**
     * TCP packets a peer's segmentation offload (TSO/GSO) left uncut (TP_STATUS_GSO_TCP, Linux 6.3+): longer than
     * the peer's MTU, so the device drops them as oversize unless its buffers hold them.
     */
    GSO_TCP(true),
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
