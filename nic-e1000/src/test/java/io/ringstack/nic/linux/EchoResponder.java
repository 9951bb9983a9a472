package io.ringstack.nic.linux;

import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.FrameReceiver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.e1000.NicIdleStrategy;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * A host in miniature for the wire tests (the real stack lives in stack-ip, above this module): on the NIC's own
 * thread it answers ARP requests for its address (RFC 826) and ICMP echo requests to it (RFC 792), by turning the
 * request's buffer around in place, and drops everything else. Byte offsets, no flyweights; allocates nothing per
 * frame. Idles on the NIC's interrupt ({@link NicIdleStrategy}), so frames from the port's receive thread wake it.
 */
final class EchoResponder implements FrameReceiver, Runnable, AutoCloseable
{
    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_IPV4 = 0x0800;

    private final EmulatedNic nic;
    private final E1000Driver driver;
    private final PacketBufferPool pool;
    private final long mac;
    private final int address;
    private final NicIdleStrategy idle;
    private final Thread thread;
    private volatile boolean running = true;

    volatile long arpReplies;
    volatile long echoReplies;
    volatile long ignored;
    volatile long transmitFailures;

    /** @param address the IPv4 address to answer for, network order as an int (10.0.0.2 is 0x0A000002). */
    EchoResponder(final EmulatedNic nic, final int address)
    {
        this.nic = nic;
        this.driver = nic.driver();
        this.pool = nic.pool();
        this.mac = driver.macAddress();
        this.address = address;
        this.idle = new NicIdleStrategy(driver, 100, 10, 50_000_000L);
        this.thread = new Thread(this, "responder-" + nic.name());
        thread.setDaemon(true);
    }

    EchoResponder start()
    {
        thread.start();
        return this;
    }

    Thread thread()
    {
        return thread;
    }

    @Override
    public void run()
    {
        while (running)
        {
            driver.reclaim();
            final int work = driver.receive(this, 32);
            driver.flush();
            idle.idle(work);
        }
    }

    @Override
    public void onFrame(final int handle, final UnsafeBuffer memory, final int offset, final int length)
    {
        final int etherType = length >= 42 ? memory.getShort(offset + 12, NETWORK) & 0xFFFF : 0;
        if (etherType == ETHERTYPE_ARP && arpRequest(memory, offset))
        {
            answerArp(memory, offset);
            send(handle, offset, 42);
            arpReplies++;
        }
        else if (etherType == ETHERTYPE_IPV4 && echoRequest(memory, offset, length))
        {
            final int total = answerEcho(memory, offset);
            send(handle, offset, 14 + total);
            echoReplies++;
        }
        else
        {
            ignored++;
            pool.release(handle);
        }
    }

    private void send(final int handle, final int offset, final int length)
    {
        if (!driver.transmit(handle, offset, length))
        {
            transmitFailures++;
            pool.release(handle);
        }
    }

    /** RFC 826: Ethernet/IPv4, a request whose target protocol address is ours. */
    private boolean arpRequest(final UnsafeBuffer memory, final int offset)
    {
        final int arp = offset + 14;
        return memory.getShort(arp, NETWORK) == 1 && memory.getShort(arp + 2, NETWORK) == ETHERTYPE_IPV4 &&
            memory.getByte(arp + 4) == 6 && memory.getByte(arp + 5) == 4 && memory.getShort(arp + 6, NETWORK) == 1 &&
            memory.getInt(arp + 24, NETWORK) == address;
    }

    /** RFC 826 "Packet Reception": swap sender and target, put our addresses in as sender, opcode reply. */
    private void answerArp(final UnsafeBuffer memory, final int offset)
    {
        final int arp = offset + 14;
        final long senderMac = MacAddress.read(memory, arp + 8);
        final int senderAddress = memory.getInt(arp + 14, NETWORK);
        MacAddress.write(memory, offset, senderMac);
        MacAddress.write(memory, offset + 6, mac);
        memory.putShort(arp + 6, (short)2, NETWORK);
        MacAddress.write(memory, arp + 8, mac);
        memory.putInt(arp + 14, address, NETWORK);
        MacAddress.write(memory, arp + 18, senderMac);
        memory.putInt(arp + 24, senderAddress, NETWORK);
    }

    /** IPv4 to us, not a fragment, ICMP echo request (RFC 792 type 8, code 0) that fits the frame. */
    private boolean echoRequest(final UnsafeBuffer memory, final int offset, final int length)
    {
        final int ip = offset + 14;
        final int versionAndLength = memory.getByte(ip) & 0xFF;
        final int headerLength = (versionAndLength & 0xF) * 4;
        final int total = memory.getShort(ip + 2, NETWORK) & 0xFFFF;
        return versionAndLength >>> 4 == 4 && headerLength >= 20 && total >= headerLength + 8 && 14 + total <= length &&
            (memory.getShort(ip + 6, NETWORK) & 0x3FFF) == 0 && memory.getByte(ip + 9) == 1 &&
            memory.getInt(ip + 16, NETWORK) == address && memory.getByte(ip + headerLength) == 8 &&
            memory.getByte(ip + headerLength + 1) == 0;
    }

    /** RFC 792 echo reply: addresses swapped, type 0, checksums recomputed (RFC 791 header, RFC 792 message). */
    private int answerEcho(final UnsafeBuffer memory, final int offset)
    {
        final int ip = offset + 14;
        final int headerLength = (memory.getByte(ip) & 0xF) * 4;
        final int total = memory.getShort(ip + 2, NETWORK) & 0xFFFF;
        final long peerMac = MacAddress.read(memory, offset + 6);
        MacAddress.write(memory, offset, peerMac);
        MacAddress.write(memory, offset + 6, mac);
        final int source = memory.getInt(ip + 12, NETWORK);
        memory.putInt(ip + 12, address, NETWORK);
        memory.putInt(ip + 16, source, NETWORK);
        memory.putByte(ip + 8, (byte)64);
        memory.putShort(ip + 10, (short)0);
        memory.putShort(ip + 10, (short)checksum(memory, ip, headerLength), NETWORK);
        final int icmp = ip + headerLength;
        memory.putByte(icmp, (byte)0);
        memory.putShort(icmp + 2, (short)0);
        memory.putShort(icmp + 2, (short)checksum(memory, icmp, total - headerLength), NETWORK);
        return total;
    }

    /** RFC 1071: the one's complement of the one's complement sum of 16-bit words. */
    static int checksum(final UnsafeBuffer memory, final int offset, final int length)
    {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2)
        {
            sum += memory.getShort(offset + i, NETWORK) & 0xFFFF;
        }
        if (i < length)
        {
            sum += (memory.getByte(offset + i) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    /** Stops the thread; the NIC stays up (close it afterwards). */
    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            throw new IllegalStateException(thread.getName() + " did not stop");
        }
        driver.reclaim();
    }

    @Override
    public String toString()
    {
        return "EchoResponder{" + nic.name() + ": arpReplies=" + arpReplies + ", echoReplies=" + echoReplies +
            ", ignored=" + ignored + ", transmitFailures=" + transmitFailures + '}';
    }
}
