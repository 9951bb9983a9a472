package io.ringstack.testsupport.script;

import java.util.Arrays;
import java.util.List;

/**
 * A TCP segment in an IPv4 packet in an Ethernet frame, with every field as it is on the wire (absolute sequence
 * numbers): what the runner builds for an injected line, and what it reads from a frame the stack sent.
 *
 * @param sourceMac            Ethernet source
 * @param destinationMac       Ethernet destination
 * @param sourceAddress        IPv4 source, network order
 * @param destinationAddress   IPv4 destination, network order
 * @param identification       IPv4 Identification (RFC 791 §3.1)
 * @param timeToLive           IPv4 Time to Live
 * @param dontFragment         IPv4 DF flag
 * @param sourcePort           TCP Source Port
 * @param destinationPort      TCP Destination Port
 * @param sequenceNumber       TCP Sequence Number, 0..2^32-1
 * @param acknowledgmentNumber TCP Acknowledgment Number, 0..2^32-1
 * @param flags                control bits, {@link TcpFlags}
 * @param window               TCP Window as sent (unscaled)
 * @param urgentPointer        TCP Urgent Pointer
 * @param options              TCP options in header order
 * @param payload              the data
 * @param ipChecksumValid      whether the IPv4 header checksum is (or is to be written) right
 * @param tcpChecksumValid     whether the TCP checksum is (or is to be written) right
 */
public record TcpSegment(long sourceMac, long destinationMac, int sourceAddress, int destinationAddress,
    int identification, int timeToLive, boolean dontFragment, int sourcePort, int destinationPort,
    long sequenceNumber, long acknowledgmentNumber, int flags, int window, int urgentPointer,
    List<TcpOption> options, byte[] payload, boolean ipChecksumValid, boolean tcpChecksumValid)
{
    public TcpSegment
    {
        options = List.copyOf(options);
        payload = payload.clone();
    }

    @Override
    public byte[] payload()
    {
        return payload.clone();
    }

    public int payloadLength()
    {
        return payload.length;
    }

    /** Sequence space the segment occupies: the payload plus one each for SYN and FIN (RFC 9293 §3.4). */
    public long sequenceLength()
    {
        return payload.length + (has(TcpFlags.SYN) ? 1 : 0) + (has(TcpFlags.FIN) ? 1 : 0);
    }

    public boolean has(final int flag)
    {
        return TcpFlags.has(flags, flag);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof TcpSegment that && sourceMac == that.sourceMac &&
            destinationMac == that.destinationMac && sourceAddress == that.sourceAddress &&
            destinationAddress == that.destinationAddress && identification == that.identification &&
            timeToLive == that.timeToLive && dontFragment == that.dontFragment && sourcePort == that.sourcePort &&
            destinationPort == that.destinationPort && sequenceNumber == that.sequenceNumber &&
            acknowledgmentNumber == that.acknowledgmentNumber && flags == that.flags && window == that.window &&
            urgentPointer == that.urgentPointer && options.equals(that.options) &&
            Arrays.equals(payload, that.payload) && ipChecksumValid == that.ipChecksumValid &&
            tcpChecksumValid == that.tcpChecksumValid;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(sequenceNumber) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString()
    {
        return Addresses.ipv4(sourceAddress) + ":" + sourcePort + " > " + Addresses.ipv4(destinationAddress) + ":" +
            destinationPort + " " + TcpFlags.text(flags) + " seq " + sequenceNumber + " ack " + acknowledgmentNumber +
            " win " + window + " " + options + " len " + payload.length +
            (ipChecksumValid ? "" : " bad-ip-checksum") + (tcpChecksumValid ? "" : " bad-checksum");
    }
}
