package io.ringstack.socket;

import io.ringstack.ip.udp.UdpDatagram;
import io.ringstack.ip.udp.UdpSendBuffer;
import io.ringstack.ip.wire.Ipv4Address;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP socket for any thread, in the manner of {@link java.net.DatagramSocket}: {@link #receive} and
 * {@link #send} with {@link DatagramPacket}s. Datagrams cross to and from the stack thread as records in bounded
 * rings (8-byte header: address, port, length); when the receive ring is full, datagrams wait in the stack's
 * socket queue and beyond that are dropped and counted there, as UDP does. One receiving and one sending thread
 * at a time.
 */
public final class UdpSocket extends StackWork implements AutoCloseable, StackClosedListener
{
    private static final int HEADER = 8;
    private static final int WRAP = 0xFFFF_FFFF; // a record header saying "the rest of the buffer is unused"

    private final NetStack owner;
    private final ByteRing inbound;
    private final ByteRing outbound;
    private final UdpDatagram datagram = new UdpDatagram();
    private final UdpSendBuffer sendBuffer = new UdpSendBuffer();
    private volatile io.ringstack.ip.udp.UdpSocket socket;
    private volatile Thread reader;
    private volatile Thread writer;
    private volatile boolean closed;
    private volatile long timeoutNanos;
    private volatile long sendFailures;
    private volatile long receiveDrops;

    UdpSocket(final NetStack owner, final int ringBytes)
    {
        this.owner = owner;
        this.inbound = new ByteRing(ringBytes);
        this.outbound = new ByteRing(ringBytes);
    }

    void bind(final io.ringstack.ip.udp.UdpSocket stackSocket)
    {
        socket = stackSocket;
        stackSocket.readableListener(s -> service());
    }

    public int localPort()
    {
        return socket.localPort();
    }

    /** How long {@link #receive} waits; 0 for ever. */
    public void setReceiveTimeout(final long timeout, final TimeUnit unit)
    {
        timeoutNanos = unit.toNanos(timeout);
    }

    /** Datagrams the stack could not send (no route, unresolved, no buffer): counted, as UDP loses them. */
    public long sendFailures()
    {
        return sendFailures;
    }

    /** Datagrams dropped because this socket's receive ring was full (the application read too slowly). */
    public long receiveDrops()
    {
        return receiveDrops;
    }

    /** Waits for a datagram; its data goes into the packet's buffer (cut to its length, like DatagramSocket). */
    public void receive(final DatagramPacket packet) throws IOException
    {
        final long timeout = timeoutNanos;
        final long deadline = System.nanoTime() + timeout;
        while (true)
        {
            if (closed)
            {
                throw new SocketException("the UDP socket is closed");
            }
            if (owner.isClosed())
            {
                throw new SocketException("UDP port " + localPort() + ": its NetStack " + owner.name() + " is closed");
            }
            if (inbound.readable() > 0)
            {
                int at = inbound.readOffset();
                if (inbound.buffer().getInt(at) == WRAP)
                {
                    inbound.consumed(inbound.capacity() - at);
                    continue;
                }
                final int address = inbound.buffer().getInt(at);
                final int port = inbound.buffer().getShort(at + 4) & 0xFFFF;
                final int length = inbound.buffer().getShort(at + 6) & 0xFFFF;
                final int copied = Math.min(length, packet.getData().length - packet.getOffset());
                inbound.buffer().getBytes(at + HEADER, packet.getData(), packet.getOffset(), copied);
                inbound.consumed(HEADER + align(length));
                packet.setLength(copied);
                packet.setSocketAddress(new InetSocketAddress(toInet(address), port));
                owner.schedule(this);
                return;
            }
            reader = Thread.currentThread();
            if (inbound.readable() == 0 && !closed && !owner.isClosed())
            {
                if (timeout == 0)
                {
                    LockSupport.park(this);
                }
                else
                {
                    final long left = deadline - System.nanoTime();
                    if (left <= 0)
                    {
                        reader = null;
                        throw new SocketTimeoutException("Receive timed out after " +
                            TimeUnit.NANOSECONDS.toMillis(timeout) + " ms on UDP port " + localPort());
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
            reader = null;
        }
    }

    /** Queues a datagram to the packet's address; blocks while the send ring is full. */
    public void send(final DatagramPacket packet) throws IOException
    {
        if (!(packet.getAddress() instanceof Inet4Address address))
        {
            throw new IllegalArgumentException("ringstack speaks IPv4: " + packet.getAddress() + " is not an IPv4 address");
        }
        final int length = packet.getLength();
        if (length > 65507)
        {
            throw new IllegalArgumentException("a UDP datagram over IPv4 holds at most 65,507 bytes, not " + length);
        }
        final int record = HEADER + align(length);
        if (record > outbound.capacity() / 2)
        {
            throw new IllegalArgumentException("datagram of " + length + " B is larger than half this socket's ring");
        }
        while (true)
        {
            if (closed)
            {
                throw new SocketException("the UDP socket is closed");
            }
            if (owner.isClosed())
            {
                throw new SocketException("UDP port " + localPort() + ": its NetStack " + owner.name() + " is closed");
            }
            final int toEnd = outbound.capacity() - outbound.writeOffset();
            if (toEnd < record && outbound.writable() >= toEnd)
            {
                outbound.buffer().putInt(outbound.writeOffset(), WRAP);
                outbound.produced(toEnd);
                continue;
            }
            if (outbound.writable() >= record && toEnd >= record)
            {
                final int at = outbound.writeOffset();
                outbound.buffer().putInt(at, ipv4(address));
                outbound.buffer().putShort(at + 4, (short)packet.getPort());
                outbound.buffer().putShort(at + 6, (short)length);
                outbound.buffer().putBytes(at + HEADER, packet.getData(), packet.getOffset(), length);
                outbound.produced(record);
                owner.schedule(this);
                return;
            }
            owner.schedule(this);
            writer = Thread.currentThread();
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
            writer = null;
        }
    }

    // ---------------------------------------------------------------- stack thread

    @Override
    int service()
    {
        final io.ringstack.ip.udp.UdpSocket s = socket;
        if (s == null || !s.isOpen())
        {
            return 0;
        }
        int work = 0;
        while (s.queued() > 0)
        {
            if (!s.receive(datagram))
            {
                break;
            }
            final int record = HEADER + align(datagram.length());
            final int toEnd = inbound.capacity() - inbound.writeOffset();
            if (toEnd < record && inbound.writable() >= toEnd)
            {
                inbound.buffer().putInt(inbound.writeOffset(), WRAP);
                inbound.produced(toEnd);
            }
            if (inbound.writable() < record || inbound.capacity() - inbound.writeOffset() < record)
            {
                // no room: this one is dropped (it was taken off the stack's queue), counted, as UDP loses it
                datagram.release();
                receiveDrops++;
                break;
            }
            final int at = inbound.writeOffset();
            inbound.buffer().putInt(at, datagram.sourceAddress());
            inbound.buffer().putShort(at + 4, (short)datagram.sourcePort());
            inbound.buffer().putShort(at + 6, (short)datagram.length());
            inbound.buffer().putBytes(at + HEADER, datagram.buffer(), datagram.offset(), datagram.length());
            datagram.release();
            inbound.produced(record);
            work++;
        }
        if (work > 0)
        {
            unpark(reader);
        }
        int sent = 0;
        while (outbound.readable() > 0)
        {
            final int at = outbound.readOffset();
            if (outbound.buffer().getInt(at) == WRAP)
            {
                outbound.consumed(outbound.capacity() - at);
                continue;
            }
            final int address = outbound.buffer().getInt(at);
            final int port = outbound.buffer().getShort(at + 4) & 0xFFFF;
            final int length = outbound.buffer().getShort(at + 6) & 0xFFFF;
            if (s.claim(length, sendBuffer))
            {
                sendBuffer.buffer().putBytes(sendBuffer.offset(), outbound.buffer(), at + HEADER, length);
                if (!s.send(sendBuffer, length, address, port))
                {
                    sendFailures++;
                }
            }
            else
            {
                sendFailures++;
            }
            outbound.consumed(HEADER + align(length));
            sent++;
        }
        if (sent > 0)
        {
            unpark(writer);
        }
        return work + sent;
    }

    private static void unpark(final Thread thread)
    {
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    private static int align(final int length)
    {
        return (length + 7) & ~7;
    }

    private static int ipv4(final Inet4Address address)
    {
        final byte[] b = address.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    private static InetAddress toInet(final int address)
    {
        try
        {
            return InetAddress.getByAddress(new byte[] {(byte)(address >>> 24), (byte)(address >>> 16),
                (byte)(address >>> 8), (byte)address});
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalStateException(Ipv4Address.toString(address), ex);
        }
    }

    /** Closes the port; a thread blocked in receive or send fails. Harmless after the host closed. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            owner.closed(this);
            try
            {
                owner.execute(() ->
                {
                    if (socket != null)
                    {
                        socket.close();
                    }
                });
            }
            catch (final IllegalStateException hostClosed)
            {
                // the host closed first: its UDP sockets are gone with it
            }
            unpark(reader);
            unpark(writer);
        }
    }

    @Override
    public void stackClosed()
    {
        unpark(reader);
        unpark(writer);
    }
}
