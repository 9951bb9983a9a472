package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Objects;

/**
 * ARP (RFC 826) for one IPv4 interface: answers requests for our addresses, resolves next hops for the IP layer,
 * parks frames while it does, keeps the translation table ({@link ArpCache}) fresh, announces our addresses and
 * defends them (RFC 5227 §2.3, §2.4).
 * <pre>
 *   from          event                                                    to
 *   ------------  -------------------------------------------------------  ------------------------------
 *   (no entry)    enqueue or sendRequest: broadcast request                INCOMPLETE
 *   (no entry)    a request for our address from it (RFC 826 "add")        REACHABLE
 *   INCOMPLETE    unanswered for a retry interval: another request         INCOMPLETE
 *   INCOMPLETE    maxRequests unanswered: parked frames released           FAILED (removed if no negative
 *                                                                          cache time)
 *   INCOMPLETE    any packet from it (RFC 826 merge): parked frames sent   REACHABLE
 *   REACHABLE     used inside the refresh window: one unicast request      PROBE
 *   PROBE,FAILED  any packet from it (merge)                               REACHABLE
 *   FAILED        sendRequest, or enqueue once the negative time is over   INCOMPLETE
 *   REACHABLE,    enqueue or sendRequest once the lifetime is over         INCOMPLETE
 *   PROBE
 *   REACHABLE,    lifetime over (poll), or evicted when the cache is full  (no entry)
 *   PROBE,FAILED
 * </pre>
 * Owned by the stack thread; time comes in as {@code nowNanos}. The receive path ({@link #onArp}) never throws
 * and counts what it drops ({@link #drops()}); misuse of the sending API ({@link #enqueue}, {@link #sendRequest},
 * {@link #addLocalAddress}) is refused with an exception that says what to do. Nothing allocates in steady state
 * (only the rate-limited conflict log line does).
 * <p>
 * Frames ARP sends come from the pool ({@link BufferHolder#TX_BUILD}), carry the configured VLAN tag and are padded
 * to {@link EthernetFrame#MIN_FRAME_LENGTH}; an empty pool or a refusing transmitter is counted, never thrown.
 */
public final class ArpResolver implements AutoCloseable
{
    /** Addresses an interface may own at once. */
    public static final int MAX_LOCAL_ADDRESSES = 16;
    /** At most one conflict report in the log per this interval (the counters count every packet). */
    public static final long CONFLICT_REPORT_INTERVAL_NANOS = 10_000_000_000L;

    private final ArpConfig config;
    private final long localMac;
    private final PacketBufferPool pool;
    private final UnsafeBuffer memory;
    private final FrameTransmitter transmitter;
    private final System.Logger logger;
    private final PendingFrames pending;
    private final ArpCache cache;
    private final LocalAddresses local = new LocalAddresses(MAX_LOCAL_ADDRESSES);
    private final ReasonCounters<ArpDrop> drops = new ReasonCounters<>(ArpDrop.class);
    private final ArpCounters counters = new ArpCounters();

    /** The earliest timer of any entry or announcement, when {@link #timerArmed}: poll does nothing before it. */
    private long nextDeadline;
    private boolean timerArmed;
    private boolean conflictReported;
    private long lastConflictReportAt;
    private long conflictsSinceReport;
    private boolean closed;

    public ArpResolver(
        final ArpConfig config, final long localMac, final PacketBufferPool pool, final FrameTransmitter transmitter)
    {
        this(config, localMac, pool, transmitter, System.getLogger(ArpResolver.class.getName()));
    }

    /** As the other constructor, with the logger conflict reports go to. */
    public ArpResolver(
        final ArpConfig config, final long localMac, final PacketBufferPool pool, final FrameTransmitter transmitter,
        final System.Logger logger)
    {
        this.config = Objects.requireNonNull(config, "config must not be null: start from ArpConfig.defaults()");
        this.pool = Objects.requireNonNull(pool,
            "pool must not be null: ARP builds its requests and replies in pool buffers");
        this.transmitter = Objects.requireNonNull(transmitter, "transmitter (e.g. driver::transmit) must not be null");
        this.logger = Objects.requireNonNull(logger, "logger must not be null");
        if (localMac == MacAddress.NONE || MacAddress.isGroup(localMac) || (localMac >>> 48) != 0)
        {
            throw new IllegalArgumentException("local MAC " + Long.toHexString(localMac) +
                " must be a 48-bit unicast address (I/G bit clear, not 00:00:00:00:00:00), e.g. 52:54:00:12:34:56");
        }
        this.localMac = localMac;
        this.memory = pool.memory();
        this.pending = new PendingFrames(config.cacheCapacity(), config.maxPendingPerDestination(),
            config.maxPendingTotal());
        this.cache = new ArpCache(config.cacheCapacity(), pending);
    }

    public ArpConfig config()
    {
        return config;
    }

    public long localMac()
    {
        return localMac;
    }

    // ------------------------------------------------------------------ our addresses

    /**
     * Our address comes up: from now on requests for it are answered, and it is announced with
     * {@link ArpConfig#announcements()} gratuitous ARP requests (RFC 5227 §2.3 "Announcing an Address"), the first
     * at once, the others from {@link #poll}. Adding an address again announces it again. A cache entry for the
     * address (another station's, until now) is dropped with its parked frames.
     *
     * @throws IllegalArgumentException if the address is not a unicast address.
     * @throws IllegalStateException    if {@link #MAX_LOCAL_ADDRESSES} are configured already, or after close.
     */
    public void addLocalAddress(final int address, final long nowNanos)
    {
        checkOpen();
        if (!ProtocolAddress.isUnicast(address))
        {
            throw new IllegalArgumentException(ProtocolAddress.toString(address) + " cannot be an interface address: " +
                "it is unspecified, loopback, multicast, reserved or broadcast (RFC 1122 §3.2.1.3)");
        }
        if (!local.contains(address) && local.count() == local.capacity())
        {
            throw new IllegalStateException("an interface holds at most " + MAX_LOCAL_ADDRESSES +
                " addresses: remove one before adding " + ProtocolAddress.toString(address));
        }
        final int slot = cache.slotOf(address);
        if (slot != ArpCache.NO_SLOT)
        {
            releasePending(slot);
            cache.remove(slot);
        }
        final int i = local.add(address);
        local.scheduleAnnouncements(i, config.announcements(), nowNanos);
        if (config.announcements() > 0)
        {
            announce(i, nowNanos);
        }
    }

    /** Our address goes away: it is no longer answered or announced. Removing an address we do not own does nothing. */
    public void removeLocalAddress(final int address)
    {
        local.remove(address);
    }

    public boolean isLocalAddress(final int address)
    {
        return local.contains(address);
    }

    // ------------------------------------------------------------------ receive

    /**
     * Handles a received ARP packet that {@code packet} has wrapped, successfully or not ({@code frame} is the
     * Ethernet frame around it, already accepted by the Ethernet layer: destination and VLAN checked). Follows
     * RFC 826 "Packet Reception": merge the sender into the cache if its address is there; if the target address
     * is ours, add the sender (for a request) and answer a request with a reply unicast to the
     * requester. A packet whose sender address is ours but hardware address is not is a conflict (RFC 5227 §2.4):
     * counted, reported (rate-limited) and defended. Frames parked for a sender that resolves are sent in order.
     * <p>
     * Drops, counted by {@link ArpDrop}: a packet the flyweight refused (its own problem), a group or all-zeros
     * sender hardware address (GROUP_SENDER), a sender protocol address that no station can own or 0.0.0.0 in a
     * reply (BAD_SENDER_ADDRESS), a packet for another station that updates nothing or our own packet looped back
     * (NOT_FOR_US), a reply for us that nothing asked for (UNSOLICITED_REPLY), a conflict (ADDRESS_CONFLICT).
     * Never throws; allocates nothing.
     */
    public void onArp(final EthernetFrame frame, final ArpPacket packet, final long nowNanos)
    {
        final ArpDrop problem = packet.problem();
        if (problem != null)
        {
            drops.increment(problem);
            return;
        }
        if (closed)
        {
            return;
        }
        final int operation = packet.operation();
        final boolean request = operation == ArpPacket.OPERATION_REQUEST;
        counters.increment(request ? ArpEvent.REQUESTS_RECEIVED : ArpEvent.REPLIES_RECEIVED);
        final long senderMac = packet.senderHardwareAddress();
        final int sender = packet.senderProtocolAddress();
        final int target = packet.targetProtocolAddress();

        // IEEE 802: a group address never sends; all zeros is no station's address.
        if (MacAddress.isGroup(senderMac) || senderMac == MacAddress.NONE)
        {
            drops.increment(ArpDrop.GROUP_SENDER);
            return;
        }
        // RFC 5227 §2.1.1: an ARP Probe is a request with sender protocol address 0.0.0.0; never in a reply.
        final boolean probe = sender == ProtocolAddress.UNSPECIFIED;
        if (probe ? !request : !ProtocolAddress.isUnicast(sender))
        {
            drops.increment(ArpDrop.BAD_SENDER_ADDRESS);
            return;
        }
        if (senderMac == localMac)
        {
            drops.increment(ArpDrop.NOT_FOR_US); // our own packet, looped back: nothing to learn
            return;
        }
        if (!probe && local.contains(sender))
        {
            // RFC 5227 §2.4: our address, another hardware address.
            onConflict(sender, senderMac, nowNanos);
            return;
        }

        // RFC 826 "Packet Reception": merge the sender first (a probe's 0.0.0.0 is never cached, RFC 5227 §2.1.1).
        boolean merged = false;
        if (!probe)
        {
            final int slot = cache.slotOf(sender);
            if (slot != ArpCache.NO_SLOT)
            {
                merge(slot, senderMac, nowNanos);
                merged = true;
            }
        }
        // RFC 826: "?Am I the target protocol address?"
        if (!local.contains(target))
        {
            if (!merged)
            {
                drops.increment(ArpDrop.NOT_FOR_US);
            }
            return;
        }
        if (!merged && !probe)
        {
            if (!request)
            {
                // RFC 826 would add it; a reply nobody asked for is kept out of the cache so that forged replies
                // can neither fill it nor redirect traffic (Linux does the same without arp_accept).
                drops.increment(ArpDrop.UNSOLICITED_REPLY);
                return;
            }
            // RFC 826: "If Merge_flag is false, add the triplet ... to the translation table."
            learn(sender, senderMac, nowNanos);
        }
        if (request)
        {
            // RFC 826: swap the fields, put ours in the sender fields, set ar$op to reply, send it to the requester.
            if (sendArp(ArpPacket.OPERATION_REPLY, senderMac, senderMac, target, sender))
            {
                counters.increment(ArpEvent.REPLIES_SENT);
            }
        }
    }

    private void merge(final int slot, final long senderMac, final long nowNanos)
    {
        counters.increment(ArpEvent.MERGED);
        final ArpState before = cache.stateAt(slot);
        if (ArpCache.isResolved(before) && cache.hardwareAddress(slot) != senderMac)
        {
            counters.increment(ArpEvent.HARDWARE_ADDRESS_CHANGED);
        }
        confirm(slot, senderMac, nowNanos);
        if (before == ArpState.INCOMPLETE)
        {
            counters.increment(ArpEvent.RESOLVED);
            transmitPending(slot, senderMac);
        }
    }

    private void learn(final int sender, final long senderMac, final long nowNanos)
    {
        final int slot = newEntry(sender, nowNanos);
        if (slot != ArpCache.NO_SLOT)
        {
            counters.increment(ArpEvent.LEARNED);
            confirm(slot, senderMac, nowNanos);
        }
    }

    private void confirm(final int slot, final long mac, final long nowNanos)
    {
        cache.hardwareAddress(slot, mac);
        cache.state(slot, ArpState.REACHABLE);
        cache.requestsSent(slot, 0);
        cache.updatedAt(slot, nowNanos);
        final long expiresAt = nowNanos + config.reachableTimeNanos();
        cache.expiresAt(slot, expiresAt);
        arm(expiresAt);
    }

    private void onConflict(final int address, final long otherMac, final long nowNanos)
    {
        drops.increment(ArpDrop.ADDRESS_CONFLICT);
        counters.increment(ArpEvent.CONFLICTS);
        // RFC 5227 §2.4 (c): defend indefinitely, but send no more than one announcement per DEFEND_INTERVAL.
        final boolean defend = local.tryDefend(local.indexOf(address), nowNanos, config.defendIntervalNanos());
        if (defend)
        {
            counters.increment(ArpEvent.CONFLICT_DEFENCES);
            sendAnnouncement(address);
        }
        reportConflict(address, otherMac, defend, nowNanos);
    }

    private void reportConflict(final int address, final long otherMac, final boolean defended, final long nowNanos)
    {
        conflictsSinceReport++;
        if (conflictReported && nowNanos - lastConflictReportAt < CONFLICT_REPORT_INTERVAL_NANOS)
        {
            return;
        }
        conflictReported = true;
        lastConflictReportAt = nowNanos;
        final long count = conflictsSinceReport;
        conflictsSinceReport = 0;
        if (logger.isLoggable(System.Logger.Level.WARNING))
        {
            logger.log(System.Logger.Level.WARNING, "ARP: address conflict: " + ProtocolAddress.toString(address) +
                " is also claimed by " + MacAddress.toString(otherMac) + " (" + count +
                " conflicting packet(s) since the last report); " + (defended
                ? "defended with an announcement (RFC 5227 §2.4)"
                : "already defended within the defend interval (RFC 5227 §2.4)"));
        }
    }

    // ------------------------------------------------------------------ resolve

    /**
     * The hardware address for {@code nextHop} if the cache has a usable entry (REACHABLE or PROBE, not expired),
     * else {@link MacAddress#NONE}. Using an entry inside the refresh window before its expiry sends it one
     * unicast request (once), so that an entry in use is confirmed before it expires. Allocates nothing.
     */
    public long lookup(final int nextHop, final long nowNanos)
    {
        final int slot = cache.slotOf(nextHop);
        if (slot == ArpCache.NO_SLOT)
        {
            return MacAddress.NONE;
        }
        if (!ArpCache.isResolved(cache.stateAt(slot)) || nowNanos - cache.expiresAt(slot) >= 0)
        {
            return MacAddress.NONE; // resolving, failed, or expired (poll removes it)
        }
        refreshIfDue(slot, nowNanos);
        return cache.hardwareAddress(slot);
    }

    /** An entry in use (REACHABLE, not expired) inside the refresh window gets one unicast request. */
    private void refreshIfDue(final int slot, final long nowNanos)
    {
        if (cache.stateAt(slot) == ArpState.REACHABLE &&
            nowNanos - (cache.expiresAt(slot) - config.refreshWindowNanos()) >= 0)
        {
            // RFC 1122 §2.3.2.1: validate an entry in use before it times out, unicast to the cached address.
            cache.state(slot, ArpState.PROBE);
            if (sendArp(ArpPacket.OPERATION_REQUEST, cache.hardwareAddress(slot), MacAddress.NONE, local.primary(),
                cache.address(slot)))
            {
                counters.increment(ArpEvent.REQUESTS_SENT);
                counters.increment(ArpEvent.REFRESH_REQUESTS_SENT);
            }
        }
    }

    /**
     * Parks a frame until {@code nextHop} resolves; the frame's Ethernet header is written except for the
     * destination address, which ARP writes at {@code frameOffset} before transmitting it. Starts resolution
     * (a broadcast request) if none is under way. If the next hop is resolved already the frame is sent at once.
     *
     * @param frameOffset offset of the frame in the pool's memory, inside buffer {@code handle}.
     * @return true if ARP took the buffer (it transmits or releases it); false, counted, if the pending limits are
     * reached, the next hop is negatively cached, or the cache is full of resolutions in progress: the caller
     * still owns the buffer.
     * @throws IllegalArgumentException if the next hop is not a unicast address or is ours, or the frame is not
     *                                  inside a buffer the caller holds.
     * @throws IllegalStateException    after {@link #close()}.
     */
    public boolean enqueue(
        final int nextHop, final int handle, final int frameOffset, final int frameLength, final long nowNanos)
    {
        checkOpen();
        checkNextHop(nextHop);
        checkFrame(handle, frameOffset, frameLength);
        int slot = cache.slotOf(nextHop);
        if (slot != ArpCache.NO_SLOT)
        {
            final ArpState state = cache.stateAt(slot);
            final boolean current = nowNanos - cache.expiresAt(slot) < 0;
            if (state == ArpState.INCOMPLETE)
            {
                return park(slot, handle, frameOffset, frameLength);
            }
            if (ArpCache.isResolved(state) && current)
            {
                refreshIfDue(slot, nowNanos);
                transmitResolved(cache.hardwareAddress(slot), handle, frameOffset, frameLength);
                return true;
            }
            if (state == ArpState.FAILED && current)
            {
                counters.increment(ArpEvent.NEGATIVE_CACHE_REFUSALS);
                return false;
            }
            // Expired, not yet aged out by poll: resolve it again in the same slot.
        }
        if (!pending.hasRoom())
        {
            counters.increment(ArpEvent.QUEUE_LIMIT_REFUSALS);
            return false;
        }
        if (slot == ArpCache.NO_SLOT)
        {
            slot = newEntry(nextHop, nowNanos);
            if (slot == ArpCache.NO_SLOT)
            {
                return false;
            }
        }
        park(slot, handle, frameOffset, frameLength);
        startResolution(slot, nowNanos);
        return true;
    }

    /**
     * Sends a broadcast request for {@code targetAddress} now (arping). Starts resolution if the address has no
     * usable entry, so that the answer is cached; an entry in progress keeps its retry schedule.
     *
     * @return whether the request was handed to the transmitter.
     * @throws IllegalArgumentException if the address is not a unicast address or is ours.
     * @throws IllegalStateException    after {@link #close()}.
     */
    public boolean sendRequest(final int targetAddress, final long nowNanos)
    {
        checkOpen();
        checkNextHop(targetAddress);
        int slot = cache.slotOf(targetAddress);
        if (slot != ArpCache.NO_SLOT)
        {
            final ArpState state = cache.stateAt(slot);
            if (state == ArpState.INCOMPLETE || (ArpCache.isResolved(state) && nowNanos - cache.expiresAt(slot) < 0))
            {
                return sendResolutionRequest(targetAddress);
            }
        }
        else
        {
            slot = newEntry(targetAddress, nowNanos);
            if (slot == ArpCache.NO_SLOT)
            {
                return sendResolutionRequest(targetAddress); // untracked: the cache is full of resolutions
            }
        }
        return startResolution(slot, nowNanos);
    }

    private boolean park(final int slot, final int handle, final int frameOffset, final int frameLength)
    {
        if (!pending.canAdd(slot))
        {
            counters.increment(ArpEvent.QUEUE_LIMIT_REFUSALS);
            return false;
        }
        pending.add(slot, handle, frameOffset, frameLength);
        pool.handOver(handle, BufferHolder.STACK);
        counters.increment(ArpEvent.FRAMES_QUEUED);
        return true;
    }

    /** Makes the slot INCOMPLETE and sends the first broadcast request; the retries come from poll. */
    private boolean startResolution(final int slot, final long nowNanos)
    {
        cache.state(slot, ArpState.INCOMPLETE);
        cache.hardwareAddress(slot, MacAddress.NONE);
        cache.updatedAt(slot, nowNanos);
        cache.requestsSent(slot, 1);
        final long next = nowNanos + config.retryIntervalNanos();
        cache.nextRequestAt(slot, next);
        arm(next);
        return sendResolutionRequest(cache.address(slot));
    }

    private boolean sendResolutionRequest(final int target)
    {
        // RFC 826: a broadcast request; RFC 5227 §2.1.1: target hardware address all zeros.
        if (sendArp(ArpPacket.OPERATION_REQUEST, MacAddress.BROADCAST, MacAddress.NONE, local.primary(), target))
        {
            counters.increment(ArpEvent.REQUESTS_SENT);
            return true;
        }
        return false;
    }

    /** A slot for a new entry, evicting the oldest one that is not INCOMPLETE if the cache is full (counted). */
    private int newEntry(final int address, final long nowNanos)
    {
        if (!cache.hasFreeSlot())
        {
            final int victim = cache.oldestEvictable();
            if (victim == ArpCache.NO_SLOT)
            {
                counters.increment(ArpEvent.CACHE_FULL);
                return ArpCache.NO_SLOT;
            }
            cache.remove(victim); // not INCOMPLETE, so nothing is parked on it
            counters.increment(ArpEvent.CACHE_EVICTIONS);
        }
        return cache.add(address, ArpState.INCOMPLETE, nowNanos);
    }

    // ------------------------------------------------------------------ timers

    /**
     * Runs the timers: retries of resolutions in progress, giving up (parked frames released and counted, the entry
     * negatively cached), expiry of entries and of the negative cache, pending announcements. Returns the work done
     * (frames sent plus entries changed). Before the earliest deadline it returns at once.
     */
    public int poll(final long nowNanos)
    {
        if (closed || !timerArmed || nowNanos - nextDeadline < 0)
        {
            return 0;
        }
        timerArmed = false;
        int work = 0;
        for (int slot = 0; slot < cache.capacity(); slot++)
        {
            final ArpState state = cache.stateAt(slot);
            if (state == null)
            {
                continue;
            }
            if (state == ArpState.INCOMPLETE)
            {
                work += pollResolution(slot, nowNanos);
            }
            else if (nowNanos - cache.expiresAt(slot) >= 0)
            {
                counters.increment(ArpEvent.CACHE_EXPIRIES);
                cache.remove(slot);
                work++;
            }
            else
            {
                arm(cache.expiresAt(slot));
            }
        }
        for (int i = 0; i < local.count(); i++)
        {
            if (local.announcementsLeft(i) > 0)
            {
                if (nowNanos - local.nextAnnouncementAt(i) >= 0)
                {
                    announce(i, nowNanos);
                    work++;
                }
                if (local.announcementsLeft(i) > 0)
                {
                    arm(local.nextAnnouncementAt(i));
                }
            }
        }
        return work;
    }

    private int pollResolution(final int slot, final long nowNanos)
    {
        if (nowNanos - cache.nextRequestAt(slot) < 0)
        {
            arm(cache.nextRequestAt(slot));
            return 0;
        }
        final int sent = cache.requestsSent(slot);
        if (sent < config.maxRequests())
        {
            cache.requestsSent(slot, sent + 1);
            final long next = nowNanos + config.retryIntervalNanos();
            cache.nextRequestAt(slot, next);
            arm(next);
            sendResolutionRequest(cache.address(slot));
            return 1;
        }
        // Every request went unanswered: give up, release what waited, remember the failure for a while.
        counters.increment(ArpEvent.RESOLUTION_FAILURES);
        final int released = releasePending(slot);
        if (config.negativeCacheNanos() == 0)
        {
            cache.remove(slot);
        }
        else
        {
            cache.state(slot, ArpState.FAILED);
            cache.updatedAt(slot, nowNanos);
            final long until = nowNanos + config.negativeCacheNanos();
            cache.expiresAt(slot, until);
            arm(until);
        }
        return 1 + released;
    }

    private void arm(final long deadline)
    {
        if (!timerArmed || deadline - nextDeadline < 0)
        {
            nextDeadline = deadline;
            timerArmed = true;
        }
    }

    // ------------------------------------------------------------------ send

    private void announce(final int i, final long nowNanos)
    {
        sendAnnouncement(local.address(i));
        local.scheduleAnnouncements(i, local.announcementsLeft(i) - 1, nowNanos + config.announceIntervalNanos());
        if (local.announcementsLeft(i) > 0)
        {
            arm(local.nextAnnouncementAt(i));
        }
    }

    /** RFC 5227 §2.3: a broadcast request with our address as both sender and target, target hardware zero. */
    private void sendAnnouncement(final int address)
    {
        if (sendArp(ArpPacket.OPERATION_REQUEST, MacAddress.BROADCAST, MacAddress.NONE, address, address))
        {
            counters.increment(ArpEvent.GRATUITOUS_SENT);
        }
    }

    /**
     * Builds an ARP frame in a fresh pool buffer (Ethernet header with the configured VLAN, the packet, zero padding
     * to the minimum frame) and transmits it. Returns whether the transmitter took it; failures are counted.
     */
    private boolean sendArp(
        final int operation, final long destination, final long targetMac, final int sender, final int target)
    {
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        if (handle == PacketBufferPool.NO_BUFFER)
        {
            counters.increment(ArpEvent.NO_BUFFER);
            return false;
        }
        final int offset = pool.offset(handle);
        final int header = EthernetFrame.writeHeader(
            memory, offset, destination, localMac, config.vlanId(), 0, EtherType.ARP);
        final int length = header + ArpPacket.write(
            memory, offset + header, operation, localMac, sender, targetMac, target);
        memory.setMemory(offset + length, EthernetFrame.MIN_FRAME_LENGTH - length, (byte)0);
        if (!transmitter.transmit(handle, offset, EthernetFrame.MIN_FRAME_LENGTH))
        {
            pool.release(handle);
            counters.increment(ArpEvent.TRANSMIT_REFUSED);
            return false;
        }
        return true;
    }

    private void transmitResolved(final long mac, final int handle, final int frameOffset, final int frameLength)
    {
        MacAddress.write(memory, frameOffset + EthernetFrame.DESTINATION_OFFSET, mac);
        if (!transmitter.transmit(handle, frameOffset, frameLength))
        {
            pool.release(handle);
            counters.increment(ArpEvent.TRANSMIT_REFUSED);
        }
    }

    /** The next hop resolved: its parked frames get their destination address and go out in arrival order. */
    private void transmitPending(final int slot, final long mac)
    {
        int node;
        while ((node = pending.removeFirst(slot)) != PendingFrames.NO_NODE)
        {
            final int handle = pending.handle(node);
            final int offset = pending.offset(node);
            final int length = pending.length(node);
            pending.recycle(node);
            counters.increment(ArpEvent.FRAMES_RELEASED_ON_RESOLUTION);
            transmitResolved(mac, handle, offset, length);
        }
    }

    private int releasePending(final int slot)
    {
        int released = 0;
        int node;
        while ((node = pending.removeFirst(slot)) != PendingFrames.NO_NODE)
        {
            final int handle = pending.handle(node);
            pending.recycle(node);
            pool.release(handle);
            released++;
        }
        counters.add(ArpEvent.UNRESOLVED_DROPS, released);
        return released;
    }

    // ------------------------------------------------------------------ checks

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("this ArpResolver is closed: make a new one for the interface");
        }
    }

    private void checkNextHop(final int nextHop)
    {
        if (!ProtocolAddress.isUnicast(nextHop))
        {
            throw new IllegalArgumentException("next hop " + ProtocolAddress.toString(nextHop) +
                " is not a unicast address: multicast maps to a MAC directly (RFC 1112 §6.4), broadcast to " +
                "ff:ff:ff:ff:ff:ff; 0/8, 127/8 and 240/4 never leave the host (RFC 1122 §3.2.1.3)");
        }
        if (local.contains(nextHop))
        {
            throw new IllegalArgumentException("next hop " + ProtocolAddress.toString(nextHop) +
                " is our own address: deliver it locally instead of resolving it");
        }
    }

    private void checkFrame(final int handle, final int frameOffset, final int frameLength)
    {
        if (!pool.isHeld(handle))
        {
            throw new IllegalArgumentException("buffer " + handle + " is not held: enqueue a buffer you claimed " +
                "and still own");
        }
        final int start = frameOffset - pool.offset(handle);
        if (frameLength < EthernetFrame.HEADER_LENGTH || start < 0 || start + frameLength > pool.bufferSize())
        {
            throw new IllegalArgumentException("frame of " + frameLength + " B at offset " + frameOffset +
                " is not an Ethernet frame inside buffer " + handle + " (" + pool.offset(handle) + ".." +
                (pool.offset(handle) + pool.bufferSize()) + "): pass the frame's offset in the pool's memory and " +
                "a length of at least " + EthernetFrame.HEADER_LENGTH);
        }
    }

    // ------------------------------------------------------------------ views

    public ReasonCounters<ArpDrop> drops()
    {
        return drops;
    }

    public ArpCounters counters()
    {
        return counters;
    }

    public ArpCache cache()
    {
        return cache;
    }

    /**
     * Releases every parked buffer (counted as UNRESOLVED_DROPS); afterwards received packets and timers are
     * ignored and the sending methods refuse. Closing twice does nothing.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int slot = 0; slot < cache.capacity(); slot++)
        {
            if (cache.stateAt(slot) == ArpState.INCOMPLETE)
            {
                releasePending(slot);
                cache.remove(slot);
            }
        }
    }

    @Override
    public String toString()
    {
        return "ArpResolver{" + MacAddress.toString(localMac) + ", " + cache + ", " + counters + ", " + drops + '}';
    }
}
