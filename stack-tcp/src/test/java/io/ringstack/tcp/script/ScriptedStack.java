package io.ringstack.tcp.script;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.ManualClock;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.tcp.TcpCloseReason;
import io.ringstack.tcp.TcpConfig;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpHandler;
import io.ringstack.tcp.TcpLayer;
import io.ringstack.tcp.TcpListener;
import io.ringstack.tcp.TcpSlice;
import io.ringstack.tcp.TcpState;
import io.ringstack.testsupport.script.PayloadPattern;
import io.ringstack.testsupport.script.ScriptConfig;
import io.ringstack.testsupport.script.ScriptTarget;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ringstack's TCP as the scripted peer's target: one {@link Ipv4Stack} with a {@link TcpLayer} on an emulated
 * 82540EM whose wire is the script, on virtual time. The stack is 10.0.0.2 (port 8080), the script's peer
 * 10.0.0.1 (port 40000); ARP is settled before the script starts. Application actions the scripts call:
 * <pre>
 *   listen [PORT [BACKLOG]]   accept            connect [LOCALPORT]
 *   write N                   read [N]          close      shutdown      abort
 *   nodelay on|off            keepalive on|off
 *   expect-state STATE        expect-event connected|peer-closed|closed|reset:REASON|none
 *   expect-readable N         expect-listen-pending N
 *   expect-send-window BYTES  (SND.WND, scaled)
 *   expect-negotiated KEY=VALUE...   mss=N (effective send MSS), snd-shift=N|off, rcv-shift=N|off, ts=on|off,
 *                                    sack=on|off
 * </pre>
 * Data written is {@link PayloadPattern} continuing the stack's stream; data read is checked against the peer's.
 */
final class ScriptedStack implements ScriptTarget, AutoCloseable
{
    static final long STACK_MAC = 0x5254_0000_0A02L;
    static final long PEER_MAC = 0x5254_0000_0A01L;
    static final String STACK_IP = "10.0.0.2";
    static final String PEER_IP = "10.0.0.1";
    static final int STACK_PORT = 8080;
    static final int PEER_PORT = 40000;

    private final ManualClock clock = new ManualClock();
    private final EmulatedNic nic;
    private final Ipv4Stack stack;
    private final TcpLayer tcp;
    private final ArrayDeque<byte[]> transmitted = new ArrayDeque<>();
    private final List<String> events = new ArrayList<>();
    private final TcpSlice slice = new TcpSlice();
    private TcpListener listener;
    private TcpConnection connection;
    private long written;
    private long read;

    /** The stack's ISN unless a test asks for another: scripts that write absolute numbers rely on it. */
    static final int INITIAL_SEQUENCE_NUMBER = 0x1000_0000;

    ScriptedStack(final TcpConfig config)
    {
        this(config, INITIAL_SEQUENCE_NUMBER);
    }

    ScriptedStack(final TcpConfig config, final int initialSequenceNumber)
    {
        nic = EmulatedNic.builder("scripted", STACK_MAC).rings(64, 64).buffers(512).strict(true).build();
        nic.device().attachWire((buffer, offset, length) ->
        {
            final byte[] frame = new byte[length];
            buffer.getBytes(offset, frame);
            transmitted.add(frame);
        });
        nic.start();
        stack = new Ipv4Stack("scripted", StackConfig.of(STACK_IP + "/24"), nic.driver(), clock).start();
        tcp = TcpLayer.install(stack, config, clock);
        tcp.initialSequenceNumbers((localAddress, localPort, remoteAddress, remotePort, now) ->
            initialSequenceNumber);
        // ARP: the peer asks for us, which also teaches us its address (RFC 826 merge); our reply is discarded
        inject(arpRequestFromPeer());
        transmitted.clear();
    }

    static ScriptConfig scriptConfig()
    {
        return ScriptConfig.builder().stack(STACK_MAC, io.ringstack.ip.wire.Ipv4Address.parse(STACK_IP))
            .peer(PEER_MAC, io.ringstack.ip.wire.Ipv4Address.parse(PEER_IP)).stackPort(STACK_PORT).peerPort(PEER_PORT)
            .build();
    }

    @Override
    public long nowNanos()
    {
        return clock.nanoTime();
    }

    @Override
    public void advanceTo(final long nanos)
    {
        if (nanos > clock.nanoTime())
        {
            clock.advanceNanos(nanos - clock.nanoTime());
        }
        run();
    }

    @Override
    public void inject(final byte[] frame)
    {
        nic.device().accept(new UnsafeBuffer(frame), 0, frame.length);
        run();
    }

    private void run()
    {
        for (int i = 0; i < 100 && stack.doWork() > 0; i++)
        {
            // until quiet
        }
        stack.flush();
    }

    @Override
    public byte[] pollTransmitted()
    {
        return transmitted.poll();
    }

    @Override
    public void call(final String action, final List<String> args)
    {
        switch (action)
        {
            case "listen" -> listener = tcp.listen(args.isEmpty() ? STACK_PORT : Integer.parseInt(args.get(0)),
                args.size() > 1 ? Integer.parseInt(args.get(1)) : 16, l -> events.add("acceptable"));
            case "accept" ->
            {
                connection = listener.accept(handler);
                assertTrue(connection != null, "accept: no connection waiting; events " + events);
                events.remove("acceptable"); // the listener's announcement, answered
            }
            case "connect" -> connection = tcp.connect(args.isEmpty() ? STACK_PORT : Integer.parseInt(args.get(0)),
                io.ringstack.ip.wire.Ipv4Address.parse(PEER_IP), PEER_PORT, handler);
            case "write" ->
            {
                final int n = Integer.parseInt(args.get(0));
                final byte[] data = PayloadPattern.bytes(written, n);
                final int accepted = connection.write(new UnsafeBuffer(data), 0, n);
                assertEquals(n, accepted, "write " + n + " accepted only " + accepted);
                written += n;
            }
            case "read" ->
            {
                long got = 0;
                final long limit = args.isEmpty() ? Long.MAX_VALUE : Long.parseLong(args.get(0));
                while (got < limit && connection.read(slice))
                {
                    final byte[] bytes = new byte[slice.length()];
                    slice.buffer().getBytes(slice.offset(), bytes);
                    final int difference = PayloadPattern.firstDifference(bytes, read);
                    assertEquals(-1, difference, "data read at stream offset " + (read + Math.max(0, difference)) +
                        " is not the peer's");
                    read += bytes.length;
                    got += bytes.length;
                    slice.release();
                }
                if (!args.isEmpty())
                {
                    assertEquals(limit, got, "read " + limit);
                }
            }
            case "close" -> connection.close();
            case "shutdown" -> connection.shutdownOutput();
            case "abort" -> connection.abort();
            case "nodelay" -> connection.noDelay(args.get(0).equals("on"));
            case "keepalive" -> connection.keepalive(args.get(0).equals("on"));
            case "expect-state" -> assertEquals(TcpState.valueOf(args.get(0)), connection.state(), "state");
            case "expect-event" ->
            {
                if (args.get(0).equals("none"))
                {
                    assertTrue(events.isEmpty(), "no event expected, got " + events);
                }
                else
                {
                    assertTrue(events.remove(args.get(0)), "event " + args.get(0) + " expected, got " + events);
                }
            }
            case "expect-readable" -> assertEquals(Integer.parseInt(args.get(0)), connection.readable(), "readable");
            case "expect-cwnd" -> assertEquals(Integer.parseInt(args.get(0)), connection.congestionWindow(), "cwnd");
            case "expect-ssthresh" -> assertEquals(Integer.parseInt(args.get(0)), connection.slowStartThreshold(),
                "ssthresh");
            case "expect-listen-pending" -> assertEquals(Integer.parseInt(args.get(0)), listener.pending(), "pending");
            case "expect-send-window" -> assertEquals(Integer.parseInt(args.get(0)), connection.sendWindow(),
                "SND.WND");
            case "expect-negotiated" -> args.forEach(this::expectNegotiated);
            default -> throw new IllegalArgumentException("unknown action " + action + " " + args);
        }
        run();
    }

    private void expectNegotiated(final String pair)
    {
        final int eq = pair.indexOf('=');
        if (eq < 0)
        {
            throw new IllegalArgumentException("expect-negotiated takes KEY=VALUE, not " + pair);
        }
        final String key = pair.substring(0, eq);
        final String value = pair.substring(eq + 1);
        final String actual = switch (key)
        {
            case "mss" -> Integer.toString(connection.effectiveSendMss());
            case "snd-shift" -> connection.windowScalingOn() ? Integer.toString(connection.sendWindowShift()) : "off";
            case "rcv-shift" ->
                connection.windowScalingOn() ? Integer.toString(connection.receiveWindowShift()) : "off";
            case "ts" -> connection.timestampsOn() ? "on" : "off";
            case "sack" -> connection.sackPermitted() ? "on" : "off";
            default -> throw new IllegalArgumentException("expect-negotiated: unknown key " + key +
                " (mss, snd-shift, rcv-shift, ts, sack)");
        };
        assertEquals(value, actual, "negotiated " + key);
    }

    private final TcpHandler handler = new TcpHandler()
    {
        @Override
        public void onConnected(final TcpConnection c)
        {
            events.add("connected");
        }

        @Override
        public void onData(final TcpConnection c)
        {
            // scripts read with "read": data waits in the receive queue and closes the window until then
        }

        @Override
        public void onPeerClosed(final TcpConnection c)
        {
            events.add("peer-closed");
        }

        @Override
        public void onClosed(final TcpConnection c)
        {
            events.add("closed");
        }

        @Override
        public void onReset(final TcpConnection c, final TcpCloseReason reason)
        {
            events.add("reset:" + reason);
        }
    };

    private static byte[] arpRequestFromPeer()
    {
        final UnsafeBuffer f = new UnsafeBuffer(new byte[60]);
        for (int i = 0; i < 6; i++)
        {
            f.putByte(i, (byte)0xFF);
            f.putByte(6 + i, (byte)(PEER_MAC >>> (40 - 8 * i)));
            f.putByte(22 + i, (byte)(PEER_MAC >>> (40 - 8 * i)));
        }
        f.putShort(12, (short)0x0806, java.nio.ByteOrder.BIG_ENDIAN);
        f.putShort(14, (short)1, java.nio.ByteOrder.BIG_ENDIAN);
        f.putShort(16, (short)0x0800, java.nio.ByteOrder.BIG_ENDIAN);
        f.putByte(18, (byte)6);
        f.putByte(19, (byte)4);
        f.putShort(20, (short)1, java.nio.ByteOrder.BIG_ENDIAN);
        f.putInt(28, io.ringstack.ip.wire.Ipv4Address.parse(PEER_IP), java.nio.ByteOrder.BIG_ENDIAN);
        f.putInt(38, io.ringstack.ip.wire.Ipv4Address.parse(STACK_IP), java.nio.ByteOrder.BIG_ENDIAN);
        return f.byteArray();
    }

    /** Closes the stack (its TCP layer aborts what is open) and the NIC; fails if a buffer is still held. */
    @Override
    public void close()
    {
        stack.close();
        nic.driver().stop();
        final int leaked = nic.pool().outstanding();
        final String where = String.join("; ", nic.pool().describeOutstanding(5));
        nic.close();
        assertEquals(0, leaked, "buffers still held after the script and close: " + where);
    }
}
