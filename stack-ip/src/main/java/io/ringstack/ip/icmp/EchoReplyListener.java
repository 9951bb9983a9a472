package io.ringstack.ip.icmp;

import org.agrona.DirectBuffer;

/** Told, on the stack thread, of each ICMP echo reply received (RFC 792), with its data valid during the call. */
@FunctionalInterface
public interface EchoReplyListener
{
    void onEchoReply(int source, int identifier, int sequence, DirectBuffer data, int offset, int length, long nowNanos);
}
