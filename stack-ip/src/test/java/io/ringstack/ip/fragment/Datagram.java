package io.ringstack.ip.fragment;

import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A test datagram (key, options, payload) and its hand-made fragments, written with {@link Ipv4Header#write} into
 * a scratch buffer that plays the RX buffer. One {@link Ipv4Header} is reused, so building a fragment allocates
 * nothing.
 */
final class Datagram
{
    static final int SOURCE = Ipv4Address.parse("192.0.2.1");
    static final int DESTINATION = Ipv4Address.parse("198.51.100.7");
    static final int TTL = 61;

    /** Options: Loose Source Route (131, copied), Record Route (7, not copied), NOP, Timestamp (68, not copied). */
    static final byte[] MIXED_OPTIONS = {
        (byte)131, 7, 4, 10, 0, 0, 1,
        7, 7, 4, 0, 0, 0, 0,
        1,
        68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0 };
    /** What later fragments carry of {@link #MIXED_OPTIONS}: the LSRR option, padded to 8. */
    static final byte[] MIXED_OPTIONS_COPIED = { (byte)131, 7, 4, 10, 0, 0, 1, 0 };
    /** Security (130, copied) and Stream ID (136, copied), 16 bytes. */
    static final byte[] COPIED_OPTIONS = { (byte)130, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)136, 4, 0x12, 0x34, 0 };
    /** 40 bytes: the longest options field, Record Route (not copied) filling it. */
    static final byte[] LONGEST_OPTIONS = longestOptions();

    final int source;
    final int destination;
    final int protocol;
    final int identification;
    final byte[] firstOptions;
    final byte[] laterOptions;
    final byte[] payload;
    int tos;
    int extraFlags;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Ipv4Header.MAX_TOTAL_LENGTH + 64]);
    private final Ipv4Header header = new Ipv4Header();

    Datagram(final int source, final int identification, final byte[] firstOptions, final byte[] laterOptions,
        final byte[] payload)
    {
        this(source, DESTINATION, IpProtocol.UDP, identification, firstOptions, laterOptions, payload);
    }

    Datagram(final int source, final int destination, final int protocol, final int identification,
        final byte[] firstOptions, final byte[] laterOptions, final byte[] payload)
    {
        assertEquals(0, firstOptions.length % 4);
        assertEquals(0, laterOptions.length % 4);
        this.source = source;
        this.destination = destination;
        this.protocol = protocol;
        this.identification = identification;
        this.firstOptions = firstOptions;
        this.laterOptions = laterOptions;
        this.payload = payload;
    }

    static Datagram plain(final int identification, final int payloadLength, final long seed)
    {
        return new Datagram(SOURCE, identification, new byte[0], new byte[0], randomBytes(payloadLength, seed));
    }

    static byte[] randomBytes(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    int firstHeaderLength()
    {
        return Ipv4Header.MIN_HEADER_LENGTH + firstOptions.length;
    }

    /** A fragment carrying payload [offset, offset + length) of this datagram. */
    Ipv4Header fragment(final int offset, final int length, final boolean more)
    {
        return fragment(offset, length, more, payload, offset);
    }

    /** A fragment at {@code offset} carrying {@code length} bytes of {@code data} from {@code dataFrom}. */
    Ipv4Header fragment(final int offset, final int length, final boolean more, final byte[] data, final int dataFrom)
    {
        final byte[] options = offset == 0 ? firstOptions : laterOptions;
        final int headerLength = Ipv4Header.MIN_HEADER_LENGTH + options.length;
        final int flags = (more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | extraFlags | offset >>> 3;
        writeHeader(scratch, 0, headerLength + length, flags, options);
        scratch.putBytes(headerLength, data, dataFrom, length);
        assertTrue(header.wrap(scratch, 0, headerLength + length), () -> "fixture fragment: " + header.problem());
        return header;
    }

    /** The whole datagram, as the sender made it, at {@code offset}; returns its length. */
    int writeWhole(final MutableDirectBuffer buffer, final int offset)
    {
        final int headerLength = firstHeaderLength();
        writeHeader(buffer, offset, headerLength + payload.length, extraFlags, firstOptions);
        buffer.putBytes(offset + headerLength, payload);
        return headerLength + payload.length;
    }

    private void writeHeader(final MutableDirectBuffer buffer, final int offset, final int totalLength,
        final int flags, final byte[] options)
    {
        Ipv4Header.write(buffer, offset, totalLength, identification, flags, TTL, protocol, source, destination);
        buffer.putByte(offset + Ipv4Header.TOS_OFFSET, (byte)tos);
        final int headerLength = Ipv4Header.MIN_HEADER_LENGTH + options.length;
        buffer.putByte(offset, (byte)(0x40 | headerLength >>> 2));
        buffer.putBytes(offset + Ipv4Header.MIN_HEADER_LENGTH, options);
        Ipv4Header.updateChecksum(buffer, offset, headerLength);
    }

    /** Checks that {@code handle} holds this datagram, byte for byte as {@link #writeWhole} makes it. */
    void assertReassembled(final PacketBufferPool pool, final int handle, final String context)
    {
        assertNotEquals(PacketBufferPool.NO_BUFFER, handle, context + ": not reassembled");
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[Ipv4Header.MAX_TOTAL_LENGTH]);
        final int length = writeWhole(expected, 0);
        final DirectBuffer memory = pool.memory();
        final int offset = pool.offset(handle);
        final Ipv4Header got = new Ipv4Header();
        assertTrue(got.wrap(memory, offset, pool.bufferSize()), () -> context + ": " + got.problem());
        assertTrue(got.checksumValid(), context + ": header checksum");
        assertFalse(got.isFragment(), context + ": MF and offset cleared");
        assertEquals(length, got.totalLength(), context + ": total length");
        assertEquals(firstHeaderLength(), got.headerLength(), context + ": header length");
        final byte[] actual = new byte[length];
        memory.getBytes(offset, actual);
        final byte[] wanted = new byte[length];
        expected.getBytes(0, wanted);
        if (!Arrays.equals(wanted, actual))
        {
            fail(context + ": reassembled bytes differ from the original at index " +
                Arrays.mismatch(wanted, actual) + " of " + length);
        }
    }

    private static byte[] longestOptions()
    {
        final byte[] options = new byte[40];
        options[0] = 7;
        options[1] = 39;
        options[2] = 4;
        return options;
    }
}
