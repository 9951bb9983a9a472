package io.ringstack.ip.udp;

/** Told, on the stack thread, that a socket's receive queue went from empty to non-empty. */
@FunctionalInterface
public interface UdpReadableListener
{
    void onReadable(UdpSocket socket);
}
