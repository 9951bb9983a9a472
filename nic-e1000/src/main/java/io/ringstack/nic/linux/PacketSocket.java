package io.ringstack.nic.linux;

import io.ringstack.nic.memory.RawMemory;
import io.ringstack.nic.wire.FrameSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static io.ringstack.nic.linux.Tpacket3.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An AF_PACKET socket on one interface with memory-mapped RX and TX rings in one format for both,
 * {@link PacketRingConfig#version()}: TPACKET_V2 ({@link Tpacket2}, the default) or TPACKET_V3 ({@link Tpacket3}).
 * It gives the raw Ethernet frames the interface receives, and sends frames out of it.
 * <p>
 * Receive ({@link #read}) copies the next received frame to the caller's memory (that copy is the frame's only
 * copy on this side) and gives its ring memory back at once. With V2 the kernel hands over every frame in its own
 * slot as soon as it has written it, so a lone frame waits for nothing: the choice for request/response traffic.
 * With V3 it hands over whole blocks of packets, when a block is full or its timer fires (at least 1 ms,
 * {@link PacketRingConfig#rxRetireMillis()}): fewer status words to touch under load, but up to that timer of added
 * latency for a lone frame (measured: a Linux flood ping got ~1000 echoes/s at ~1 ms RTT over V3). The status word
 * (tp_status of a V2 frame, block_status of a V3 block) is read with acquire and written back with release (a
 * {@link VarHandle} on the mapped segment): what the kernel wrote before it set TP_STATUS_USER is visible, and our
 * reads are done before the kernel may reuse the memory. Frames this host sent out of the interface are not ours
 * to receive: PACKET_IGNORE_OUTGOING (Linux 4.20+) keeps them out of the ring, and where that option is missing
 * they are skipped by sll_pkttype == PACKET_OUTGOING. The kernel keeps a received 802.1Q tag in the packet's
 * metadata (tp_vlan_tci); {@link #read} puts it back into the frame, as it was on the wire.
 * <p>
 * Transmit ({@link #queue}, {@link #flush}): the TX ring is frame-based in both versions (packet_mmap.rst,
 * "TPACKET_V2 --> TPACKET_V3": V3 uses tpacket3_hdr with tp_next_offset 0). A frame is copied into the next slot,
 * after the version's header (32 bytes for V2, 48 for V3), whose status goes to TP_STATUS_SEND_REQUEST with a
 * release store; {@link #flush} is one send(2) that makes the kernel send every requested slot, so a burst of frames
 * costs one system call. The TX ring was chosen over send(2) per frame for that: a device transmits in bursts (one
 * TDT write), and the copy into the slot is the same one copy send(2) would make into a socket buffer. Both rings
 * live in one mmap (RX first, then TX), as packet_mmap.rst asks for a socket with both; PACKET_LOSS is on, so a
 * malformed frame is dropped by the kernel instead of stopping the ring.
 * <p>
 * The socket is opened with protocol 0 (it receives nothing) and bound to {@code ETH_P_ALL} on its interface only
 * after the rings are set up, so no frame of another interface ever lands in the ring. With
 * {@link PacketRingConfig#promiscuous()} the interface takes frames for every address (the membership ends with the
 * socket).
 * <p>
 * What the kernel hands over is what was on the wire, with two exceptions worth knowing. A packet sent by a
 * program on this host whose checksum was left to offload (through a veth, whose TX checksum offload is on by
 * default) arrives with the TCP or UDP checksum field holding only the pseudo-header's sum: the kernel says so in
 * tp_status (TP_STATUS_CSUMNOTREADY), and {@link #lastFrameFlags()} passes it on to the device, which completes or
 * vouches for the checksum as Linux itself does for such a packet (counted: CHECKSUM_NOT_READY). And a peer's TCP
 * segmentation offload (TSO/GSO, on by default on a veth) hands over TCP packets of up to 64 KiB, uncut
 * (TP_STATUS_GSO_TCP on Linux 6.3+): {@link #read} cuts each into frames of at most
 * {@link PacketRingConfig#maxFrameLength()} bytes, as the kernel would have before a NIC without TSO
 * ({@link TcpSegmentation}; counted GSO_PACKETS, GSO_SEGMENTS), each with its checksum left to the device.
 * <p>
 * Such a packet must first arrive whole. A V2 slot is sized for a frame (2 KiB by default: 1024 slots in 2 MiB, so
 * that a burst of small frames finds room and a lone one is handed over at once), so the socket sets
 * PACKET_COPY_THRESH: the kernel then also queues a packet longer than its slot on the socket, whole, and marks the
 * slot TP_STATUS_COPY; {@link #read} takes it with one recv(2) into a preallocated 64 KiB buffer (counted
 * QUEUED_COPIES) and cuts it from there. Slots of 64 KiB would have needed 64 MiB for the same 1024 slots, or cost
 * the ring its depth; one system call per 64 KiB of data is cheap. A V3 block holds variable-size packets, so a
 * block over 64 KiB (128 KiB in {@link PacketRingConfig#THROUGHPUT}) holds such a packet in the ring, and it is
 * cut from there; the block is given back after its last frame.
 * <p>
 * Threads: one thread reads, one thread queues and flushes (they may differ). Not for the frame paths: the
 * constructor, {@link #readKernelStatistics}, {@link #close}.
 */
public final class PacketSocket implements AutoCloseable
{
    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();
    private static final ValueLayout.OfShort SHORT_BIG_ENDIAN =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** All of memory, to copy to and from the addresses of DMA buffers without a segment per frame. */
    private static final MemorySegment ALL_MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final int ETHERTYPE_VLAN = 0x8100;
    /** The longest frame the socket's queue can hand over: an IPv4 packet of 65535 bytes, Ethernet header, a tag. */
    static final int COPY_BUFFER_SIZE = 65_536 + 256;
    /** SO_RCVBUF for the frames the kernel queues whole (V2, longer than a slot): some 30 TSO packets of 64 KiB. */
    static final int QUEUE_BYTES = 4 << 20;

    private final String interfaceName;
    private final int interfaceIndex;
    private final int fd;
    private final PacketRingConfig config;
    private final boolean ignoreOutgoingInKernel;
    private final long mapAddress;
    private final long mapLength;
    private final MemorySegment rxRing;
    private final MemorySegment txRing;
    /** TPACKET_V2: frames handed over one by one; otherwise TPACKET_V3 blocks. */
    private final boolean perFrame;
    private final int rxBlockSize;
    private final int rxBlockCount;
    private final int rxFrameSize;
    private final int rxFramesPerBlock;
    private final int txStatusOffset;
    private final int txLengthOffset;
    private final int txDataOffset;
    private final int txFrameSize;
    private final int txFrameCount;
    private final int txFramesPerBlock;
    private final int txBlockSize;
    private final int txCapacity;
    private final Arena arena = Arena.ofShared();
    private final Libc kickCalls;
    private final FdPoll readable;
    private final PortCounters counters = new PortCounters();
    private final TcpSegmentation segmentation;
    /** V2: where a frame longer than a slot is read whole from the socket's queue (0 and 0 for V3). */
    private final long copyAddress;
    private final int copyCapacity;
    private final Libc receiveCalls;

    // receive cursor (the reading thread): V3 the block and the packet in it, V2 the frame slot in the block
    private int rxBlock;
    private long rxPacket;
    private int rxPacketsLeft;
    private int rxFrameInBlock;
    private int lastFrameFlags;
    /** V2: the slot holding the packet being cut into frames, given back after its last frame; -1 if none. */
    private long heldSlot = -1;
    /** V3: the packet being cut into frames lies in the current block, which stays ours until its last frame. */
    private boolean holdingBlockPacket;
    // transmit cursor (the sending thread)
    private int txSlot;
    private int txQueued;
    private volatile boolean closed;

    private PacketSocket(final String interfaceName, final int interfaceIndex, final int fd,
        final PacketRingConfig config, final boolean ignoreOutgoingInKernel, final long mapAddress, final long rxLength,
        final long txLength)
    {
        this.interfaceName = interfaceName;
        this.interfaceIndex = interfaceIndex;
        this.fd = fd;
        this.config = config;
        this.ignoreOutgoingInKernel = ignoreOutgoingInKernel;
        this.mapAddress = mapAddress;
        this.mapLength = rxLength + txLength;
        this.rxRing = MemorySegment.ofAddress(mapAddress).reinterpret(rxLength);
        this.txRing = MemorySegment.ofAddress(mapAddress + rxLength).reinterpret(txLength);
        this.rxBlockSize = config.rxBlockSize();
        this.rxBlockCount = config.rxBlockCount();
        this.perFrame = config.version() == TpacketVersion.V2;
        this.rxFrameSize = config.rxFrameSize();
        this.rxFramesPerBlock = config.rxFramesPerBlock();
        this.txStatusOffset = perFrame ? Tpacket2.TP_STATUS_OFFSET : TP_STATUS_OFFSET;
        this.txLengthOffset = perFrame ? Tpacket2.TP_LEN_OFFSET : TP_LEN_OFFSET;
        this.txDataOffset = config.version().txDataOffset();
        this.txFrameSize = config.txFrameSize();
        this.txFrameCount = config.txBlockCount() * config.txFramesPerBlock();
        this.txFramesPerBlock = config.txFramesPerBlock();
        this.txBlockSize = config.txBlockSize();
        this.txCapacity = config.txFrameCapacity();
        this.kickCalls = new Libc(arena);
        this.receiveCalls = new Libc(arena);
        this.readable = new FdPoll(arena, fd, Libc.POLLIN);
        this.segmentation = new TcpSegmentation(config.maxFrameLength(), counters);
        this.copyCapacity = perFrame ? COPY_BUFFER_SIZE : 0;
        this.copyAddress = perFrame ? arena.allocate(COPY_BUFFER_SIZE, 64).address() : 0;
    }

    public static PacketSocket open(final String interfaceName)
    {
        return open(interfaceName, PacketRingConfig.DEFAULT);
    }

    /**
     * Opens a packet socket on {@code interfaceName} with RX and TX rings in the format of
     * {@link PacketRingConfig#version()}.
     *
     * @throws IllegalArgumentException if the name is not a valid interface name.
     * @throws LinuxCallException       saying what is missing: the interface (ENODEV), CAP_NET_RAW (EPERM), memory
     *                                  for the rings, ...
     */
    public static PacketSocket open(final String interfaceName, final PacketRingConfig config)
    {
        InterfaceName.check(interfaceName, "interface");
        try (Arena setup = Arena.ofConfined())
        {
            final Libc libc = new Libc(setup);
            final int index = libc.ifNameToIndex(setup.allocateFrom(interfaceName));
            if (index == 0)
            {
                throw new LinuxCallException("if_nametoindex", libc.errno(), "interface " + interfaceName +
                    " not found" + (libc.errno() == Errno.ENODEV ? " (in this network namespace)" : ""));
            }
            final int fd = libc.socket(AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0)
            {
                throw socketFailure(libc.errno());
            }
            long map = Libc.MAP_FAILED;
            long mapLength = 0;
            try
            {
                setInt(libc, setup, fd, PACKET_VERSION, config.version().optionValue(),
                    "selecting TPACKET_" + config.version() + " (V3: Linux 3.2+)");
                setInt(libc, setup, fd, PACKET_LOSS, 1, "setting PACKET_LOSS");
                final boolean ignoreOutgoing = setIgnoreOutgoing(libc, setup, fd);
                if (config.version() == TpacketVersion.V2)
                {
                    // a frame longer than a slot (a peer's 64 KiB TSO packet) is queued whole too, for recv(2)
                    setInt(libc, setup, fd, PACKET_COPY_THRESH, 1, "setting PACKET_COPY_THRESH");
                    setQueueBytes(libc, setup, fd);
                }

                // struct tpacket_req3; V2 reads only its first part, struct tpacket_req
                final MemorySegment rxRequest = setup.allocate(TPACKET_REQ3_LENGTH, 4);
                rxRequest.set(JAVA_INT, 0, config.rxBlockSize());
                rxRequest.set(JAVA_INT, 4, config.rxBlockCount());
                rxRequest.set(JAVA_INT, 8, config.rxFrameSize());
                rxRequest.set(JAVA_INT, 12, config.rxFrameCount());
                if (config.version() == TpacketVersion.V3)
                {
                    rxRequest.set(JAVA_INT, 16, config.rxRetireMillis());
                }
                if (libc.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, rxRequest) < 0)
                {
                    throw ringFailure(libc.errno(), "RX", config.rxBlockCount(), config.rxBlockSize());
                }
                final MemorySegment txRequest = setup.allocate(TPACKET_REQ3_LENGTH, 4); // tov, priv, features: 0
                txRequest.set(JAVA_INT, 0, config.txBlockSize());
                txRequest.set(JAVA_INT, 4, config.txBlockCount());
                txRequest.set(JAVA_INT, 8, config.txFrameSize());
                txRequest.set(JAVA_INT, 12, config.txBlockCount() * config.txFramesPerBlock());
                if (libc.setsockopt(fd, SOL_PACKET, PACKET_TX_RING, txRequest) < 0)
                {
                    throw ringFailure(libc.errno(), "TX", config.txBlockCount(), config.txBlockSize());
                }
                final long rxLength = (long)config.rxBlockSize() * config.rxBlockCount();
                final long txLength = (long)config.txBlockSize() * config.txBlockCount();
                mapLength = rxLength + txLength;
                map = libc.mmap(0, mapLength, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
                if (map == Libc.MAP_FAILED)
                {
                    throw new LinuxCallException("mmap", libc.errno(), "mapping the packet rings (" + mapLength +
                        " B) of the socket on " + interfaceName + " (RLIMIT_MEMLOCK or memory)");
                }

                final MemorySegment address = setup.allocate(SOCKADDR_LL_LENGTH, 4);
                address.set(JAVA_SHORT, 0, (short)AF_PACKET);
                address.set(SHORT_BIG_ENDIAN, 2, (short)ETH_P_ALL);
                address.set(JAVA_INT, 4, index);
                if (libc.bind(fd, address) < 0)
                {
                    throw new LinuxCallException("bind", libc.errno(), "binding the packet socket to interface " +
                        interfaceName + " (index " + index + ")" +
                        (libc.errno() == Errno.ENODEV ? ": it went away" : ""));
                }
                if (config.promiscuous())
                {
                    final MemorySegment membership = setup.allocate(PACKET_MREQ_LENGTH, 4);
                    membership.set(JAVA_INT, 0, index);
                    membership.set(JAVA_SHORT, 4, (short)PACKET_MR_PROMISC);
                    if (libc.setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, membership) < 0)
                    {
                        throw new LinuxCallException("setsockopt(PACKET_ADD_MEMBERSHIP)", libc.errno(),
                            "putting interface " + interfaceName + " in promiscuous mode");
                    }
                }
                return new PacketSocket(interfaceName, index, fd, config, ignoreOutgoing, map, rxLength, txLength);
            }
            catch (final RuntimeException ex)
            {
                if (map != Libc.MAP_FAILED)
                {
                    libc.munmap(map, mapLength);
                }
                libc.close(fd);
                throw ex;
            }
        }
    }

    private static LinuxCallException socketFailure(final int errno)
    {
        final String what = switch (errno)
        {
            case Errno.EPERM, Errno.EACCES -> "opening an AF_PACKET socket needs CAP_NET_RAW";
            case Errno.EAFNOSUPPORT -> "opening an AF_PACKET socket: this kernel has no packet sockets " +
                "(CONFIG_PACKET, modprobe af_packet)";
            default -> "opening an AF_PACKET socket";
        };
        return new LinuxCallException("socket(AF_PACKET)", errno, what);
    }

    private static LinuxCallException ringFailure(final int errno, final String ring, final int blocks, final int size)
    {
        final String why = switch (errno)
        {
            case Errno.ENOMEM -> ": not enough memory for it";
            case Errno.EINVAL -> ": the kernel refuses these sizes (blocks must be page multiples, frames multiples " +
                "of 16 that fit a block)";
            case Errno.EBUSY -> ": the socket already has one";
            default -> "";
        };
        return new LinuxCallException("setsockopt(PACKET_" + ring + "_RING)", errno,
            "setting up the packet " + ring + " ring of " + blocks + " blocks of " + size + " B" + why);
    }

    private static void setInt(final Libc libc, final Arena setup, final int fd, final int option, final int value,
        final String what)
    {
        final MemorySegment segment = setup.allocateFrom(JAVA_INT, value);
        if (libc.setsockopt(fd, SOL_PACKET, option, segment) < 0)
        {
            throw new LinuxCallException("setsockopt", libc.errno(), what + " on the packet socket");
        }
    }

    /**
     * Room on the socket's queue for the frames the kernel queues whole ({@link #QUEUE_BYTES}): SO_RCVBUFFORCE
     * (CAP_NET_ADMIN), else SO_RCVBUF, which the kernel caps at net.core.rmem_max. A queue that is full makes the
     * kernel keep only a slot's part of a long frame (counted TRUNCATED), so less room costs frames, not function.
     */
    private static void setQueueBytes(final Libc libc, final Arena setup, final int fd)
    {
        final MemorySegment bytes = setup.allocateFrom(JAVA_INT, QUEUE_BYTES);
        if (libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, bytes) < 0)
        {
            libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, bytes);
        }
    }

    /** PACKET_IGNORE_OUTGOING where the kernel has it (4.20+); without it, outgoing frames are skipped by type. */
    private static boolean setIgnoreOutgoing(final Libc libc, final Arena setup, final int fd)
    {
        final MemorySegment one = setup.allocateFrom(JAVA_INT, 1);
        if (libc.setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, one) == 0)
        {
            return true;
        }
        if (libc.errno() == Errno.ENOPROTOOPT)
        {
            return false;
        }
        throw new LinuxCallException("setsockopt(PACKET_IGNORE_OUTGOING)", libc.errno(),
            "asking the packet socket to ignore outgoing frames");
    }

    public String interfaceName()
    {
        return interfaceName;
    }

    public int interfaceIndex()
    {
        return interfaceIndex;
    }

    public int fd()
    {
        return fd;
    }

    public PacketRingConfig config()
    {
        return config;
    }

    /** Whether the kernel keeps this host's outgoing frames out of the ring (PACKET_IGNORE_OUTGOING). */
    public boolean ignoresOutgoingInKernel()
    {
        return ignoreOutgoingInKernel;
    }

    /** What this socket counted: frames skipped or adjusted on receive, TX ring slots, kicks, errors. */
    public PortCounters counters()
    {
        return counters;
    }

    // ---------------------------------------------------------------- receive

    /**
     * Copies the next received frame to native memory at {@code address}, at most {@code capacity} bytes; never
     * blocks, allocates nothing, and makes no system call but one recv(2) for a V2 frame longer than a slot. A TCP
     * packet of a peer's segmentation offload comes as the frames it is cut into ({@link TcpSegmentation}), one per
     * call; a malformed one is dropped (counted) and the next frame read instead.
     *
     * @return the frame's length (more than {@code capacity} when it did not fit, or did not fit the ring: then
     *         not all of it was written), 0 when no frame is waiting.
     */
    public int read(final long address, final int capacity)
    {
        lastFrameFlags = 0;
        if (segmentation.hasNext())
        {
            final int length = nextSegment(address, capacity);
            if (!segmentation.hasNext())
            {
                releaseHeldPacket();
            }
            return length;
        }
        return perFrame ? readFrame(address, capacity) : readFromBlock(address, capacity);
    }

    /** Whether frames cut from a segmentation-offload packet wait for {@link #read} (the ring may be empty). */
    public boolean hasPendingFrames()
    {
        return segmentation.hasNext();
    }

    /**
     * What the kernel said of the checksums of the frame the last {@link #read} returned, as
     * {@link FrameSource#frameFlags()}: {@link FrameSource#CHECKSUM_PARTIAL} for TP_STATUS_CSUMNOTREADY (a packet
     * of this host whose transport checksum was left to offload) and for every frame cut from a segmentation-offload
     * packet, {@link FrameSource#CHECKSUM_VERIFIED} for TP_STATUS_CSUM_VALID, else 0. The reading thread only.
     */
    public int lastFrameFlags()
    {
        return lastFrameFlags;
    }

    /**
     * af_packet.c tpacket_rcv: TP_STATUS_CSUMNOTREADY when the packet is CHECKSUM_PARTIAL (sent on this host, its
     * checksum left to a device it never reached), else TP_STATUS_CSUM_VALID when the checksum was verified
     * (CHECKSUM_UNNECESSARY).
     */
    private static int checksumFlags(final int status)
    {
        if ((status & TP_STATUS_CSUMNOTREADY) != 0)
        {
            return FrameSource.CHECKSUM_PARTIAL;
        }
        return (status & TP_STATUS_CSUM_VALID) != 0 ? FrameSource.CHECKSUM_VERIFIED : 0;
    }

    /**
     * TPACKET_V2: the frame in the next slot if the kernel has handed it over (acquire on tp_status: the frame the
     * kernel wrote before setting TP_STATUS_USER is visible), the slot given back with a release store: at once, or
     * after the last frame cut from a segmentation-offload packet that lies in it. A frame longer than the slot
     * (TP_STATUS_COPY) is read whole from the socket's queue.
     */
    private int readFrame(final long address, final int capacity)
    {
        final MemorySegment ring = rxRing;
        while (true)
        {
            final long slot = rxPacket;
            final int status = (int)INT_HANDLE.getAcquire(ring, slot + Tpacket2.TP_STATUS_OFFSET);
            if ((status & TP_STATUS_USER) == 0)
            {
                return 0;
            }
            final int type = ring.get(JAVA_BYTE, slot + Tpacket2.SLL_PKTTYPE_OFFSET) & 0xFF;
            if (type == PACKET_OUTGOING)
            {
                counters.increment(PortCounter.OUTGOING_SKIPPED);
                if ((status & TP_STATUS_COPY) != 0)
                {
                    takeQueuedCopy(0); // the whole frame the kernel queued as well: discarded with it
                }
                returnFrame(slot);
                continue;
            }
            int snapLength = ring.get(JAVA_INT, slot + Tpacket2.TP_SNAPLEN_OFFSET);
            final int length = ring.get(JAVA_INT, slot + Tpacket2.TP_LEN_OFFSET);
            long frame = mapAddress + slot + (ring.get(JAVA_SHORT, slot + Tpacket2.TP_MAC_OFFSET) & 0xFFFF);
            boolean inRing = true;
            if ((status & TP_STATUS_COPY) != 0)
            {
                final int copied = takeQueuedCopy(copyCapacity);
                if (copied == length)
                {
                    frame = copyAddress;
                    snapLength = copied;
                    inRing = false;
                }
            }
            int tpid = 0;
            int tci = 0;
            if ((status & TP_STATUS_VLAN_VALID) != 0)
            {
                tci = ring.get(JAVA_SHORT, slot + Tpacket2.TP_VLAN_TCI_OFFSET) & 0xFFFF;
                tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ?
                    ring.get(JAVA_SHORT, slot + Tpacket2.TP_VLAN_TPID_OFFSET) & 0xFFFF : ETHERTYPE_VLAN;
            }
            final int result = deliver(frame, snapLength, length, status, tpid, tci, address, capacity);
            if (inRing && segmentation.hasNext())
            {
                heldSlot = slot; // its other frames are cut from it: given back after the last
                return result;
            }
            returnFrame(slot);
            if (result != 0)
            {
                return result;
            }
        }
    }

    /**
     * recv(2) of the frame the kernel queued whole besides a slot that holds only its start (TP_STATUS_COPY, one
     * queued frame per such slot, in the ring's order), into the copy buffer; with {@code capacity} 0 it is
     * discarded.
     *
     * @return the frame's length, or -1 if it could not be had whole (counted; the slot's part is then used).
     */
    private int takeQueuedCopy(final int capacity)
    {
        final int flags = Libc.MSG_DONTWAIT | Libc.MSG_TRUNC;
        long received = receiveCalls.recvNoErrno(fd, copyAddress, capacity, flags);
        if (received < 0)
        {
            received = receiveCalls.recv(fd, copyAddress, capacity, flags); // a failed recv took nothing
            if (received < 0)
            {
                counters.receiveError(receiveCalls.errno());
                return -1;
            }
        }
        if (received > capacity)
        {
            return capacity == 0 ? (int)received : -1; // longer than any IPv4 packet: the slot's part, truncated
        }
        counters.increment(PortCounter.QUEUED_COPIES);
        return (int)received;
    }

    /**
     * Hands a V2 frame slot back (release: every read of it comes before the kernel may write it again) and moves
     * to the next slot: frames follow each other in a block, and the next block starts at its boundary.
     */
    private void returnFrame(final long slot)
    {
        INT_HANDLE.setRelease(rxRing, slot + Tpacket2.TP_STATUS_OFFSET, TP_STATUS_KERNEL);
        counters.increment(PortCounter.FRAMES_RETURNED);
        if (++rxFrameInBlock < rxFramesPerBlock)
        {
            rxPacket = slot + rxFrameSize;
            return;
        }
        rxFrameInBlock = 0;
        rxBlock = rxBlock + 1 == rxBlockCount ? 0 : rxBlock + 1;
        rxPacket = (long)rxBlock * rxBlockSize;
    }

    /** TPACKET_V3: the next packet of the oldest handed-over block. */
    private int readFromBlock(final long address, final int capacity)
    {
        while (true)
        {
            if (rxPacketsLeft == 0 && !openNextBlock())
            {
                return 0;
            }
            final long packet = rxPacket;
            final MemorySegment ring = rxRing;
            final int status = ring.get(JAVA_INT, packet + TP_STATUS_OFFSET);
            final int snapLength = ring.get(JAVA_INT, packet + TP_SNAPLEN_OFFSET);
            final int length = ring.get(JAVA_INT, packet + TP_LEN_OFFSET);
            final int mac = ring.get(JAVA_SHORT, packet + TP_MAC_OFFSET) & 0xFFFF;
            final int type = ring.get(JAVA_BYTE, packet + SLL_PKTTYPE_OFFSET) & 0xFF;
            rxPacket = packet + ring.get(JAVA_INT, packet + TP_NEXT_OFFSET_OFFSET);
            rxPacketsLeft--;
            if (type == PACKET_OUTGOING)
            {
                counters.increment(PortCounter.OUTGOING_SKIPPED);
                finishPacket();
                continue;
            }
            int tpid = 0;
            int tci = 0;
            if ((status & TP_STATUS_VLAN_VALID) != 0)
            {
                tci = ring.get(JAVA_INT, packet + TP_VLAN_TCI_OFFSET) & 0xFFFF;
                tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ?
                    ring.get(JAVA_SHORT, packet + TP_VLAN_TPID_OFFSET) & 0xFFFF : ETHERTYPE_VLAN;
            }
            final int result = deliver(mapAddress + packet + mac, snapLength, length, status, tpid, tci, address,
                capacity);
            if (segmentation.hasNext())
            {
                holdingBlockPacket = true; // its other frames are cut from it: the block stays ours until the last
                return result;
            }
            finishPacket();
            if (result != 0)
            {
                return result;
            }
        }
    }

    /**
     * One packet of {@code length} bytes ({@code snapLength} of them at native {@code frame}) to the caller's memory:
     * a segmentation-offload packet cut into frames, the first written now ({@link TcpSegmentation}), any other
     * frame copied with its 802.1Q tag (tpid 0: none) put back.
     *
     * @return the length of the frame written, or 0 if the packet was dropped (counted).
     */
    private int deliver(final long frame, final int snapLength, final int length, final int status, final int tpid,
        final int tci, final long address, final int capacity)
    {
        final int flags = checksumFlags(status);
        if ((status & TP_STATUS_GSO_TCP) != 0)
        {
            counters.increment(PortCounter.GSO_TCP);
        }
        // Linux 6.3+ marks segmentation-offload packets; before it, a TCP packet longer than a frame whose checksum
        // was left to offload can only be one (begin() drops what is no TCP).
        final boolean segment = (status & TP_STATUS_GSO_TCP) != 0 ||
            flags == FrameSource.CHECKSUM_PARTIAL && length > segmentation.maxFrameLength();
        if (segment && snapLength >= length)
        {
            return segmentation.begin(frame, length, tpid, tci, flags) ? nextSegment(address, capacity) : 0;
        }
        if (flags == FrameSource.CHECKSUM_PARTIAL)
        {
            counters.increment(PortCounter.CHECKSUM_NOT_READY);
        }
        else if (flags == FrameSource.CHECKSUM_VERIFIED)
        {
            counters.increment(PortCounter.CHECKSUM_VALID);
        }
        lastFrameFlags = flags;
        if (tpid != 0)
        {
            return copyWithTag(frame, snapLength, length, tpid, tci, address, capacity);
        }
        RawMemory.copyToNative(null, frame, address, Math.min(snapLength, capacity));
        return reported(snapLength, length, capacity);
    }

    private int nextSegment(final long address, final int capacity)
    {
        counters.increment(PortCounter.CHECKSUM_NOT_READY);
        lastFrameFlags = FrameSource.CHECKSUM_PARTIAL;
        return segmentation.next(address, capacity);
    }

    /** After the last frame cut from a packet in the ring: its slot (V2) or its place in the block (V3) goes back. */
    private void releaseHeldPacket()
    {
        if (heldSlot >= 0)
        {
            final long slot = heldSlot;
            heldSlot = -1;
            returnFrame(slot);
        }
        if (holdingBlockPacket)
        {
            holdingBlockPacket = false;
            finishPacket();
        }
    }

    /** The length to report: a frame the ring held only in part must not pass for a whole one. */
    private int reported(final int snapLength, final int length, final int capacity)
    {
        if (snapLength < length)
        {
            counters.increment(PortCounter.TRUNCATED);
            return Math.max(length, capacity + 1);
        }
        return length;
    }

    /** The frame with its 802.1Q tag back after the source address (IEEE 802.1Q §9.3: TPID, then TCI). */
    private int copyWithTag(final long frame, final int snapLength, final int length, final int tpid, final int tci,
        final long address, final int capacity)
    {
        counters.increment(PortCounter.VLAN_TAGS_RESTORED);
        if (snapLength < 12)
        {
            RawMemory.copyToNative(null, frame, address, Math.min(snapLength, capacity));
            return Math.max(1, snapLength); // not even two addresses: undersize whatever the tag
        }
        if (capacity < 16)
        {
            return Math.max(length + 4, capacity + 1);
        }
        RawMemory.copyToNative(null, frame, address, 12);
        RawMemory.putShortBigEndian(null, address + 12, (short)tpid);
        RawMemory.putShortBigEndian(null, address + 14, (short)tci);
        RawMemory.copyToNative(null, frame + 12, address + 16, Math.min(snapLength - 12, capacity - 16));
        return reported(snapLength, length, capacity - 4) + 4;
    }
    /**
     * Takes the oldest block if the kernel has handed it over (acquire: its packets are then visible); a block that
     * was retired empty goes straight back.
     */
    private boolean openNextBlock()
    {
        for (int tried = 0; tried < rxBlockCount; tried++)
        {
            final long block = (long)rxBlock * rxBlockSize;
            final int status = (int)INT_HANDLE.getAcquire(rxRing, block + BLOCK_STATUS_OFFSET);
            if ((status & TP_STATUS_USER) == 0)
            {
                return false;
            }
            final int packets = rxRing.get(JAVA_INT, block + BLOCK_NUM_PKTS_OFFSET);
            if (packets > 0)
            {
                rxPacket = block + rxRing.get(JAVA_INT, block + BLOCK_OFFSET_TO_FIRST_PKT_OFFSET);
                rxPacketsLeft = packets;
                return true;
            }
            returnBlock();
        }
        return false;
    }

    private void finishPacket()
    {
        if (rxPacketsLeft == 0)
        {
            returnBlock();
        }
    }

    /** Hands the current block back (release: every read of it comes before the kernel may write it again). */
    private void returnBlock()
    {
        INT_HANDLE.setRelease(rxRing, (long)rxBlock * rxBlockSize + BLOCK_STATUS_OFFSET, TP_STATUS_KERNEL);
        rxBlock = rxBlock + 1 == rxBlockCount ? 0 : rxBlock + 1;
        counters.increment(PortCounter.BLOCKS_RETURNED);
    }

    /**
     * Waits up to {@code timeoutMillis} for a frame (V2) or a block (V3) to read.
     *
     * @return whether something (a block, or an error condition) is waiting.
     */
    public boolean awaitReadable(final int timeoutMillis)
    {
        if (segmentation.hasNext())
        {
            return true; // frames cut from a packet wait, whatever the ring holds
        }
        final int revents = readable.await(timeoutMillis);
        if (revents < 0)
        {
            throw new LinuxCallException("poll", -revents, "waiting for frames on the packet socket on " +
                interfaceName);
        }
        return revents != 0;
    }

    FdPoll readablePoll()
    {
        return readable;
    }

    /** Reads and clears the socket's pending error (SO_ERROR, e.g. ENETDOWN), so that poll(2) stops reporting it. */
    int takeError()
    {
        try (Arena call = Arena.ofConfined())
        {
            final Libc libc = new Libc(call);
            final MemorySegment value = call.allocate(JAVA_INT);
            final MemorySegment length = call.allocateFrom(JAVA_INT, 4);
            if (libc.getsockopt(fd, SOL_SOCKET, SO_ERROR, value, length) < 0)
            {
                return libc.errno();
            }
            return value.get(JAVA_INT, 0);
        }
    }

    // ---------------------------------------------------------------- transmit

    /**
     * Copies a frame of {@code length} bytes from native memory at {@code address} into the next TX slot and asks
     * the kernel to send it at the next {@link #flush}. When the ring is full it flushes and tries once more.
     *
     * @return false if the frame is longer than a slot or no slot came free (both counted): the frame is lost.
     */
    public boolean queue(final long address, final int length)
    {
        final long slot = claimSlot(length);
        if (slot < 0)
        {
            return false;
        }
        MemorySegment.copy(ALL_MEMORY, address, txRing, slot + txDataOffset, length);
        return submit(slot, length);
    }

    /** {@link #queue} from a heap array (tests; the device transmits from DMA memory). */
    public boolean queue(final byte[] array, final int offset, final int length)
    {
        final long slot = claimSlot(length);
        if (slot < 0)
        {
            return false;
        }
        MemorySegment.copy(array, offset, txRing, JAVA_BYTE, slot + txDataOffset, length);
        return submit(slot, length);
    }

    /** The offset of the next free slot, or -1 (counted) if the frame is too long or the ring is full. */
    private long claimSlot(final int length)
    {
        if (length > txCapacity || length <= 0)
        {
            counters.increment(PortCounter.TRANSMIT_OVERSIZE);
            return -1;
        }
        // slots never straddle blocks: a block whose size is no multiple of the slot's ends in unused bytes
        final long slot = (long)(txSlot / txFramesPerBlock) * txBlockSize + (long)(txSlot % txFramesPerBlock) *
            txFrameSize;
        int status = (int)INT_HANDLE.getAcquire(txRing, slot + txStatusOffset);
        if (status != TP_STATUS_AVAILABLE && status != TP_STATUS_WRONG_FORMAT)
        {
            flush(); // a burst longer than the free slots: send what is queued, then look again
            status = (int)INT_HANDLE.getAcquire(txRing, slot + txStatusOffset);
            if (status != TP_STATUS_AVAILABLE && status != TP_STATUS_WRONG_FORMAT)
            {
                counters.increment(PortCounter.TRANSMIT_RING_FULL);
                return -1;
            }
        }
        return slot;
    }

    private boolean submit(final long slot, final int length)
    {
        if (!perFrame)
        {
            txRing.set(JAVA_INT, slot + TP_NEXT_OFFSET_OFFSET, 0); // V3 TX: a frame per slot
        }
        txRing.set(JAVA_INT, slot + txLengthOffset, length);
        // release: the frame and tp_len are written before the kernel can see the request
        INT_HANDLE.setRelease(txRing, slot + txStatusOffset, TP_STATUS_SEND_REQUEST);
        txSlot = txSlot + 1 == txFrameCount ? 0 : txSlot + 1;
        txQueued++;
        counters.increment(PortCounter.FRAMES_SENT);
        counters.add(PortCounter.BYTES_SENT, length);
        return true;
    }

    /**
     * Tells the kernel to send every queued frame: one send(2), not waiting for the frames to leave (MSG_DONTWAIT).
     * Failures are counted (TRANSMIT_ERRORS, the errno in {@link PortCounters#lastTransmitErrno()}); queued frames
     * stay queued and go with the next flush.
     *
     * @return the number of frames the kick was for.
     */
    public int flush()
    {
        final int queued = txQueued;
        if (queued == 0)
        {
            return 0;
        }
        txQueued = 0;
        counters.increment(PortCounter.TRANSMIT_KICKS);
        // Without errno capture first (a kick is once per burst: see Libc); a kick that failed is
        // repeated with capture, which is harmless: it asks the kernel to send whatever is still requested.
        if (kickCalls.sendNoErrno(fd, 0, 0, Libc.MSG_DONTWAIT) < 0)
        {
            while (kickCalls.send(fd, 0, 0, Libc.MSG_DONTWAIT) < 0)
            {
                final int errno = kickCalls.errno();
                if (errno != Errno.EINTR)
                {
                    counters.transmitError(errno);
                    break;
                }
            }
        }
        return queued;
    }

    // ---------------------------------------------------------------- statistics, close

    /**
     * The kernel's counts for the ring since the last call (PACKET_STATISTICS reads and clears them): packets
     * received, packets dropped for want of room, and times the ring was frozen full.
     */
    public KernelStatistics readKernelStatistics()
    {
        try (Arena call = Arena.ofConfined())
        {
            final Libc libc = new Libc(call);
            // struct tpacket_stats for V2 (freezes stays 0), struct tpacket_stats_v3 for V3
            final int size = perFrame ? Tpacket2.TPACKET_STATS_LENGTH : TPACKET_STATS_V3_LENGTH;
            final MemorySegment value = call.allocate(TPACKET_STATS_V3_LENGTH, 4);
            final MemorySegment length = call.allocateFrom(JAVA_INT, size);
            if (libc.getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, value, length) < 0)
            {
                throw new LinuxCallException("getsockopt(PACKET_STATISTICS)", libc.errno(),
                    "reading the packet socket's statistics on " + interfaceName);
            }
            return new KernelStatistics(value.get(JAVA_INT, 0) & 0xFFFF_FFFFL, value.get(JAVA_INT, 4) & 0xFFFF_FFFFL,
                value.get(JAVA_INT, 8) & 0xFFFF_FFFFL);
        }
    }

    /** struct tpacket_stats_v3 (V2's struct tpacket_stats has no freezes: 0). */
    public record KernelStatistics(long packets, long drops, long freezes)
    {
    }

    public boolean isClosed()
    {
        return closed;
    }

    /** Unmaps the rings and closes the socket (ending the promiscuous membership). No thread may be using it. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try (Arena call = Arena.ofConfined())
        {
            final Libc libc = new Libc(call);
            final int unmapped = libc.munmap(mapAddress, mapLength);
            final int unmapErrno = libc.errno();
            if (libc.close(fd) < 0 && libc.errno() != Errno.EINTR)
            {
                throw new LinuxCallException("close", libc.errno(), "closing the packet socket on " + interfaceName);
            }
            if (unmapped < 0)
            {
                throw new LinuxCallException("munmap", unmapErrno, "unmapping the packet rings on " + interfaceName);
            }
        }
        finally
        {
            arena.close();
        }
    }

    @Override
    public String toString()
    {
        return "PacketSocket{" + interfaceName + " (index " + interfaceIndex + "), fd " + fd + '}';
    }
}
