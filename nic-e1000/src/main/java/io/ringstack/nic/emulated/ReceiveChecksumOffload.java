package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.RxDescriptor;
import io.ringstack.nic.memory.OnesComplementSum;
import io.ringstack.nic.memory.RawMemory;

import static io.ringstack.nic.e1000.E1000Registers.RXCSUM_IPOFL;
import static io.ringstack.nic.e1000.E1000Registers.RXCSUM_TUOFL;

/**
 * The 8254x's receive checksum offload (SDM §3.2.9, register RXCSUM): for a received IPv4 frame (untagged or with
 * one 802.1Q tag) the device checks the IPv4 header checksum (IPOFL) and, for a TCP or UDP datagram that is not a
 * fragment, the transport checksum over the pseudo-header (TUOFL), and reports them in the legacy RX descriptor:
 * status IPCS/TCPCS say a checksum was checked, errors IPE/TCPE that it failed. A UDP datagram without a checksum
 * (zero, RFC 768) has none to check. Offload off: status IXSM, "ignore checksum indication".
 * <p>
 * The result packs the descriptor's status bits in the low byte and its error bits in the next.
 */
final class ReceiveChecksumOffload
{
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int TCP = 6;
    private static final int UDP = 17;

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
            return check(address, length, rxcsum);
        }
        int result = RxDescriptor.STATUS_TCPCS;
        final int ipOffset = ipv4Offset(address, length);
        if ((rxcsum & RXCSUM_IPOFL) != 0 && ipOffset >= 0)
        {
            final long ip = address + ipOffset;
            final int headerLength = (RawMemory.getByte(null, ip) & 0x0F) * 4;
            if (headerLength >= 20 && headerLength <= length - ipOffset)
            {
                result |= RxDescriptor.STATUS_IPCS;
                if (OnesComplementSum.sum(null, ip, headerLength) != 0xFFFF)
                {
                    result |= RxDescriptor.ERROR_IPE << 8;
                }
            }
        }
        return result;
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
