package io.ringstack.testsupport.script;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Frames built and read with ByteBuffer and {@link ReferenceChecksum}, apart from the runner's encoder and decoder:
 * what the fake targets send as "the stack", and how tests look at what the runner injected.
 */
final class TestFrames
{
    static final long STACK_MAC = 0x02_00_00_00_00_01L;
    static final long PEER_MAC = 0x02_00_00_00_00_02L;
    static final int STACK_IP = (198 << 24) | (18 << 16) | 1;
    static final int PEER_IP = (198 << 24) | (18 << 16) | 2;
    static final int STACK_PORT = 8080;
    static final int PEER_PORT = 40000;

    private TestFrames()
    {
    }

    /** A segment from the stack to the peer with the default addresses and ports. */
    static Segment fromStack()
    {
        return new Segment();
    }

    /** A fluent description of one TCP frame; {@link #frame()} writes it. */
    static final class Segment
    {
        long sourceMac = STACK_MAC;
        long destinationMac = PEER_MAC;
        int source = STACK_IP;
        int destination = PEER_IP;
        int sourcePort = STACK_PORT;
        int destinationPort = PEER_PORT;
        long seq;
        long ack;
        int flags;
        int window = 65535;
        byte[] options = new byte[0];
        byte[] payload = new byte[0];
        boolean corruptTcp;
        boolean corruptIp;

        Segment flags(final int value)
        {
            flags = value;
            return this;
        }

        Segment seq(final long value)
        {
            seq = value & 0xFFFF_FFFFL;
            return this;
        }

        Segment ack(final long value)
        {
            ack = value & 0xFFFF_FFFFL;
            flags |= TcpFlags.ACK;
            return this;
        }

        Segment window(final int value)
        {
            window = value;
            return this;
        }

        /** Options as hex, exactly as they go on the wire (must be a multiple of 4 bytes). */
        Segment options(final String hex)
        {
            options = HexFormat.of().parseHex(hex);
            return this;
        }

        Segment payload(final byte[] value)
        {
            payload = value.clone();
            return this;
        }

        Segment ports(final int from, final int to)
        {
            sourcePort = from;
            destinationPort = to;
            return this;
        }

        Segment addresses(final int from, final int to)
        {
            source = from;
            destination = to;
            return this;
        }

        Segment macs(final long from, final long to)
        {
            sourceMac = from;
            destinationMac = to;
            return this;
        }

        Segment corruptTcp()
        {
            corruptTcp = true;
            return this;
        }

        Segment corruptIp()
        {
            corruptIp = true;
            return this;
        }

        byte[] frame()
        {
            if (options.length % 4 != 0)
            {
                throw new IllegalArgumentException("test options must be a multiple of 4 bytes");
            }
            final int tcpLength = 20 + options.length + payload.length;
            final ByteBuffer b = ByteBuffer.allocate(14 + 20 + tcpLength);
            b.putShort((short)(destinationMac >>> 32)).putInt((int)destinationMac);
            b.putShort((short)(sourceMac >>> 32)).putInt((int)sourceMac);
            b.putShort((short)0x0800);
            b.put((byte)0x45).put((byte)0).putShort((short)(20 + tcpLength));
            b.putShort((short)0x1234).putShort((short)0x4000);
            b.put((byte)64).put((byte)6).putShort((short)0);
            b.putInt(source).putInt(destination);
            b.putShort((short)sourcePort).putShort((short)destinationPort);
            b.putInt((int)seq).putInt((int)ack);
            b.put((byte)(((20 + options.length) / 4) << 4)).put((byte)flags).putShort((short)window);
            b.putShort((short)0).putShort((short)0);
            b.put(options).put(payload);
            final byte[] frame = b.array();
            final int ipChecksum = ~ReferenceChecksum.onesComplementSum(frame, 14, 20, 0) & 0xFFFF;
            frame[24] = (byte)(ipChecksum >>> 8);
            frame[25] = (byte)ipChecksum;
            if (corruptIp)
            {
                frame[25] ^= 0x01;
            }
            final int tcpChecksum = ReferenceChecksum.tcpChecksum(frame, 14);
            frame[50] = (byte)(tcpChecksum >>> 8);
            frame[51] = (byte)tcpChecksum;
            if (corruptTcp)
            {
                frame[51] ^= 0x01;
            }
            return frame;
        }
    }

    /** An ARP request (RFC 826) from the stack: who has {@code target}? */
    static byte[] arpRequest(final int target)
    {
        final ByteBuffer b = ByteBuffer.allocate(60);
        b.putShort((short)0xFFFF).putInt(0xFFFF_FFFF);
        b.putShort((short)(STACK_MAC >>> 32)).putInt((int)STACK_MAC).putShort((short)0x0806);
        b.putShort((short)1).putShort((short)0x0800).put((byte)6).put((byte)4).putShort((short)1);
        b.putShort((short)(STACK_MAC >>> 32)).putInt((int)STACK_MAC).putInt(STACK_IP);
        b.putShort((short)0).putInt(0).putInt(target);
        return b.array();
    }

    /** An ICMP destination unreachable (port) from the stack to the peer, checksums not filled in. */
    static byte[] icmpPortUnreachable()
    {
        final ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8);
        b.putShort((short)(PEER_MAC >>> 32)).putInt((int)PEER_MAC);
        b.putShort((short)(STACK_MAC >>> 32)).putInt((int)STACK_MAC).putShort((short)0x0800);
        b.put((byte)0x45).put((byte)0).putShort((short)28).putInt(0).put((byte)64).put((byte)1).putShort((short)0);
        b.putInt(STACK_IP).putInt(PEER_IP);
        b.put((byte)3).put((byte)3).putShort((short)0).putInt(0);
        return b.array();
    }

    /** Fields of a TCP frame, read with ByteBuffer. */
    record Parsed(long sourceMac, long destinationMac, int source, int destination, int ttl, int sourcePort,
        int destinationPort, long seq, long ack, int flags, int window, int urgent, byte[] options, byte[] payload,
        boolean ipVerifies, boolean tcpVerifies, int frameLength)
    {
    }

    static Parsed parse(final byte[] frame)
    {
        final ByteBuffer b = ByteBuffer.wrap(frame);
        final long destinationMac = (Short.toUnsignedLong(b.getShort(0)) << 32) | Integer.toUnsignedLong(b.getInt(2));
        final long sourceMac = (Short.toUnsignedLong(b.getShort(6)) << 32) | Integer.toUnsignedLong(b.getInt(8));
        if (b.getShort(12) != 0x0800)
        {
            throw new AssertionError("not IPv4: " + HexFormat.of().formatHex(frame));
        }
        final int ihl = (b.get(14) & 0x0F) * 4;
        final int totalLength = Short.toUnsignedInt(b.getShort(16));
        final int tcp = 14 + ihl;
        final int dataOffset = ((b.get(tcp + 12) & 0xFF) >>> 4) * 4;
        final byte[] options = new byte[dataOffset - 20];
        b.get(tcp + 20, options);
        final byte[] payload = new byte[totalLength - ihl - dataOffset];
        b.get(tcp + dataOffset, payload);
        return new Parsed(sourceMac, destinationMac, b.getInt(26), b.getInt(30), b.get(22) & 0xFF,
            Short.toUnsignedInt(b.getShort(tcp)), Short.toUnsignedInt(b.getShort(tcp + 2)),
            Integer.toUnsignedLong(b.getInt(tcp + 4)), Integer.toUnsignedLong(b.getInt(tcp + 8)),
            b.get(tcp + 13) & 0xFF,
            Short.toUnsignedInt(b.getShort(tcp + 14)), Short.toUnsignedInt(b.getShort(tcp + 18)), options, payload,
            ReferenceChecksum.ipv4HeaderVerifies(frame, 14), ReferenceChecksum.tcpVerifies(frame, 14), frame.length);
    }
}
