package io.ringstack.tcp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A {@link TcpHandler} that reads everything (through slices) and records each callback (tests only). */
class Collector implements TcpHandler
{
    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    final TcpSlice slice = new TcpSlice();
    TcpConnection connection;
    TcpCloseReason reset;
    boolean connected;
    boolean peerClosed;
    boolean closed;
    /** When false, data stays queued in the connection (a slow reader). */
    boolean reading = true;

    @Override
    public void onConnected(final TcpConnection c)
    {
        connection = c;
        connected = true;
        events.add("connected");
    }

    @Override
    public void onData(final TcpConnection c)
    {
        connection = c;
        events.add("data");
        if (reading)
        {
            drain(c);
        }
    }

    void drain(final TcpConnection c)
    {
        while (c.read(slice))
        {
            final byte[] bytes = new byte[slice.length()];
            slice.buffer().getBytes(slice.offset(), bytes);
            data.writeBytes(bytes);
            slice.release();
        }
    }

    @Override
    public void onWritable(final TcpConnection c)
    {
        events.add("writable");
    }

    @Override
    public void onPeerClosed(final TcpConnection c)
    {
        peerClosed = true;
        events.add("peer-closed");
    }

    @Override
    public void onClosed(final TcpConnection c)
    {
        closed = true;
        events.add("closed");
    }

    @Override
    public void onReset(final TcpConnection c, final TcpCloseReason reason)
    {
        reset = reason;
        events.add("reset:" + reason);
    }

    byte[] bytes()
    {
        return data.toByteArray();
    }
}
