package io.ringstack.ip.fragment;

import org.agrona.DirectBuffer;

/**
 * Told by {@link Ipv4Reassembler#poll} about a datagram whose reassembly timed out after its first fragment
 * (offset 0) had arrived, so that the stack can send ICMP Time Exceeded, code 1 "fragment reassembly time
 * exceeded" (RFC 792; RFC 1122 §3.3.2: only if fragment zero has been received).
 */
@FunctionalInterface
public interface ReassemblyTimeoutListener
{
    /**
     * @param buffer   holds the first fragment as received: its IP header followed by its payload (at least the
     *                 8 bytes an ICMP error quotes, RFC 792). Valid only during the call: the reassembly buffer is
     *                 released when it returns; copy what the ICMP message needs.
     * @param ipOffset where the IP header starts in {@code buffer}
     * @param ipLength the first fragment's total length (header plus its payload)
     */
    void onReassemblyTimeout(DirectBuffer buffer, int ipOffset, int ipLength);
}
