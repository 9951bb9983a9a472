package io.ringstack.ip.udp;

import org.agrona.DirectBuffer;

/**
 * Called on the stack thread for each datagram taken by {@link UdpSocket#receive(UdpDatagramHandler, int)}. The
 * payload at {@code buffer[offset, offset + length)} is valid only during the call: the buffer is released after
 * it returns.
 */
@FunctionalInterface
public interface UdpDatagramHandler
{
    void onDatagram(
        UdpSocket socket, DirectBuffer buffer, int offset, int length, int sourceAddress, int sourcePort);
}
