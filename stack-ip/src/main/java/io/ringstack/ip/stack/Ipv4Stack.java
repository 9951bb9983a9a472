package io.ringstack.ip.stack;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ethernet.arp.ArpResolver;
import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.ip.Ipv4Output;
import io.ringstack.ip.Ipv4ProtocolHandler;
import io.ringstack.ip.fragment.FragmentSink;
import io.ringstack.ip.fragment.Ipv4Fragmenter;
import io.ringstack.ip.fragment.Ipv4Reassembler;
import io.ringstack.ip.fragment.ReassemblyTimeoutListener;
import io.ringstack.ip.icmp.EchoReplyListener;
import io.ringstack.ip.icmp.IcmpErrorRateLimiter;
import io.ringstack.ip.icmp.PathMtuTable;
import io.ringstack.ip.route.RouteTable;
import io.ringstack.ip.udp.UdpLayer;
import io.ringstack.ip.udp.UdpSocket;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.IcmpMessage;
import io.ringstack.ip.wire.InternetChecksum;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.UdpHeader;
import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.FrameReceiver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One IPv4 host interface on one NIC: the receive dispatch Ethernet → ARP | IPv4 → ICMP | UDP | (registered
 * protocols), the send path IPv4 → route → ARP → Ethernet → driver, reassembly and fragmentation, ICMP echo and
 * errors. Frames are parsed where the device wrote them; replies are built in pool buffers (an echo reply turns
 * the request's own buffer around).
 * <p>
 * One thread owns an instance: it calls {@link #doWork()} (an Agrona {@link Agent} duty cycle) and every other
 * method. Nothing on the receive path allocates or throws on bad input: each dropped frame is counted by reason.
 */
public final class Ipv4Stack implements Agent, FrameReceiver, Ipv4Output, FragmentSink, ReassemblyTimeoutListener,
    AutoCloseable
{
    /** Bytes of the original datagram quoted in ICMP errors: as much as fits in 576 (RFC 1812 §4.3.2.3). */
    private static final int ICMP_ERROR_MAX_QUOTE = 576 - Ipv4Header.MIN_HEADER_LENGTH - IcmpMessage.HEADER_LENGTH;

    private final String name;
    private final StackConfig config;
    private final E1000Driver driver;
    private final PacketBufferPool pool;
    private final UnsafeBuffer memory;
    private final PacketBufferPool datagramPool;
    private final NanoClock clock;
    private final long mac;
    private final int address;
    private final int linkHeaderLength;

    private final RouteTable routes = new RouteTable(8);
    private final ArpResolver arp;
    private final Ipv4Reassembler reassembler;
    private final Ipv4Fragmenter fragmenter;
    private final UdpLayer udp;
    private final PathMtuTable pathMtu;
    private final IcmpErrorRateLimiter icmpErrorLimiter;
    private final Ipv4ProtocolHandler[] protocols = new Ipv4ProtocolHandler[256];
    /** The registered handlers in registration order, polled each duty cycle. */
    private Ipv4ProtocolHandler[] registered = new Ipv4ProtocolHandler[0];

    private final EthernetFrame ethernet = new EthernetFrame();
    private final ArpPacket arpPacket = new ArpPacket();
    private final Ipv4Header ip = new Ipv4Header();
    private final Ipv4Header quoted = new Ipv4Header();
    private final IcmpMessage icmp = new IcmpMessage();
    private final UdpHeader quotedUdp = new UdpHeader();

    private final ReasonCounters<EthernetDrop> ethernetDrops = new ReasonCounters<>(EthernetDrop.class);
    /** Received datagrams and fragments dropped. */
    private final ReasonCounters<Ipv4Drop> ipv4Drops = new ReasonCounters<>(Ipv4Drop.class);
    /** Datagrams we could not send (no route, unresolved, no buffer, too big with DF). */
    private final ReasonCounters<Ipv4Drop> ipv4SendDrops = new ReasonCounters<>(Ipv4Drop.class);
    private final ReasonCounters<IcmpDrop> icmpDrops = new ReasonCounters<>(IcmpDrop.class);
    private final ReasonCounters<StackEvent> events = new ReasonCounters<>(StackEvent.class);

    private EchoReplyListener echoReplyListener;
    private int nextIdentification;
    private int fragmentDestination;
    private long now;
    /** Inside {@link #doWork()}: {@link #now} is this duty cycle's time. */
    private boolean inDutyCycle;
    private boolean started;
    private boolean closed;

    /**
     * @param name   for logs and counters
     * @param config the interface's settings
     * @param driver a started driver; the stack becomes the only user of it and of its pool
     * @param clock  the stack's time (virtual in tests)
     */
    public Ipv4Stack(final String name, final StackConfig config, final E1000Driver driver, final NanoClock clock)
    {
        this.name = name;
        this.config = config;
        this.driver = driver;
        this.pool = driver.pool();
        this.memory = pool.memory();
        this.clock = clock;
        this.mac = driver.macAddress();
        this.address = config.address();
        this.linkHeaderLength = EthernetFrame.headerLength(config.vlanId());
        if (Ipv4Output.IP_OFFSET + config.mtu() > pool.bufferSize())
        {
            throw new IllegalArgumentException("MTU " + config.mtu() + " does not fit the NIC's " + pool.bufferSize() +
                " B buffers with " + Ipv4Output.IP_OFFSET + " B of headroom: use bigger buffers or a smaller MTU");
        }
        this.datagramPool = PacketBufferPool.allocate(name + "-datagrams", PacketBufferPool.MAX_DATAGRAM_BUFFER_SIZE,
            config.datagramBuffers() + config.reassembly().maxDatagrams());
        this.arp = new ArpResolver(config.arp().withVlanId(config.vlanId()), mac, pool, this::transmitFrame);
        this.reassembler = new Ipv4Reassembler(config.reassembly(), datagramPool, ipv4Drops);
        this.fragmenter = new Ipv4Fragmenter(pool, Ipv4Output.IP_OFFSET, ipv4SendDrops);
        this.udp = new UdpLayer(this, config.udpQueueCapacity());
        this.pathMtu = new PathMtuTable(1024, config.mtu());
        this.icmpErrorLimiter = new IcmpErrorRateLimiter(config.icmpErrorsPerSecond(), config.icmpErrorBurst());
        routes.addConnected(address, config.prefixLength());
        if (config.gateway() != Ipv4Address.ANY)
        {
            routes.setDefaultGateway(config.gateway());
        }
        this.nextIdentification = (int)(System.nanoTime() & 0xFFFF);
    }

    /** Brings the address up: from now on ARP answers for it, and a gratuitous ARP announces it. */
    public Ipv4Stack start()
    {
        if (!started)
        {
            started = true;
            now = clock.nanoTime();
            arp.addLocalAddress(address, now);
            driver.flush();
        }
        return this;
    }

    // ---------------------------------------------------------------- duty cycle

    @Override
    public int doWork()
    {
        now = clock.nanoTime();
        inDutyCycle = true; // one clock read per duty cycle: sends from inside it use this time
        try
        {
            int work = driver.reclaim();
            work += driver.receive(this, config.receiveBudget());
            work += arp.poll(now);
            work += reassembler.poll(now, this);
            for (final Ipv4ProtocolHandler handler : registered)
            {
                work += handler.poll(now);
            }
            driver.flush();
            return work;
        }
        finally
        {
            inDutyCycle = false;
        }
    }

    @Override
    public String roleName()
    {
        return "ipv4-stack-" + name;
    }

    /** Sends what was queued outside {@link #doWork()} (e.g. by sends from a test or an idle callback). */
    public void flush()
    {
        driver.flush();
    }

    // ---------------------------------------------------------------- receive: link layer

    @Override
    public void onFrame(final int handle, final UnsafeBuffer buffer, final int offset, final int length)
    {
        events.increment(StackEvent.FRAMES_RECEIVED);
        pool.handOver(handle, BufferHolder.STACK);
        if (!receiveFrame(handle, buffer, offset, length))
        {
            pool.release(handle);
        }
    }

    /** Returns true when a layer above took the buffer. */
    private boolean receiveFrame(final int handle, final UnsafeBuffer buffer, final int offset, final int length)
    {
        final EthernetFrame frame = ethernet;
        if (!frame.wrap(buffer, offset, length))
        {
            ethernetDrops.increment(frame.problem());
            return false;
        }
        final long destination = frame.destination();
        if (destination != mac && !MacAddress.isGroup(destination))
        {
            ethernetDrops.increment(EthernetDrop.NOT_FOR_US);
            return false;
        }
        if (MacAddress.isGroup(frame.source()))
        {
            ethernetDrops.increment(EthernetDrop.GROUP_SOURCE);
            return false;
        }
        if (!vlanMatches(frame))
        {
            ethernetDrops.increment(EthernetDrop.UNKNOWN_VLAN);
            return false;
        }
        switch (frame.etherType())
        {
            case EtherType.ARP ->
            {
                if (arpPacket.wrap(buffer, frame.payloadOffset(), frame.payloadLength()))
                {
                    final long dropsBefore = arp.drops().total();
                    arp.onArp(frame, arpPacket, now);
                    if (arp.drops().total() == dropsBefore)
                    {
                        events.increment(StackEvent.ARP_PROCESSED); // otherwise ARP counted why it dropped it
                    }
                }
                else
                {
                    arp.drops().increment(arpPacket.problem());
                }
                return false;
            }
            case EtherType.IPV4 ->
            {
                return receiveIpv4(pool, handle, frame.payloadOffset(), frame.payloadLength(),
                    MacAddress.isGroup(destination), frame.offset());
            }
            default ->
            {
                ethernetDrops.increment(EthernetDrop.UNKNOWN_ETHERTYPE);
                return false;
            }
        }
    }

    private boolean vlanMatches(final EthernetFrame frame)
    {
        final int vlan = config.vlanId();
        if (vlan < 0)
        {
            return frame.vlanCount() == 0;
        }
        return frame.vlanCount() == 1 && frame.vlanId(0) == vlan;
    }

    // ---------------------------------------------------------------- receive: IPv4

    /**
     * @param frameOffset where the Ethernet frame starts, or -1 when there is none to turn around (reassembled)
     */
    private boolean receiveIpv4(
        final PacketBufferPool from, final int handle, final int ipOffset, final int available,
        final boolean linkGroup, final int frameOffset)
    {
        final Ipv4Header header = ip;
        if (!header.wrap(from.memory(), ipOffset, available))
        {
            ipv4Drops.increment(header.problem());
            return false;
        }
        events.increment(StackEvent.IPV4_RECEIVED);
        // RFC 1122 §3.2.1.2: a host MUST verify the header checksum and silently discard a failing datagram
        if (!from.ipChecksumVerified(handle) && !header.checksumValid()) // or the NIC checked it (RX status IPCS)
        {
            ipv4Drops.increment(Ipv4Drop.BAD_CHECKSUM);
            return false;
        }
        // RFC 1122 §3.2.1.3: a host discards datagrams whose source is not a unique host address
        final int source = header.source();
        if (Ipv4Address.isMulticast(source) || source == Ipv4Address.BROADCAST || Ipv4Address.isReserved(source) ||
            Ipv4Address.isLoopback(source) || routes.isDirectedBroadcast(source) || source == address)
        {
            ipv4Drops.increment(Ipv4Drop.BAD_SOURCE);
            return false;
        }
        final int destination = header.destination();
        final boolean broadcast;
        if (destination == address)
        {
            broadcast = false;
        }
        else if (destination == Ipv4Address.BROADCAST || routes.isDirectedBroadcast(destination))
        {
            broadcast = true;
        }
        else
        {
            // RFC 1122 §3.3.1: a host does not forward; multicast groups are not joined
            ipv4Drops.increment(Ipv4Drop.NOT_FOR_US);
            return false;
        }
        // RFC 1122 §3.2.1.7: a host does not discard a datagram because its TTL is below 2
        if (header.isFragment())
        {
            events.increment(StackEvent.FRAGMENTS_RECEIVED);
            final long dropsBefore = ipv4Drops.total();
            final int whole = reassembler.accept(header, now);
            if (whole == PacketBufferPool.NO_BUFFER)
            {
                if (ipv4Drops.total() == dropsBefore)
                {
                    events.increment(StackEvent.FRAGMENT_HELD);
                }
                return false; // the fragment's bytes were copied (or it was dropped): its RX buffer goes back
            }
            events.increment(StackEvent.DATAGRAMS_REASSEMBLED);
            pool.release(handle);
            final boolean kept = receiveWhole(datagramPool, whole, datagramPool.offset(whole),
                PacketBufferPool.MAX_DATAGRAM_BUFFER_SIZE, broadcast, -1);
            if (!kept)
            {
                datagramPool.release(whole);
            }
            return true; // the fragment's buffer is already released
        }
        return deliver(from, handle, broadcast, linkGroup, frameOffset);
    }

    /** A reassembled datagram: wrap its rebuilt header and deliver it. */
    private boolean receiveWhole(
        final PacketBufferPool from, final int handle, final int ipOffset, final int available,
        final boolean broadcast, final int frameOffset)
    {
        if (!ip.wrap(from.memory(), ipOffset, available))
        {
            ipv4Drops.increment(ip.problem());
            return false;
        }
        return deliver(from, handle, broadcast, broadcast, frameOffset);
    }

    private boolean deliver(
        final PacketBufferPool from, final int handle, final boolean broadcast, final boolean linkGroup,
        final int frameOffset)
    {
        final Ipv4Header header = ip;
        final int protocol = header.protocol();
        switch (protocol)
        {
            case IpProtocol.ICMP ->
            {
                return receiveIcmp(from, handle, broadcast, frameOffset);
            }
            case IpProtocol.UDP ->
            {
                final UdpLayer.Outcome outcome = udp.onDatagram(header, from, handle, broadcast);
                if (outcome == UdpLayer.Outcome.QUEUED)
                {
                    events.increment(StackEvent.UDP_QUEUED);
                    return true;
                }
                if (outcome == UdpLayer.Outcome.PORT_UNREACHABLE)
                {
                    events.increment(StackEvent.PORT_UNREACHABLE);
                    sendIcmpError(IcmpMessage.TYPE_DESTINATION_UNREACHABLE, IcmpMessage.CODE_PORT_UNREACHABLE, 0,
                        header, linkGroup);
                }
                return false;
            }
            default ->
            {
                final Ipv4ProtocolHandler handler = protocols[protocol];
                if (handler != null)
                {
                    events.increment(StackEvent.PROTOCOL_HANDLED);
                    return handler.onDatagram(header, from, handle, broadcast, now);
                }
                ipv4Drops.increment(Ipv4Drop.UNKNOWN_PROTOCOL);
                if (!broadcast)
                {
                    // RFC 1122 §3.2.2.1: protocol unreachable for a transport protocol we do not have
                    events.increment(StackEvent.PROTOCOL_UNREACHABLE);
                    sendIcmpError(IcmpMessage.TYPE_DESTINATION_UNREACHABLE, IcmpMessage.CODE_PROTOCOL_UNREACHABLE, 0,
                        header, linkGroup);
                }
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- receive: ICMP

    private boolean receiveIcmp(
        final PacketBufferPool from, final int handle, final boolean broadcast, final int frameOffset)
    {
        final Ipv4Header header = ip;
        final IcmpMessage message = icmp;
        final MutableDirectBuffer buffer = from.memory();
        if (!message.wrap(buffer, header.payloadOffset(), header.payloadLength()))
        {
            icmpDrops.increment(message.problem());
            return false;
        }
        if (!message.checksumValid())
        {
            icmpDrops.increment(IcmpDrop.BAD_CHECKSUM);
            return false;
        }
        switch (message.type())
        {
            case IcmpMessage.TYPE_ECHO_REQUEST ->
            {
                events.increment(StackEvent.ECHO_REQUESTS_RECEIVED);
                if (broadcast)
                {
                    // RFC 1122 §3.2.2.6: an echo request to a broadcast address MAY be silently discarded
                    icmpDrops.increment(IcmpDrop.BROADCAST_ECHO);
                    return false;
                }
                events.increment(StackEvent.ICMP_PROCESSED);
                return answerEcho(from, handle, frameOffset);
            }
            case IcmpMessage.TYPE_ECHO_REPLY ->
            {
                events.increment(StackEvent.ECHO_REPLIES_RECEIVED);
                events.increment(StackEvent.ICMP_PROCESSED);
                final EchoReplyListener listener = echoReplyListener;
                if (listener != null)
                {
                    listener.onEchoReply(header.source(), message.identifier(), message.sequenceNumber(),
                        buffer, message.dataOffset(), message.dataLength(), now);
                }
                return false;
            }
            case IcmpMessage.TYPE_DESTINATION_UNREACHABLE, IcmpMessage.TYPE_TIME_EXCEEDED,
                IcmpMessage.TYPE_PARAMETER_PROBLEM, IcmpMessage.TYPE_SOURCE_QUENCH ->
            {
                return receiveIcmpError(message);
            }
            default ->
            {
                icmpDrops.increment(IcmpDrop.UNHANDLED_TYPE);
                return false;
            }
        }
    }

    /** RFC 1122 §3.2.2: pass the error to the transport that sent the quoted datagram. */
    private boolean receiveIcmpError(final IcmpMessage message)
    {
        // RFC 792: the data is the original internet header plus the first 64 bits of its data
        if (!quoted.wrap(message.buffer(), message.dataOffset(), message.dataLength()) &&
            quoted.problem() != Ipv4Drop.BAD_TOTAL_LENGTH)
        {
            icmpDrops.increment(IcmpDrop.BAD_QUOTED_HEADER);
            return false;
        }
        if (quoted.headerLength() == 0 || message.dataLength() < quoted.headerLength() + 8)
        {
            icmpDrops.increment(IcmpDrop.BAD_QUOTED_HEADER);
            return false;
        }
        events.increment(StackEvent.ICMP_ERRORS_RECEIVED);
        events.increment(StackEvent.ICMP_PROCESSED);
        final int type = message.type();
        final int code = message.code();
        if (type == IcmpMessage.TYPE_DESTINATION_UNREACHABLE && code == IcmpMessage.CODE_FRAGMENTATION_NEEDED)
        {
            // RFC 1191 §4: keep the next-hop MTU for path MTU discovery
            if (pathMtu.report(quoted.destination(), message.nextHopMtu()))
            {
                events.increment(StackEvent.PATH_MTU_REPORTS);
            }
        }
        final int protocol = quoted.protocol();
        if (protocol == IpProtocol.UDP && type == IcmpMessage.TYPE_DESTINATION_UNREACHABLE &&
            code == IcmpMessage.CODE_PORT_UNREACHABLE)
        {
            final int udpOffset = message.dataOffset() + quoted.headerLength();
            final int localPort = message.buffer().getShort(udpOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            udp.onPortUnreachable(localPort, quoted.destination());
        }
        final Ipv4ProtocolHandler handler = protocols[protocol];
        if (handler != null)
        {
            handler.onIcmpError(type, code, message.nextHopMtu(), quoted, now);
        }
        return false;
    }

    /**
     * RFC 792 echo reply. With an untouched frame and no IP options the request's own buffer is turned around in
     * place (MACs and addresses swapped, type 0, checksums updated); otherwise the reply is built in a new buffer.
     */
    private boolean answerEcho(final PacketBufferPool from, final int handle, final int frameOffset)
    {
        final Ipv4Header header = ip;
        final IcmpMessage message = icmp;
        final int source = header.source();
        if (frameOffset >= 0 && from == pool && header.headerLength() == Ipv4Header.MIN_HEADER_LENGTH &&
            header.totalLength() <= config.mtu())
        {
            final int ipOffset = header.offset();
            final int frameLength = ipOffset - frameOffset + header.totalLength();
            // Ethernet: back to where it came from (tags stay as they were)
            final long requester = MacAddress.read(memory, frameOffset + EthernetFrame.SOURCE_OFFSET);
            MacAddress.write(memory, frameOffset + EthernetFrame.DESTINATION_OFFSET, requester);
            MacAddress.write(memory, frameOffset + EthernetFrame.SOURCE_OFFSET, mac);
            // IPv4: from us to the requester, a fresh TTL
            memory.putInt(ipOffset + Ipv4Header.SOURCE_OFFSET, address, ByteOrder.BIG_ENDIAN);
            memory.putInt(ipOffset + Ipv4Header.DESTINATION_OFFSET, source, ByteOrder.BIG_ENDIAN);
            memory.putByte(ipOffset + Ipv4Header.TTL_OFFSET, (byte)Ipv4Header.DEFAULT_TTL);
            Ipv4Header.updateChecksum(memory, ipOffset, Ipv4Header.MIN_HEADER_LENGTH);
            // ICMP: type 8 → 0; RFC 1624 incremental update of the checksum for the changed first word
            final int icmpOffset = header.payloadOffset();
            final int oldWord = memory.getShort(icmpOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            memory.putByte(icmpOffset + IcmpMessage.TYPE_OFFSET, (byte)IcmpMessage.TYPE_ECHO_REPLY);
            final int newWord = memory.getShort(icmpOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int checksum = memory.getShort(icmpOffset + IcmpMessage.CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            memory.putShort(icmpOffset + IcmpMessage.CHECKSUM_OFFSET,
                (short)InternetChecksum.update(checksum, oldWord, newWord), ByteOrder.BIG_ENDIAN);
            events.increment(StackEvent.ECHO_REPLIES_SENT);
            transmitFrameCounted(handle, frameOffset, frameLength);
            return true;
        }
        // Build a fresh reply (options dropped; RFC 1122 §3.2.2.6 lets us return the data unchanged)
        final int icmpLength = message.length();
        final PacketBufferPool to = Ipv4Header.MIN_HEADER_LENGTH + icmpLength <= config.mtu() ? pool : datagramPool;
        final int reply = to.claim(BufferHolder.TX_BUILD);
        if (reply == PacketBufferPool.NO_BUFFER)
        {
            events.increment(StackEvent.TX_NO_BUFFER);
            return false;
        }
        final int icmpOffset = to.offset(reply) + headroom(to) + Ipv4Header.MIN_HEADER_LENGTH;
        to.memory().putBytes(icmpOffset, from.memory(), header.payloadOffset(), icmpLength);
        IcmpMessage.write(to.memory(), icmpOffset, IcmpMessage.TYPE_ECHO_REPLY, message.code(),
            message.identifier() << 16 | message.sequenceNumber(), message.dataLength());
        events.increment(StackEvent.ECHO_REPLIES_SENT);
        sendIpv4(to, reply, icmpLength, IpProtocol.ICMP, source, false);
        return false;
    }

    // ---------------------------------------------------------------- ICMP errors we send

    /**
     * Sends an ICMP error about the datagram wrapped in {@code offending}, unless RFC 1122 §3.2.2 forbids it or
     * the rate limit says not now (both counted).
     */
    private void sendIcmpError(
        final int type, final int code, final int restOfHeader, final Ipv4Header offending, final boolean linkGroup)
    {
        final int source = offending.source();
        // RFC 1122 §3.2.2: never about an ICMP error, a broadcast/multicast (IP or link), a non-initial fragment,
        // or a datagram whose source is not a unique host
        if (linkGroup || offending.fragmentOffset() != 0 || source == Ipv4Address.ANY ||
            offending.destination() == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(offending.destination()) ||
            routes.isDirectedBroadcast(offending.destination()) || isIcmpError(offending))
        {
            events.increment(StackEvent.ICMP_ERRORS_SUPPRESSED);
            return;
        }
        emitIcmpError(type, code, restOfHeader, offending.buffer(), offending.offset(),
            Math.min(offending.totalLength(), ICMP_ERROR_MAX_QUOTE), source);
    }

    private static boolean isIcmpError(final Ipv4Header header)
    {
        if (header.protocol() != IpProtocol.ICMP || header.payloadLength() < 1)
        {
            return false;
        }
        final int type = header.buffer().getByte(header.payloadOffset()) & 0xFF;
        return type != IcmpMessage.TYPE_ECHO_REQUEST && type != IcmpMessage.TYPE_ECHO_REPLY &&
            type != 13 && type != 14 && type != 15 && type != 16; // timestamp and information queries are not errors
    }

    /** RFC 792 / RFC 1122 §3.3.2: time exceeded (code 1) when a datagram whose first fragment came in times out. */
    @Override
    public void onReassemblyTimeout(final DirectBuffer buffer, final int ipOffset, final int ipLength)
    {
        if (quoted.wrap(buffer, ipOffset, ipLength) || quoted.problem() == Ipv4Drop.BAD_TOTAL_LENGTH)
        {
            if (quoted.headerLength() > 0)
            {
                emitIcmpError(IcmpMessage.TYPE_TIME_EXCEEDED, IcmpMessage.CODE_REASSEMBLY_TIME_EXCEEDED, 0, buffer,
                    ipOffset, Math.min(ipLength, ICMP_ERROR_MAX_QUOTE), quoted.source());
            }
        }
    }

    /** Builds and sends an ICMP error quoting {@code quote} bytes of the offending datagram, if the rate limit allows. */
    private void emitIcmpError(
        final int type, final int code, final int restOfHeader, final DirectBuffer buffer, final int ipOffset,
        final int quote, final int to)
    {
        if (!icmpErrorLimiter.tryAcquire(now))
        {
            events.increment(StackEvent.ICMP_ERRORS_RATE_LIMITED);
            return;
        }
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            events.increment(StackEvent.TX_NO_BUFFER);
            return;
        }
        final int icmpOffset = pool.offset(handle) + Ipv4Output.IP_OFFSET + Ipv4Header.MIN_HEADER_LENGTH;
        memory.putBytes(icmpOffset + IcmpMessage.HEADER_LENGTH, buffer, ipOffset, quote);
        IcmpMessage.write(memory, icmpOffset, type, code, restOfHeader, quote);
        events.increment(StackEvent.ICMP_ERRORS_SENT);
        sendIpv4(pool, handle, IcmpMessage.HEADER_LENGTH + quote, IpProtocol.ICMP, to, false);
    }

    // ---------------------------------------------------------------- ICMP echo (ping) client

    /**
     * Sends an ICMP echo request of {@code dataLength} bytes (a counting pattern) to {@code destination}.
     *
     * @return false if it could not be sent (counted)
     */
    public boolean sendEchoRequest(final int destination, final int identifier, final int sequence, final int dataLength)
    {
        final int icmpLength = IcmpMessage.HEADER_LENGTH + dataLength;
        if (dataLength < 0 || Ipv4Header.MIN_HEADER_LENGTH + icmpLength > Ipv4Header.MAX_TOTAL_LENGTH)
        {
            throw new IllegalArgumentException("echo data of " + dataLength + " B: 0.." +
                (Ipv4Header.MAX_TOTAL_LENGTH - 28) + " B fit in one datagram");
        }
        now = clock.nanoTime();
        final PacketBufferPool to = Ipv4Header.MIN_HEADER_LENGTH + icmpLength <= config.mtu() ? pool : datagramPool;
        final int handle = to.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            events.increment(StackEvent.TX_NO_BUFFER);
            return false;
        }
        final MutableDirectBuffer out = to.memory();
        final int icmpOffset = to.offset(handle) + headroom(to) + Ipv4Header.MIN_HEADER_LENGTH;
        final int dataOffset = icmpOffset + IcmpMessage.HEADER_LENGTH;
        for (int i = 0; i < dataLength; i++)
        {
            out.putByte(dataOffset + i, (byte)i);
        }
        IcmpMessage.write(out, icmpOffset, IcmpMessage.TYPE_ECHO_REQUEST, 0,
            (identifier & 0xFFFF) << 16 | (sequence & 0xFFFF), dataLength);
        events.increment(StackEvent.ECHO_REQUESTS_SENT);
        return sendIpv4(to, handle, icmpLength, IpProtocol.ICMP, destination, false);
    }

    public void echoReplyListener(final EchoReplyListener listener)
    {
        this.echoReplyListener = listener;
    }

    // ---------------------------------------------------------------- send path

    @Override
    public int headroom(final PacketBufferPool of)
    {
        return of == datagramPool ? 0 : Ipv4Output.IP_OFFSET;
    }

    @Override
    public PacketBufferPool transmitPool()
    {
        return pool;
    }

    @Override
    public PacketBufferPool datagramPool()
    {
        return datagramPool;
    }

    @Override
    public int mtu()
    {
        return config.mtu();
    }

    @Override
    public int localAddress()
    {
        return address;
    }

    @Override
    public long nanoTime()
    {
        return inDutyCycle ? now : clock.nanoTime();
    }

    @Override
    public void writeTransportChecksum(
        final PacketBufferPool from, final int handle, final int transportOffset, final int transportLength,
        final int checksumField, final int protocol, final int destination)
    {
        final UnsafeBuffer buffer = from.memory();
        final long pseudoHeader = InternetChecksum.pseudoHeaderSum(address, destination, protocol, transportLength);
        // UDP stays in software: a computed 0 must go out as 0xFFFF (RFC 768), which the legacy CMD.IC cannot do
        if (protocol == IpProtocol.TCP && from == pool && driver.checksumOffload() &&
            Ipv4Header.MIN_HEADER_LENGTH + transportLength <= config.mtu())
        {
            // SDM §3.3.3: the device adds the segment's words to the pseudo-header's sum and writes the complement
            buffer.putShort(transportOffset + checksumField, (short)InternetChecksum.fold(pseudoHeader),
                ByteOrder.BIG_ENDIAN);
            from.markChecksumPartial(handle, transportOffset - from.offset(handle), checksumField);
            return;
        }
        from.clearChecksumState(handle);
        buffer.putShort(transportOffset + checksumField, (short)0);
        int checksum = InternetChecksum.finish(InternetChecksum.sum(buffer, transportOffset, transportLength,
            pseudoHeader));
        if (checksum == 0 && protocol == IpProtocol.UDP)
        {
            checksum = 0xFFFF; // RFC 768: an all-zero result is sent as all ones
        }
        buffer.putShort(transportOffset + checksumField, (short)checksum, ByteOrder.BIG_ENDIAN);
    }

    @Override
    public boolean sendIpv4(
        final PacketBufferPool from, final int handle, final int payloadLength, final int protocol,
        final int destination, final boolean dontFragment)
    {
        now = nanoTime();
        final int ipOffset = from.offset(handle) + headroom(from);
        final int totalLength = Ipv4Header.MIN_HEADER_LENGTH + payloadLength;
        final int identification = nextIdentification++ & 0xFFFF;
        Ipv4Header.write(from.memory(), ipOffset, totalLength, identification,
            dontFragment ? Ipv4Header.FLAG_DONT_FRAGMENT : 0, Ipv4Header.DEFAULT_TTL, protocol, address, destination);
        if (totalLength <= config.mtu() && from == pool)
        {
            return transmitIpv4(handle, ipOffset, totalLength, destination);
        }
        if (totalLength <= config.mtu())
        {
            // built in a datagram buffer but fits one frame: copy into a NIC buffer (the device DMAs only its pool)
            final int copy = pool.claim(BufferHolder.TX_BUILD);
            if (copy == PacketBufferPool.NO_BUFFER)
            {
                events.increment(StackEvent.TX_NO_BUFFER);
                from.release(handle);
                return false;
            }
            memory.putBytes(pool.offset(copy) + Ipv4Output.IP_OFFSET, from.memory(), ipOffset, totalLength);
            from.release(handle);
            return transmitIpv4(copy, pool.offset(copy) + Ipv4Output.IP_OFFSET, totalLength, destination);
        }
        if (dontFragment)
        {
            ipv4SendDrops.increment(Ipv4Drop.NEEDS_FRAGMENTATION);
            from.release(handle);
            return false;
        }
        // RFC 791 §3.2: fragment above the MTU
        fragmentDestination = destination;
        final int fragments = fragmenter.fragment(from.memory(), ipOffset, totalLength, config.mtu(), this);
        from.release(handle);
        if (fragments < 0)
        {
            events.increment(StackEvent.TX_NO_BUFFER);
            return false;
        }
        events.add(StackEvent.FRAGMENTS_SENT, fragments);
        return true;
    }


    /** Routes, resolves and transmits an IPv4 datagram at {@code ipOffset} in NIC buffer {@code handle}; owns it. */
    private boolean transmitIpv4(final int handle, final int ipOffset, final int ipLength, final int destination)
    {
        if (routeAndTransmit(handle, ipOffset, ipLength, destination))
        {
            return true;
        }
        pool.release(handle);
        return false;
    }

    @Override
    public boolean onFragment(final int handle, final int ipOffset, final int ipLength)
    {
        return routeAndTransmit(handle, ipOffset, ipLength, fragmentDestination); // on false the fragmenter releases
    }

    /** As {@link #transmitIpv4}, but on false (counted) the caller still owns the buffer. */
    private boolean routeAndTransmit(final int handle, final int ipOffset, final int ipLength, final int destination)
    {
        final long destinationMac;
        final int nextHop;
        if (destination == Ipv4Address.BROADCAST || routes.isDirectedBroadcast(destination))
        {
            destinationMac = MacAddress.BROADCAST;
            nextHop = destination;
        }
        else
        {
            nextHop = routes.nextHop(destination);
            // sending to our own address would need a loopback path, which the stack does not have yet
            if (nextHop == RouteTable.NO_ROUTE || nextHop == address)
            {
                ipv4SendDrops.increment(Ipv4Drop.NO_ROUTE);
                return false;
            }
            destinationMac = arp.lookup(nextHop, now);
        }
        final int frameOffset = ipOffset - linkHeaderLength;
        EthernetFrame.writeHeader(memory, frameOffset, destinationMac, mac, config.vlanId(), 0, EtherType.IPV4);
        final int frameLength = linkHeaderLength + ipLength;
        if (destinationMac == MacAddress.NONE)
        {
            // RFC 1122 §2.3.2.2: queue (a few) datagrams while the address resolves
            if (!arp.enqueue(nextHop, handle, frameOffset, frameLength, now))
            {
                ipv4SendDrops.increment(Ipv4Drop.UNRESOLVED);
                return false;
            }
            events.increment(StackEvent.IPV4_SENT);
            return true;
        }
        if (transmitFrame(handle, frameOffset, frameLength))
        {
            events.increment(StackEvent.IPV4_SENT);
            return true;
        }
        return false;
    }

    private boolean transmitFrameCounted(final int handle, final int frameOffset, final int frameLength)
    {
        if (transmitFrame(handle, frameOffset, frameLength))
        {
            return true;
        }
        pool.release(handle);
        return false;
    }

    /** The link's transmit: hands the frame to the driver (used by ARP too). False: ring full, caller keeps it. */
    private boolean transmitFrame(final int handle, final int frameOffset, final int frameLength)
    {
        if (driver.transmit(handle, frameOffset, frameLength))
        {
            events.increment(StackEvent.FRAMES_SENT);
            return true;
        }
        events.increment(StackEvent.TX_RING_FULL);
        return false;
    }

    // ---------------------------------------------------------------- sockets and protocols

    /** Binds a UDP socket to {@code port} (0: an ephemeral port). */
    public UdpSocket openUdp(final int port)
    {
        return udp.open(port);
    }

    /** Registers the handler of an IPv4 protocol number (TCP: 6). ICMP and UDP are built in. */
    public void registerProtocol(final int protocol, final Ipv4ProtocolHandler handler)
    {
        if (protocol == IpProtocol.ICMP || protocol == IpProtocol.UDP || protocol < 0 || protocol > 255)
        {
            throw new IllegalArgumentException("protocol " + protocol + " cannot be registered: 0..255, not ICMP or UDP");
        }
        if (protocols[protocol] != null)
        {
            throw new IllegalStateException("protocol " + protocol + " already has a handler");
        }
        protocols[protocol] = handler;
        registered = Arrays.copyOf(registered, registered.length + 1);
        registered[registered.length - 1] = handler;
    }

    // ---------------------------------------------------------------- views

    public String name()
    {
        return name;
    }

    public StackConfig config()
    {
        return config;
    }

    public long macAddress()
    {
        return mac;
    }

    public E1000Driver driver()
    {
        return driver;
    }

    public RouteTable routes()
    {
        return routes;
    }

    public ArpResolver arp()
    {
        return arp;
    }

    public UdpLayer udp()
    {
        return udp;
    }

    public PathMtuTable pathMtu()
    {
        return pathMtu;
    }

    public Ipv4Reassembler reassembler()
    {
        return reassembler;
    }

    public ReasonCounters<EthernetDrop> ethernetDrops()
    {
        return ethernetDrops;
    }

    public ReasonCounters<Ipv4Drop> ipv4Drops()
    {
        return ipv4Drops;
    }

    public ReasonCounters<Ipv4Drop> ipv4SendDrops()
    {
        return ipv4SendDrops;
    }

    public ReasonCounters<IcmpDrop> icmpDrops()
    {
        return icmpDrops;
    }

    public ReasonCounters<StackEvent> events()
    {
        return events;
    }

    /** Total frames dropped by reason at any layer (ARP, Ethernet, IPv4, ICMP, UDP). */
    public long droppedFrames()
    {
        return ethernetDrops.total() + arp.drops().total() + ipv4Drops.total() + icmpDrops.total() +
            udp.drops().total();
    }

    /**
     * Every non-zero counter as {@code layer.name = value}, in the order of the layers (like {@code netstat -s});
     * allocates, so call it from tools and tests, not per packet.
     */
    public Map<String, Long> countersSnapshot()
    {
        final Map<String, Long> all = new LinkedHashMap<>();
        events.snapshot().forEach((k, v) -> all.put("stack." + k.name(), v));
        ethernetDrops.snapshot().forEach((k, v) -> all.put("ethernet.drop." + k.name(), v));
        arp.drops().snapshot().forEach((k, v) -> all.put("arp.drop." + k.name(), v));
        ipv4Drops.snapshot().forEach((k, v) -> all.put("ipv4.drop." + k.name(), v));
        ipv4SendDrops.snapshot().forEach((k, v) -> all.put("ipv4.send-drop." + k.name(), v));
        icmpDrops.snapshot().forEach((k, v) -> all.put("icmp.drop." + k.name(), v));
        udp.drops().snapshot().forEach((k, v) -> all.put("udp.drop." + k.name(), v));
        return all;
    }

    // ---------------------------------------------------------------- close

    /**
     * Releases every buffer the stack holds (registered protocols such as TCP, sockets' queues, ARP's queue,
     * reassembly) and the datagram pool.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Ipv4ProtocolHandler handler : registered)
        {
            handler.close();
        }
        udp.close();
        arp.close();
        reassembler.close();
        datagramPool.close();
    }

    @Override
    public void onClose()
    {
        close();
    }

    @Override
    public String toString()
    {
        return "Ipv4Stack[" + name + " " + Ipv4Address.toString(address) + "/" + config.prefixLength() + " " +
            MacAddress.toString(mac) + "]";
    }
}
