package io.ringstack.nic.linux;

import io.ringstack.nic.memory.OnesComplementSum;
import io.ringstack.nic.memory.RawMemory;
import io.ringstack.nic.wire.FrameSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Software segmentation for TCP over IPv4: what Linux does to a SKB_GSO_TCPV4 packet before a device without TSO
 * sends it (skb_gso_segment: inet_gso_segment, tcp_gso_segment), done on the receiving side of a packet socket. A
 * veth peer's TCP segmentation offload hands the socket TCP packets of up to 64 KiB (TP_STATUS_GSO_TCP); the NIC
 * takes frames of at most {@code maxFrameLength} bytes, so each such packet is cut into frames that fit, every one
 * with a copy of the packet's headers:
 * <pre>
 *   packet: | Ethernet (802.1Q) | IPv4 (options) | TCP (options) | payload .................................... |
 *   frames: | Ethernet (802.1Q) | IPv4' | TCP' | payload[0, mss)      |
 *           | Ethernet (802.1Q) | IPv4' | TCP' | payload[mss, 2 mss)  |
 *           | Ethernet (802.1Q) | IPv4' | TCP' | payload[k mss, end)  |   mss = maxFrameLength - 14 - IPv4 - TCP
 * </pre>
 * What changes per frame, as Linux does it:
 * <ul>
 *   <li>IPv4 total length (RFC 791 §3.1) for the frame's datagram, and the header checksum computed again.</li>
 *   <li>IPv4 identification: the packet's, plus one per frame (inet_gso_segment without SKB_GSO_TCP_FIXEDID,
 *       which a packet socket cannot see; Linux's own TCP sends incrementing IDs, and for a DF datagram the ID
 *       has no meaning anyway, RFC 6864 §4.1).</li>
 *   <li>TCP sequence number: the packet's plus the payload bytes in the frames before (RFC 793 §3.3).</li>
 *   <li>TCP flags (tcp_gso_segment): FIN and PSH only on the last frame, CWR only on the first (RFC 3168 §6.1.2:
 *       CWR once per window reduction); the rest (ACK, URG, ECE) and the options on every frame.</li>
 *   <li>TCP checksum: left for the NIC, as the packet's was ({@link FrameSource#CHECKSUM_PARTIAL}, Linux's
 *       CHECKSUM_PARTIAL): the field holds the frame's pseudo-header sum (RFC 793 §3.1, with the frame's TCP
 *       length), which the NIC completes in the received copy or vouches for (RXCSUM.TUOFL).</li>
 * </ul>
 * A packet neither left to offload nor verified by the kernel has its IPv4 header and TCP checksums checked first
 * (once over the whole packet): new, valid checksums must not be written over corrupt data. Malformed packets are
 * dropped and counted by reason ({@link PortCounter}{@code .GSO_DROPPED_*}), never thrown. The payload is copied
 * once, from wherever the packet lies (a ring slot, a block, a copy) straight into the frame's buffer; the headers
 * come from a preallocated template, so nothing is allocated per packet.
 * <p>
 * One thread: the one reading the packet socket. The packet's memory must stay put until {@link #hasNext()} is false.
 */
public final class TcpSegmentation
{
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int TCP = 6;
    private static final int ADDRESSES = 12;
    private static final int ETHERNET_HEADER = 14;
    private static final int TAG = 4;
    private static final int MIN_IP_HEADER = 20;
    private static final int MIN_TCP_HEADER = 20;
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;
    /** Addresses, a tag from metadata, one in the frame, its EtherType, 60 bytes of IPv4 and 60 of TCP: 146. */
    private static final int TEMPLATE_SIZE = 256;

    private final int maxFrameLength;
    private final PortCounters counters;
    private final MemorySegment template;
    private final long header;

    // the packet being cut
    private long payload;
    private int payloadLeft;
    private int headerLength;
    private int ipOffset;
    private int ipHeaderLength;
    private int tcpHeaderLength;
    private int segmentPayload;
    private long pseudoHeaderSum;
    private int identification;
    private int sequence;
    private int tcpFlags;
    private boolean first;
    private boolean pending;

    /**
     * @param maxFrameLength the longest untagged frame to make (the receiver's MTU + 14; a tagged frame may be 4 bytes
     *                       longer).
     * @param counters       where packets, frames and drops are counted.
     */
    public TcpSegmentation(final int maxFrameLength, final PortCounters counters)
    {
        if (maxFrameLength < 64 || maxFrameLength > PacketRingConfig.MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("max frame length " + maxFrameLength + " must be 64.." +
                PacketRingConfig.MAX_FRAME_LENGTH + " (the MTU + 14)");
        }
        this.maxFrameLength = maxFrameLength;
        this.counters = counters;
        this.template = Arena.ofAuto().allocate(TEMPLATE_SIZE, 16);
        this.header = template.address();
    }

    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * Takes the packet of {@code length} bytes at native {@code packet} (an Ethernet frame, at most one 802.1Q tag in
     * it) to cut. {@code tpid} and {@code tci}: an 802.1Q tag the kernel kept in metadata, to put back after the
     * source address of every frame (tpid 0: none). {@code flags}: what the kernel said of its checksum
     * ({@link FrameSource#CHECKSUM_PARTIAL}, {@link FrameSource#CHECKSUM_VERIFIED} or 0).
     *
     * @return true if there are frames to take with {@link #next}; false if the packet was dropped (counted).
     */
    public boolean begin(final long packet, final int length, final int tpid, final int tci, final int flags)
    {
        pending = false;
        if (length < ETHERNET_HEADER)
        {
            return drop(PortCounter.GSO_DROPPED_TRUNCATED);
        }
        int linkHeader = ETHERNET_HEADER;
        int etherType = RawMemory.getShortBigEndian(null, packet + ADDRESSES) & 0xFFFF;
        if (etherType == ETHERTYPE_VLAN)
        {
            if (length < ETHERNET_HEADER + TAG)
            {
                return drop(PortCounter.GSO_DROPPED_TRUNCATED);
            }
            etherType = RawMemory.getShortBigEndian(null, packet + ADDRESSES + TAG) & 0xFFFF;
            linkHeader += TAG;
        }
        if (etherType != ETHERTYPE_IPV4)
        {
            return drop(PortCounter.GSO_DROPPED_NOT_TCP_IPV4);
        }
        if (length < linkHeader + MIN_IP_HEADER)
        {
            return drop(PortCounter.GSO_DROPPED_TRUNCATED);
        }
        final long ip = packet + linkHeader;
        final int versionAndLength = RawMemory.getByte(null, ip) & 0xFF;
        final int ihl = (versionAndLength & 0x0F) * 4;
        if (versionAndLength >>> 4 != 4 || (RawMemory.getByte(null, ip + 9) & 0xFF) != TCP)
        {
            return drop(PortCounter.GSO_DROPPED_NOT_TCP_IPV4);
        }
        final int totalLength = RawMemory.getShortBigEndian(null, ip + 2) & 0xFFFF;
        // RFC 791 §3.1: IHL at least 5 words, the total length at least the header
        if (ihl < MIN_IP_HEADER || totalLength < ihl)
        {
            return drop(PortCounter.GSO_DROPPED_BAD_IP_HEADER);
        }
        if (linkHeader + totalLength > length)
        {
            return drop(PortCounter.GSO_DROPPED_TRUNCATED);
        }
        if ((RawMemory.getShortBigEndian(null, ip + 6) & 0x3FFF) != 0) // MF, fragment offset
        {
            return drop(PortCounter.GSO_DROPPED_FRAGMENT);
        }
        if (totalLength < ihl + MIN_TCP_HEADER)
        {
            return drop(PortCounter.GSO_DROPPED_BAD_TCP_HEADER);
        }
        final long tcp = ip + ihl;
        final int doff = ((RawMemory.getByte(null, tcp + 12) & 0xFF) >>> 4) * 4;
        // RFC 793 §3.1: the data offset counts 32-bit words, at least 5, within the segment
        if (doff < MIN_TCP_HEADER || ihl + doff > totalLength)
        {
            return drop(PortCounter.GSO_DROPPED_BAD_TCP_HEADER);
        }
        final int mss = maxFrameLength - ETHERNET_HEADER - ihl - doff;
        if (mss < 1)
        {
            return drop(PortCounter.GSO_DROPPED_HEADERS_TOO_LONG);
        }
        final long source = RawMemory.getIntBigEndian(null, ip + 12) & 0xFFFF_FFFFL;
        final long destination = RawMemory.getIntBigEndian(null, ip + 16) & 0xFFFF_FFFFL;
        final long pseudo = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF) + TCP;
        if ((flags & (FrameSource.CHECKSUM_PARTIAL | FrameSource.CHECKSUM_VERIFIED)) == 0)
        {
            final int tcpLength = totalLength - ihl;
            if (OnesComplementSum.sum(null, ip, ihl) != 0xFFFF ||
                OnesComplementSum.fold(pseudo + tcpLength + OnesComplementSum.sum(null, tcp, tcpLength)) != 0xFFFF)
            {
                return drop(PortCounter.GSO_DROPPED_BAD_CHECKSUM);
            }
        }

        // the template: the addresses, the tag from metadata (IEEE 802.1Q §9.3: TPID, then TCI), the rest as it came
        RawMemory.copyToNative(null, packet, header, ADDRESSES);
        int at = ADDRESSES;
        if (tpid != 0)
        {
            RawMemory.putShortBigEndian(null, header + at, (short)tpid);
            RawMemory.putShortBigEndian(null, header + at + 2, (short)tci);
            at += TAG;
        }
        final int rest = linkHeader - ADDRESSES + ihl + doff;
        RawMemory.copyToNative(null, packet + ADDRESSES, header + at, rest);
        headerLength = at + rest;
        ipOffset = at + linkHeader - ADDRESSES;
        ipHeaderLength = ihl;
        tcpHeaderLength = doff;
        segmentPayload = mss;
        pseudoHeaderSum = pseudo;
        identification = RawMemory.getShortBigEndian(null, ip + 4) & 0xFFFF;
        sequence = RawMemory.getIntBigEndian(null, tcp + 4);
        tcpFlags = RawMemory.getByte(null, tcp + 13) & 0xFF;
        payload = tcp + doff;
        payloadLeft = totalLength - ihl - doff;
        first = true;
        pending = true;
        counters.increment(PortCounter.GSO_PACKETS);
        return true;
    }

    private boolean drop(final PortCounter reason)
    {
        counters.increment(reason);
        return false;
    }

    /** Whether the packet {@link #begin} took has frames left. */
    public boolean hasNext()
    {
        return pending;
    }

    /** Forgets the packet being cut (its memory is going away). */
    public void clear()
    {
        pending = false;
    }

    /**
     * Writes the next frame at native {@code address}, at most {@code capacity} bytes, with its checksum left to the
     * NIC ({@link FrameSource#CHECKSUM_PARTIAL}). Call only while {@link #hasNext()}.
     *
     * @return the frame's length; more than {@code capacity} if it did not fit (then only its first {@code capacity}
     *         bytes were written, as {@link FrameSource#read} has it).
     */
    public int next(final long address, final int capacity)
    {
        final int chunk = Math.min(segmentPayload, payloadLeft);
        final boolean last = chunk == payloadLeft;
        final int length = headerLength + chunk;
        if (capacity < headerLength)
        {
            RawMemory.copyToNative(null, header, address, capacity);
        }
        else
        {
            RawMemory.copyToNative(null, header, address, headerLength);
            final long ip = address + ipOffset;
            final int ihl = ipHeaderLength;
            final int tcpLength = tcpHeaderLength + chunk;
            RawMemory.putShortBigEndian(null, ip + 2, (short)(ihl + tcpLength));
            RawMemory.putShortBigEndian(null, ip + 4, (short)identification);
            RawMemory.putShortBigEndian(null, ip + 10, (short)0);
            RawMemory.putShortBigEndian(null, ip + 10, (short)~OnesComplementSum.sum(null, ip, ihl));
            final long tcp = ip + ihl;
            RawMemory.putShortBigEndian(null, tcp + 4, (short)(sequence >>> 16));
            RawMemory.putShortBigEndian(null, tcp + 6, (short)sequence);
            int flags = tcpFlags;
            if (!first)
            {
                flags &= ~CWR;
            }
            if (!last)
            {
                flags &= ~(FIN | PSH);
            }
            RawMemory.putByte(null, tcp + 13, (byte)flags);
            RawMemory.putShortBigEndian(null, tcp + 16, (short)OnesComplementSum.fold(pseudoHeaderSum + tcpLength));
            RawMemory.copyToNative(null, payload, address + headerLength, Math.min(chunk, capacity - headerLength));
        }
        identification = (identification + 1) & 0xFFFF;
        sequence += chunk;
        payload += chunk;
        payloadLeft -= chunk;
        first = false;
        pending = !last;
        counters.increment(PortCounter.GSO_SEGMENTS);
        return length;
    }
}
