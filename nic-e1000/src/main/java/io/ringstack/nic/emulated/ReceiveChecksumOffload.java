package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.RxDescriptor;
import io.ringstack.nic.memory.OnesComplementSum;
import io.ringstack.nic.memory.RawMemory;
import io.ringstack.nic.wire.FrameSource;

import static io.ringstack.nic.e1000.E1000Registers.RXCSUM_IPOFL;
import static io.ringstack.nic.e1000.E1000Registers.RXCSUM_TUOFL;

/**
 * The 8254x's receive checksum offload (SDM §3.2.9, register RXCSUM): for a received IPv4 frame (untagged or with
 * one 802.1Q tag) the device checks the IPv4 header checksum (IPOFL) and, for a TCP or UDP datagram that is not a
 * fragment, the transport checksum over the pseudo-header (TUOFL), and reports them in the legacy RX descriptor:
 * status IPCS/TCPCS say a checksum was checked, errors IPE/TCPE that it failed. A UDP datagram without a checksum
 * (zero, RFC 768) has none to check. Offload off: status IXSM, "ignore checksum indication".
 * <p>
 * The result packs the descriptor's status bits in the low byte and its error bits in the next; above them, for
 * frames whose checksum the sender left to the device or the source vouched for, what the device did (counted).
 */
final class ReceiveChecksumOffload
{
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int TCP_CHECKSUM_OFFSET = 16;
    private static final int UDP_CHECKSUM_OFFSET = 6;

    /** Above the status and error bytes of a result: a checksum left undone was reported good without summing. */
    static final int PARTIAL_REPORTED = 1 << 16;
    /** A checksum left undone was computed and inserted into the received copy. */
    static final int PARTIAL_INSERTED = 1 << 17;
    /** A frame flagged partial that is no IPv4 TCP or UDP datagram the device can place a checksum in. */
    static final int PARTIAL_UNRESOLVED = 1 << 18;
    /** A frame its source had verified, reported good without summing. */
    static final int SOURCE_VERIFIED_REPORTED = 1 << 19;

    private ReceiveChecksumOffload()
    {
    }

    /** Checks the frame of {@code length} bytes at native {@code address}; returns status | errors << 8. */
    static int check(final long address, final int length, final int rxcsum)
    {
        if ((rxcsum & (RXCSUM_IPOFL | RXCSUM_TUOFL)) == 0)
        {
            return RxDescriptor.STATUS_IXSM;
        }
        final int ipOffset = ipv4Offset(address, length);
        if (ipOffset < 0)
        {
            return 0;
        }
        final long ip = address + ipOffset;
        final int headerLength = (RawMemory.getByte(null, ip) & 0x0F) * 4;
        final int totalLength = RawMemory.getShortBigEndian(null, ip + 2) & 0xFFFF;
        if (headerLength < 20 || totalLength < headerLength || totalLength > length - ipOffset)
        {
            return 0; // not a datagram the device can check: software decides
        }
        int result = 0;
        if ((rxcsum & RXCSUM_IPOFL) != 0)
        {
            result |= RxDescriptor.STATUS_IPCS;
            if (OnesComplementSum.sum(null, ip, headerLength) != 0xFFFF)
            {
                return result | RxDescriptor.ERROR_IPE << 8;
            }
        }
        final int protocol = RawMemory.getByte(null, ip + 9) & 0xFF;
        final int fragment = RawMemory.getShortBigEndian(null, ip + 6) & 0x3FFF; // MF and the offset
        if ((rxcsum & RXCSUM_TUOFL) == 0 || fragment != 0 || (protocol != TCP && protocol != UDP))
        {
            return result;
        }
        final long transport = ip + headerLength;
        final int transportLength = totalLength - headerLength;
        if (protocol == UDP && (transportLength < 8 || RawMemory.getShortBigEndian(null, transport + 6) == 0))
        {
            return result;
        }
        if (protocol == TCP && transportLength < 20)
        {
            return result;
        }
        result |= RxDescriptor.STATUS_TCPCS;
        final long pseudo = (RawMemory.getIntBigEndian(null, ip + 12) & 0xFFFF_FFFFL) +
            (RawMemory.getIntBigEndian(null, ip + 16) & 0xFFFF_FFFFL) + protocol + transportLength;
        final long sum = pseudo + OnesComplementSum.sum(null, transport, transportLength);
        if (OnesComplementSum.fold(sum) != 0xFFFF)
        {
            result |= RxDescriptor.ERROR_TCPE << 8;
        }
        return result;
    }

    /**
     * A frame whose transport checksum its sender left to the device, received from a wire that cannot alter it
     * (frames copied from one emulated device's memory to another's, as Linux's veth passes CHECKSUM_PARTIAL
     * packets on as CHECKSUM_UNNECESSARY): with TUOFL the transport checksum is reported good without summing;
     * without it the device inserts the checksum into the received copy, so software finds a whole frame.
     */
    static int checkPartial(
        final long address, final int length, final int rxcsum, final int checksumStart, final int checksumOffset)
    {
        if ((rxcsum & RXCSUM_TUOFL) == 0)
        {
            OnesComplementSum.insert(null, address, length, checksumStart, checksumOffset);
            return check(address, length, rxcsum) | PARTIAL_INSERTED;
        }
        return RxDescriptor.STATUS_TCPCS | ipHeaderCheck(address, length, rxcsum) | PARTIAL_REPORTED;
    }

    /**
     * A frame its source flagged ({@code FrameSource.frameFlags()}): {@code CHECKSUM_PARTIAL}, a packet of the host
     * the source runs on whose transport checksum was left to offload and never computed (a packet socket's
     * TP_STATUS_CSUMNOTREADY), or {@code CHECKSUM_VERIFIED}, one whose checksum was verified already
     * (TP_STATUS_CSUM_VALID). Unlike {@link #checkPartial} nobody says where the checksum goes, so the device finds
     * it as Linux's skb_checksum_help would have it: an IPv4 datagram that is not a fragment (after one optional
     * 802.1Q tag), TCP's checksum 16 bytes into its header and UDP's 6 (RFC 793 §3.1, RFC 768), summed from the
     * transport header to the datagram's end.
     * <p>
     * Partial: with TUOFL the checksum is reported good (TCPCS) without summing, as Linux takes a packet that
     * never left the host; without it the checksum is inserted into the received copy (a UDP checksum that comes
     * out 0 is written as all ones: RFC 768, 0 means "no checksum"), so software finds a whole frame. Verified: with
     * TUOFL reported good without summing, without it left to software like any frame. A flagged frame that is not
     * such a datagram is checked as it is (and a partial one then fails in software, counted there).
     */
    static int checkFlagged(final long address, final int length, final int rxcsum, final int flags)
    {
        final boolean partial = (flags & FrameSource.CHECKSUM_PARTIAL) != 0;
        final int ipOffset = ipv4Offset(address, length);
        if (ipOffset < 0)
        {
            return check(address, length, rxcsum) | (partial ? PARTIAL_UNRESOLVED : 0);
        }
        final long ip = address + ipOffset;
        final int headerLength = (RawMemory.getByte(null, ip) & 0x0F) * 4;
        final int totalLength = RawMemory.getShortBigEndian(null, ip + 2) & 0xFFFF;
        final int protocol = RawMemory.getByte(null, ip + 9) & 0xFF;
        final int fragment = RawMemory.getShortBigEndian(null, ip + 6) & 0x3FFF; // MF and the offset
        final int transportLength = totalLength - headerLength;
        if (headerLength < 20 || totalLength > length - ipOffset || fragment != 0 ||
            !(protocol == TCP && transportLength >= 20 || protocol == UDP && transportLength >= 8))
        {
            return check(address, length, rxcsum) | (partial ? PARTIAL_UNRESOLVED : 0);
        }
        final long transport = ip + headerLength;
        if ((rxcsum & RXCSUM_TUOFL) != 0)
        {
            if (!partial && protocol == UDP && RawMemory.getShortBigEndian(null, transport + 6) == 0)
            {
                return ipHeaderCheck(address, length, rxcsum); // no UDP checksum to vouch for (RFC 768)
            }
            return RxDescriptor.STATUS_TCPCS | ipHeaderCheck(address, length, rxcsum) |
                (partial ? PARTIAL_REPORTED : SOURCE_VERIFIED_REPORTED);
        }
        if (!partial)
        {
            return check(address, length, rxcsum);
        }
        final int checksum = ~OnesComplementSum.sum(null, transport, transportLength) & 0xFFFF;
        final long field = transport + (protocol == TCP ? TCP_CHECKSUM_OFFSET : UDP_CHECKSUM_OFFSET);
        RawMemory.putShortBigEndian(null, field, (short)(checksum == 0 && protocol == UDP ? 0xFFFF : checksum));
        return check(address, length, rxcsum) | PARTIAL_INSERTED;
    }

    /** IPOFL: IPCS, with IPE if the IPv4 header's checksum fails; 0 without IPOFL or an IPv4 header to check. */
    private static int ipHeaderCheck(final long address, final int length, final int rxcsum)
    {
        final int ipOffset = ipv4Offset(address, length);
        if ((rxcsum & RXCSUM_IPOFL) == 0 || ipOffset < 0)
        {
            return 0;
        }
        final long ip = address + ipOffset;
        final int headerLength = (RawMemory.getByte(null, ip) & 0x0F) * 4;
        if (headerLength < 20 || headerLength > length - ipOffset)
        {
            return 0;
        }
        if (OnesComplementSum.sum(null, ip, headerLength) != 0xFFFF)
        {
            return RxDescriptor.STATUS_IPCS | RxDescriptor.ERROR_IPE << 8;
        }
        return RxDescriptor.STATUS_IPCS;
    }

    /** Where the IPv4 header starts (after one optional 802.1Q tag), or -1 if the frame carries none. */
    private static int ipv4Offset(final long address, final int length)
    {
        if (length < 34)
        {
            return -1;
        }
        int type = RawMemory.getShortBigEndian(null, address + 12) & 0xFFFF;
        int offset = 14;
        if (type == ETHERTYPE_VLAN)
        {
            type = RawMemory.getShortBigEndian(null, address + 16) & 0xFFFF;
            offset = 18;
        }
        if (type != ETHERTYPE_IPV4 || length < offset + 20 || (RawMemory.getByte(null, address + offset) & 0xF0) != 0x40)
        {
            return -1;
        }
        return offset;
    }
}
