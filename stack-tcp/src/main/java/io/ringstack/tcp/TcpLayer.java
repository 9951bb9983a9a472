package io.ringstack.tcp;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ip.Ipv4Output;
import io.ringstack.ip.Ipv4ProtocolHandler;
import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.ip.wire.TcpHeaderDrop;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.tcp.wire.SequenceNumber;
import io.ringstack.tcp.wire.TcpDrop;
import io.ringstack.tcp.wire.TcpOptions;
import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.NanoClock;

import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * TCP over one IPv4 interface: demultiplexes segments to connections by their 4-tuple (a primitive-keyed table,
 * nothing allocated per lookup) or to listeners by port, answers segments for closed ports with resets
 * (RFC 9293 §3.10.7.1), and runs every connection's timers on one {@link DeadlineTimerWheel} polled from the
 * stack's duty cycle. Registered with {@link Ipv4Stack#registerProtocol} as protocol 6 by {@link #install}.
 * <p>
 * One thread (the stack's) uses a layer and its connections. Receive processing allocates nothing and never
 * throws on bad input: each dropped segment is counted by {@link TcpDrop} reason.
 * <p>
 * Hardening (issue 7): ISNs per RFC 6528 ({@link Rfc6528InitialSequenceNumbers}) and SYN cookies
 * ({@link SynCookieHandshake}) keyed with one 128-bit SipHash key drawn from a {@link SecureRandom} at start;
 * challenge ACKs throttled per layer ({@link ChallengeAckLimiter}); limits on connections, SYN queues, the
 * out-of-order queues' share of the pool ({@link BufferBudget}) and each connection's buffers, each counted when
 * hit.
 */
public final class TcpLayer implements Ipv4ProtocolHandler, DeadlineTimerWheel.TimerHandler, AutoCloseable
{
    /** RFC 6335 §6: the dynamic (ephemeral) port range. */
    public static final int EPHEMERAL_FIRST = 49152;
    public static final int EPHEMERAL_LAST = 65535;

    static final long NO_TIMER = -1;
    /** 2^20 ns (about 1 ms): the wheel's tick. Timers fire exactly when polled at or after their deadline. */
    private static final long TICK_NANOS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;

    private final Ipv4Output output;
    private final TcpConfig config;
    private final NanoClock clock;
    private final PacketBufferPool pool;
    private final int localAddress;
    private final Long2ObjectHashMap<TcpConnection> connections = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<TcpListener> listeners = new Int2ObjectHashMap<>();
    private final DeadlineTimerWheel wheel;
    private final Long2ObjectHashMap<TcpConnection> timerOwners = new Long2ObjectHashMap<>();
    private final TcpHeader segment = new TcpHeader();
    private final TcpOptions options = new TcpOptions();
    private final ReasonCounters<TcpDrop> drops = new ReasonCounters<>(TcpDrop.class);
    private final ReasonCounters<TcpEvent> events = new ReasonCounters<>(TcpEvent.class);
    private final List<TcpConnection> lingering = new ArrayList<>();
    private final SynCookieHandshake synCookies;
    private final ChallengeAckLimiter challengeAcks;
    private final BufferBudget outOfOrderBuffers;
    private InitialSequenceNumbers initialSequenceNumbers;
    private TcpConnection[] expired = new TcpConnection[64];
    private int expiredCount;
    private TcpConnection[] pending = new TcpConnection[64];
    private TcpConnection[] pendingSwap = new TcpConnection[64];
    private int pendingCount;
    private int nextEphemeral;
    private long now;
    private boolean closed;
    private RuntimeException lastHandlerException;

    /**
     * @param output the IPv4 interface to send through (an {@link Ipv4Stack})
     * @param config TCP settings
     * @param clock  the stack's clock (virtual in tests), read for calls the application makes
     */
    public TcpLayer(final Ipv4Output output, final TcpConfig config, final NanoClock clock)
    {
        this.output = output;
        this.config = config;
        this.clock = clock;
        this.pool = output.transmitPool();
        this.localAddress = output.localAddress();
        this.now = clock.nanoTime();
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, now, TICK_NANOS, TICKS_PER_WHEEL);
        // RFC 6528 §3 and RFC 4987 §3.6: one secret key for ISNs and SYN cookies, from a CSPRNG
        final SecureRandom secure = new SecureRandom();
        final long k0 = secure.nextLong();
        final long k1 = secure.nextLong();
        final SplittableRandom random = new SplittableRandom(secure.nextLong());
        this.initialSequenceNumbers = new Rfc6528InitialSequenceNumbers(k0, k1);
        this.synCookies = new SynCookieHandshake(this, k0, k1);
        this.challengeAcks =
            new ChallengeAckLimiter(config.challengeAckLimit(), config.challengeAckIntervalNanos(), random.split());
        this.outOfOrderBuffers =
            new BufferBudget(Math.max(1, (int)((long)pool.capacity() * config.outOfOrderPoolPercent() / 100)));
        this.nextEphemeral = EPHEMERAL_FIRST + random.nextInt(EPHEMERAL_LAST - EPHEMERAL_FIRST + 1);
        final int minimum = output.headroom(pool) + Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.MAX_HEADER_LENGTH + 64;
        if (pool.bufferSize() < minimum)
        {
            throw new IllegalArgumentException("TX buffers of " + pool.bufferSize() + " B are too small for TCP: " +
                "use at least " + minimum + " B");
        }
    }

    /** A TCP layer for {@code stack}, registered as its protocol 6 (its timers run in the stack's duty cycle). */
    public static TcpLayer install(final Ipv4Stack stack, final TcpConfig config, final NanoClock clock)
    {
        final TcpLayer layer = new TcpLayer(stack, config, clock);
        stack.registerProtocol(IpProtocol.TCP, layer);
        return layer;
    }

    /**
     * Replaces the ISN generator (RFC 9293 §3.4.1; the default is {@link Rfc6528InitialSequenceNumbers} under the
     * layer's secret key). SYN cookies do not use it: their ISN is the cookie.
     */
    public void initialSequenceNumbers(final InitialSequenceNumbers generator)
    {
        this.initialSequenceNumbers = generator;
    }

    // ================================================================ application calls

    /**
     * Passive OPEN on {@code port}: connections that complete the handshake wait in an accept queue of at most
     * {@code backlog}, announced to {@code handler}.
     *
     * @throws IllegalStateException if the port already listens.
     */
    public TcpListener listen(final int port, final int backlog, final TcpListenHandler handler)
    {
        checkOpen();
        if (port < 1 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("TCP port " + port + " is not 1..65535");
        }
        if (backlog < 1)
        {
            throw new IllegalArgumentException("backlog " + backlog + " must be at least 1");
        }
        if (handler == null)
        {
            throw new IllegalArgumentException("listen needs a TcpListenHandler to announce connections");
        }
        if (listeners.containsKey(port))
        {
            throw new IllegalStateException("TCP port " + port + " already listens: close that listener first");
        }
        final TcpListener listener = new TcpListener(this, port, backlog, config.synBacklog(), handler);
        listeners.put(port, listener);
        return listener;
    }

    /** Active OPEN from an ephemeral port to {@code remoteAddress:remotePort}; {@code handler} hears the outcome. */
    public TcpConnection connect(final int remoteAddress, final int remotePort, final TcpHandler handler)
    {
        checkOpen();
        checkRemote(remoteAddress, remotePort);
        for (int tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++)
        {
            final int candidate = nextEphemeral;
            nextEphemeral = candidate == EPHEMERAL_LAST ? EPHEMERAL_FIRST : candidate + 1;
            if (!listeners.containsKey(candidate) &&
                !connections.containsKey(key(remoteAddress, remotePort, candidate)))
            {
                return connect(candidate, remoteAddress, remotePort, handler);
            }
        }
        throw new IllegalStateException("every ephemeral port (49152..65535) is in use towards " +
            Ipv4Address.toString(remoteAddress) + ":" + remotePort + ": close some connections");
    }

    /** Active OPEN from a chosen local port (e.g. for a simultaneous open). */
    public TcpConnection connect(
        final int localPort, final int remoteAddress, final int remotePort, final TcpHandler handler)
    {
        checkOpen();
        checkRemote(remoteAddress, remotePort);
        if (localPort < 1 || localPort > 0xFFFF)
        {
            throw new IllegalArgumentException("local port " + localPort + " is not 1..65535");
        }
        if (handler == null)
        {
            throw new IllegalArgumentException("connect needs a TcpHandler for the connection's callbacks");
        }
        final long key = key(remoteAddress, remotePort, localPort);
        if (connections.containsKey(key))
        {
            throw new IllegalStateException("a connection " + localPort + " -> " +
                Ipv4Address.toString(remoteAddress) + ":" + remotePort + " exists (perhaps in TIME-WAIT): " +
                "use another local port");
        }
        if (connections.size() >= config.maxConnections())
        {
            events.increment(TcpEvent.CONNECT_REFUSED_LIMIT);
            throw new IllegalStateException("the TCP layer holds its limit of " + config.maxConnections() +
                " connections (TIME-WAIT included): close some, or raise TcpConfig.maxConnections");
        }
        now = clock.nanoTime();
        final TcpConnection connection =
            new TcpConnection(this, key, localAddress, localPort, remoteAddress, remotePort);
        connections.put(key, connection);
        events.increment(TcpEvent.ACTIVE_OPENS);
        connection.openActive(handler, initialSequenceNumbers.initialSequenceNumber(
            localAddress, localPort, remoteAddress, remotePort, now), now);
        return connection;
    }

    private static void checkRemote(final int remoteAddress, final int remotePort)
    {
        if (remotePort < 1 || remotePort > 0xFFFF)
        {
            throw new IllegalArgumentException("remote port " + remotePort + " is not 1..65535");
        }
        if (remoteAddress == Ipv4Address.ANY || remoteAddress == Ipv4Address.BROADCAST ||
            Ipv4Address.isMulticast(remoteAddress))
        {
            throw new IllegalArgumentException("TCP connects to a unicast address, not " +
                Ipv4Address.toString(remoteAddress));
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("this TCP layer is closed");
        }
    }

    /** The connection with this 4-tuple (our address is the interface's), or null. */
    public TcpConnection connection(final int remoteAddress, final int remotePort, final int localPort)
    {
        return connections.get(key(remoteAddress, remotePort, localPort));
    }

    public TcpListener listener(final int port)
    {
        return listeners.get(port);
    }

    /** Connections in the table (every state from SYN-SENT/SYN-RECEIVED to TIME-WAIT). */
    public int connectionCount()
    {
        return connections.size();
    }

    /** The 4-tuple as one long: remote address, remote port, local port (our address is fixed per layer). */
    static long key(final int remoteAddress, final int remotePort, final int localPort)
    {
        return (remoteAddress & 0xFFFF_FFFFL) << 32 | (long)(remotePort & 0xFFFF) << 16 | (localPort & 0xFFFF);
    }

    // ================================================================ receive

    @Override
    public boolean onDatagram(
        final Ipv4Header ip, final PacketBufferPool from, final int handle, final boolean broadcast,
        final long nowNanos)
    {
        now = nowNanos;
        // RFC 1122 §4.2.3.10: TCP is unicast only
        if (broadcast)
        {
            drops.increment(TcpDrop.BROADCAST);
            return false;
        }
        final TcpHeader seg = segment;
        if (!seg.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength()))
        {
            drops.increment(seg.problem() == TcpHeaderDrop.TRUNCATED ? TcpDrop.TRUNCATED : TcpDrop.BAD_DATA_OFFSET);
            return false;
        }
        final int source = ip.source();
        // RFC 9293 §3.10.7.1 / RFC 1122 §4.2.2.7: a failing checksum drops the segment (unless the NIC verified it)
        if (!from.transportChecksumVerified(handle) && !seg.checksumValid(source, ip.destination()))
        {
            drops.increment(TcpDrop.BAD_CHECKSUM);
            return false;
        }
        if (!options.parse(seg.buffer(), seg.optionsOffset(), seg.optionsLength()))
        {
            drops.increment(TcpDrop.BAD_OPTION_LENGTH);
            return false;
        }
        final int sourcePort = seg.sourcePort();
        final int destinationPort = seg.destinationPort();
        if (sourcePort == 0 || destinationPort == 0)
        {
            drops.increment(TcpDrop.BAD_PORT);
            return false;
        }
        events.increment(TcpEvent.SEGMENTS_RECEIVED);
        if (from != pool)
        {
            // a reassembled datagram lives in the stack's datagram pool: its buffer cannot join our queues
            return onSegmentCopied(ip, from, handle, source, sourcePort, destinationPort, nowNanos);
        }
        return dispatch(handle, source, sourcePort, destinationPort, nowNanos);
    }

    private boolean dispatch(
        final int handle, final int source, final int sourcePort, final int destinationPort, final long nowNanos)
    {
        final TcpHeader seg = segment;
        final TcpConnection connection = connections.get(key(source, sourcePort, destinationPort));
        int reopenAfter = 0;
        boolean reopen = false;
        if (connection != null)
        {
            final int flags = seg.flags();
            if ((flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) == TcpHeader.SYN &&
                listeners.containsKey(destinationPort) && connection.acceptsNewSyn(seg, options))
            {
                // RFC 9293 §3.6.1 / RFC 6191: a new SYN may reopen a connection in TIME-WAIT
                reopenAfter = connection.sequenceAfterTimeWait();
                reopen = true;
                events.increment(TcpEvent.TIME_WAIT_REUSED);
                connection.endTimeWait();
            }
            else
            {
                return connection.onSegment(seg, options, handle, nowNanos);
            }
        }
        final TcpListener listener = listeners.get(destinationPort);
        if (listener != null)
        {
            return listen(listener, handle, source, sourcePort, reopen, reopenAfter, nowNanos);
        }
        // RFC 9293 §3.10.7.1: CLOSED — a reset answers anything but a reset
        if (seg.isRst())
        {
            drops.increment(TcpDrop.CLOSED_PORT_RESET);
            return false;
        }
        drops.increment(TcpDrop.CLOSED_PORT);
        if (seg.isAck())
        {
            sendReset(source, destinationPort, sourcePort, seg.acknowledgmentNumber(), 0, false);
        }
        else
        {
            sendReset(source, destinationPort, sourcePort, 0, seg.sequenceNumber() + seg.sequenceLength(), true);
        }
        return false;
    }

    /** A segment that arrived in fragments: copied into a TX pool buffer so that it can be queued like any other. */
    private boolean onSegmentCopied(
        final Ipv4Header ip, final PacketBufferPool from, final int handle, final int source, final int sourcePort,
        final int destinationPort, final long nowNanos)
    {
        final int length = ip.payloadLength();
        if (length > pool.bufferSize())
        {
            drops.increment(TcpDrop.RECEIVE_BUFFERS_FULL);
            return false;
        }
        final int copy = pool.claim(BufferHolder.STACK);
        if (copy == PacketBufferPool.NO_BUFFER)
        {
            drops.increment(TcpDrop.RECEIVE_BUFFERS_FULL);
            return false;
        }
        pool.memory().putBytes(pool.offset(copy), from.memory(), ip.payloadOffset(), length);
        segment.wrap(pool.memory(), pool.offset(copy), length);
        options.parse(segment.buffer(), segment.optionsOffset(), segment.optionsLength());
        if (!dispatch(copy, source, sourcePort, destinationPort, nowNanos))
        {
            pool.release(copy);
        }
        return false;
    }

    /**
     * RFC 9293 §3.10.7.2: LISTEN.
     *
     * @return true if a connection made from a SYN cookie kept {@code handle} (the ACK carried data).
     */
    private boolean listen(
        final TcpListener listener, final int handle, final int source, final int sourcePort, final boolean reopen,
        final int reopenAfter, final long nowNanos)
    {
        final TcpHeader seg = segment;
        final int flags = seg.flags();
        // first check for an RST: ignore it
        if ((flags & TcpHeader.RST) != 0)
        {
            drops.increment(TcpDrop.LISTEN_RESET);
            return false;
        }
        // second check for an ACK: <SEQ=SEG.ACK><CTL=RST>, unless it returns one of our SYN cookies
        if ((flags & TcpHeader.ACK) != 0)
        {
            if ((flags & TcpHeader.SYN) == 0 && listener.synCookiesRecent(nowNanos))
            {
                return openFromSynCookie(listener, handle, source, sourcePort, nowNanos);
            }
            drops.increment(TcpDrop.LISTEN_ACK);
            sendReset(source, listener.port(), sourcePort, seg.acknowledgmentNumber(), 0, false);
            return false;
        }
        // third check for a SYN
        if ((flags & TcpHeader.SYN) == 0)
        {
            drops.increment(TcpDrop.LISTEN_NO_SYN);
            return false;
        }
        if (listener.acceptQueueFull())
        {
            drops.increment(TcpDrop.SYN_QUEUE_FULL); // nobody takes connections: not even a cookie helps (as Linux)
            return false;
        }
        if (connections.size() >= config.maxConnections())
        {
            drops.increment(TcpDrop.CONNECTION_LIMIT);
            return false;
        }
        if (seg.payloadLength() > 0)
        {
            drops.increment(TcpDrop.SYN_DATA_IGNORED); // not acknowledged: the peer sends it again
        }
        if (listener.synQueueFull())
        {
            // RFC 4987 §3.6: answer without keeping state
            if (config.synCookies())
            {
                if (synCookies.answer(seg, options, source, listener.port(), nowNanos))
                {
                    events.increment(TcpEvent.SYN_COOKIES_SENT);
                    listener.onSynCookieSent(nowNanos);
                }
            }
            else
            {
                drops.increment(TcpDrop.SYN_QUEUE_FULL);
            }
            return false;
        }
        final int port = listener.port();
        final long key = key(source, sourcePort, port);
        int iss = initialSequenceNumbers.initialSequenceNumber(localAddress, port, source, sourcePort, nowNanos);
        if (reopen && SequenceNumber.lessThan(iss, reopenAfter))
        {
            iss = reopenAfter; // RFC 1122 §4.2.2.13 (a)
        }
        final TcpConnection connection = new TcpConnection(this, key, localAddress, port, source, sourcePort);
        connections.put(key, connection);
        events.increment(TcpEvent.PASSIVE_OPENS);
        connection.openPassive(listener, seg, options, iss, nowNanos);
        return false;
    }

    /**
     * RFC 4987 §3.6: an ACK in LISTEN while SYN cookies are in use. A valid cookie creates the connection in
     * ESTABLISHED and puts it in the accept queue (within its limit and the connection limit); an invalid one is
     * counted and answered with a reset like any ACK in LISTEN (RFC 9293 §3.10.7.2).
     *
     * @return true if the new connection kept {@code handle}.
     */
    private boolean openFromSynCookie(
        final TcpListener listener, final int handle, final int source, final int sourcePort, final long nowNanos)
    {
        final TcpHeader seg = segment;
        final int port = listener.port();
        if (!synCookies.validate(seg, options, source, port, nowNanos))
        {
            drops.increment(TcpDrop.SYN_COOKIE_INVALID);
            sendReset(source, port, sourcePort, seg.acknowledgmentNumber(), 0, false);
            return false;
        }
        if (listener.acceptQueueFull())
        {
            drops.increment(TcpDrop.ACCEPT_QUEUE_FULL); // the peer's next segment returns the cookie again
            return false;
        }
        if (connections.size() >= config.maxConnections())
        {
            drops.increment(TcpDrop.CONNECTION_LIMIT);
            return false;
        }
        final long key = key(source, sourcePort, port);
        final TcpConnection connection = new TcpConnection(this, key, localAddress, port, source, sourcePort);
        connections.put(key, connection);
        events.increment(TcpEvent.SYN_COOKIES_ACCEPTED);
        events.increment(TcpEvent.PASSIVE_OPENS);
        return connection.openFromCookie(listener, synCookies.synOptions(), seg, options, handle, nowNanos);
    }

    @Override
    public void onIcmpError(
        final int type, final int code, final int info, final Ipv4Header quoted, final long nowNanos)
    {
        now = nowNanos;
        events.increment(TcpEvent.ICMP_ERRORS_RECEIVED);
        // RFC 792: the quoted datagram's header and its first 8 bytes: our port, theirs, our sequence number
        final int tcpOffset = quoted.payloadOffset();
        final int localPort = quoted.buffer().getShort(tcpOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int remotePort = quoted.buffer().getShort(tcpOffset + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int sequence = quoted.buffer().getInt(tcpOffset + 4, ByteOrder.BIG_ENDIAN);
        final TcpConnection connection = connections.get(key(quoted.destination(), remotePort, localPort));
        if (connection != null)
        {
            connection.onIcmpError(type, code, sequence, nowNanos);
        }
    }

    // ================================================================ send helpers

    /** A reset from a fresh buffer: {@code <SEQ=seq><CTL=RST>}, or with {@code withAck} {@code <SEQ><ACK><RST,ACK>}. */
    void sendReset(
        final int remoteAddress, final int localPort, final int remotePort, final int seq, final int ack,
        final boolean withAck)
    {
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            events.increment(TcpEvent.SEND_NO_BUFFER);
            return;
        }
        final int tcpOffset = pool.offset(handle) + output.headroom(pool) + Ipv4Header.MIN_HEADER_LENGTH;
        TcpHeader.write(pool.memory(), tcpOffset, localPort, remotePort, seq, withAck ? ack : 0,
            TcpHeader.MIN_HEADER_LENGTH, withAck ? TcpHeader.RST | TcpHeader.ACK : TcpHeader.RST, 0);
        TcpHeader.writeChecksum(pool.memory(), tcpOffset, TcpHeader.MIN_HEADER_LENGTH, localAddress, remoteAddress);
        events.increment(TcpEvent.RESETS_SENT);
        events.increment(TcpEvent.SEGMENTS_SENT);
        if (!output.sendIpv4(pool, handle, TcpHeader.MIN_HEADER_LENGTH, IpProtocol.TCP, remoteAddress, false))
        {
            events.increment(TcpEvent.SEND_FAILED);
        }
    }

    // ================================================================ timers and deferred work

    @Override
    public int poll(final long nowNanos)
    {
        now = nowNanos;
        int work = 0;
        if (wheel.timerCount() > 0)
        {
            int ticks = 0;
            do
            {
                wheel.poll(nowNanos, this, Integer.MAX_VALUE);
            }
            while (nowNanos >= wheel.currentTickTime() && ++ticks < TICKS_PER_WHEEL);
        }
        if (nowNanos >= wheel.currentTickTime())
        {
            // idle, or more than a revolution behind (every due timer has fired): catch the wheel up
            wheel.currentTickTime(nowNanos);
        }
        for (int i = 0; i < expiredCount; i++)
        {
            final TcpConnection connection = expired[i];
            expired[i] = null;
            connection.onTimer(nowNanos);
            work++;
        }
        expiredCount = 0;
        if (pendingCount > 0)
        {
            final TcpConnection[] batch = pending;
            final int count = pendingCount;
            pending = pendingSwap;
            pendingSwap = batch;
            pendingCount = 0;
            for (int i = 0; i < count; i++)
            {
                final TcpConnection connection = batch[i];
                batch[i] = null;
                connection.onPendingWork(nowNanos);
                work++;
            }
        }
        return work;
    }

    @Override
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long nowNanos, final long timerId)
    {
        final TcpConnection connection = timerOwners.remove(timerId);
        if (connection != null && connection.wheelTimerId == timerId)
        {
            connection.wheelTimerId = NO_TIMER;
            connection.wheelDeadline = Long.MAX_VALUE;
            if (expiredCount == expired.length)
            {
                expired = Arrays.copyOf(expired, expired.length * 2);
            }
            expired[expiredCount++] = connection;
        }
        return true;
    }

    /** Puts {@code connection}'s one wheel timer at {@code deadline} (earlier than where it is). */
    void schedule(final TcpConnection connection, final long deadline)
    {
        cancelTimer(connection);
        final long id = wheel.scheduleTimer(deadline);
        timerOwners.put(id, connection);
        connection.wheelTimerId = id;
        connection.wheelDeadline = deadline;
    }

    private void cancelTimer(final TcpConnection connection)
    {
        if (connection.wheelTimerId != NO_TIMER)
        {
            wheel.cancelTimer(connection.wheelTimerId);
            timerOwners.remove(connection.wheelTimerId);
            connection.wheelTimerId = NO_TIMER;
            connection.wheelDeadline = Long.MAX_VALUE;
        }
    }

    /** Runs the connection's callbacks and output on the next poll (a deferred transmission, an accept). */
    void schedulePendingWork(final TcpConnection connection)
    {
        if (connection.pendingWork)
        {
            return;
        }
        connection.pendingWork = true;
        if (pendingCount == pending.length)
        {
            pending = Arrays.copyOf(pending, pending.length * 2);
            pendingSwap = Arrays.copyOf(pendingSwap, pending.length);
        }
        pending[pendingCount++] = connection;
    }

    /** The TCB is deleted: out of the table and off the wheel. */
    void remove(final TcpConnection connection)
    {
        if (connections.get(connection.key()) == connection)
        {
            connections.remove(connection.key());
        }
        cancelTimer(connection);
    }

    /** An orderly-closed connection whose unread data waits for the application's close(). */
    void linger(final TcpConnection connection)
    {
        lingering.add(connection);
    }

    void unlinger(final TcpConnection connection)
    {
        lingering.remove(connection);
    }

    void onListenerClosed(final TcpListener listener)
    {
        listeners.remove(listener.port());
        // connections still in SYN-RECEIVED for it are reset: nobody will accept them
        for (final TcpConnection connection : connectionsSnapshot())
        {
            if (connection.isSynReceivedFor(listener))
            {
                connection.abort();
            }
        }
    }

    private TcpConnection[] connectionsSnapshot()
    {
        return connections.values().toArray(new TcpConnection[0]);
    }

    void onHandlerException(final TcpConnection connection, final RuntimeException ex)
    {
        events.increment(TcpEvent.HANDLER_EXCEPTIONS);
        lastHandlerException = ex;
    }

    /** The last exception an application callback threw (counted in {@link TcpEvent#HANDLER_EXCEPTIONS}). */
    public RuntimeException lastHandlerException()
    {
        return lastHandlerException;
    }

    /**
     * RFC 5961 §7: whether a challenge ACK may go out now ({@link ChallengeAckLimiter}); counted either way
     * ({@link TcpEvent#CHALLENGE_ACKS}, {@link TcpEvent#CHALLENGE_ACKS_SUPPRESSED}).
     */
    boolean allowChallengeAck()
    {
        if (challengeAcks.tryAcquire(now))
        {
            events.increment(TcpEvent.CHALLENGE_ACKS);
            return true;
        }
        events.increment(TcpEvent.CHALLENGE_ACKS_SUPPRESSED);
        return false;
    }

    /** The pool buffers all connections' out-of-order queues hold, against their share of the pool. */
    BufferBudget outOfOrderBuffers()
    {
        return outOfOrderBuffers;
    }

    // ================================================================ views

    TcpConfig config()
    {
        return config;
    }

    Ipv4Output output()
    {
        return output;
    }

    /** The time of the last event the stack passed in, or the clock's for calls outside the duty cycle. */
    long now()
    {
        now = Math.max(now, output.nanoTime());
        return now;
    }

    public ReasonCounters<TcpDrop> drops()
    {
        return drops;
    }

    public ReasonCounters<TcpEvent> events()
    {
        return events;
    }

    /** Receive buffers the out-of-order queues of all connections hold now. */
    public int outOfOrderBuffersHeld()
    {
        return outOfOrderBuffers.held();
    }

    /** The most the out-of-order queues may hold together: {@link TcpConfig#outOfOrderPoolPercent()} of the pool. */
    public int outOfOrderBuffersLimit()
    {
        return outOfOrderBuffers.limit();
    }

    /** Every non-zero counter as {@code tcp.name = value} (allocates: for tools and tests). */
    public Map<String, Long> countersSnapshot()
    {
        final Map<String, Long> all = new LinkedHashMap<>();
        events.snapshot().forEach((k, v) -> all.put("tcp." + k.name(), v));
        drops.snapshot().forEach((k, v) -> all.put("tcp.drop." + k.name(), v));
        return all;
    }

    // ================================================================ close

    /** Releases every buffer every connection holds, without sending anything (the stack is going away). */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final TcpConnection connection : connectionsSnapshot())
        {
            connection.closeByLayer();
        }
        for (final TcpConnection connection : lingering.toArray(new TcpConnection[0]))
        {
            connection.closeByLayer();
        }
        lingering.clear();
        listeners.clear();
        wheel.clear();
        timerOwners.clear();
    }

    @Override
    public String toString()
    {
        return "TcpLayer[" + Ipv4Address.toString(localAddress) + ", connections=" + connections.size() +
            ", listeners=" + listeners.size() + "]";
    }
}
