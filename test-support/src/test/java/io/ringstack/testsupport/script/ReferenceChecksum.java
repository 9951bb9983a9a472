package io.ringstack.testsupport.script;

import java.nio.ByteBuffer;

/**
 * A second Internet checksum (RFC 1071), written apart from the runner's: it reads 16-bit words through a
 * {@link ByteBuffer} and folds the carry after every addition (RFC 1071 §4.1's loop), where {@code Checksum} adds
 * byte pairs into a long and folds once. Used to check the runner's frames independently.
 */
final class ReferenceChecksum
{
    private ReferenceChecksum()
    {
    }

    static int onesComplementSum(final byte[] bytes, final int offset, final int length, final int initial)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length).slice();
        int sum = initial;
        while (buffer.remaining() >= 2)
        {
            sum += Short.toUnsignedInt(buffer.getShort());
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        if (buffer.hasRemaining())
        {
            sum += Byte.toUnsignedInt(buffer.get()) << 8;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    /** True when the IPv4 header at {@code offset} (IHL from its first byte) sums to 0xFFFF. */
    static boolean ipv4HeaderVerifies(final byte[] frame, final int offset)
    {
        final int headerLength = (frame[offset] & 0x0F) * 4;
        return onesComplementSum(frame, offset, headerLength, 0) == 0xFFFF;
    }

    /** True when the TCP segment of the IPv4 packet at {@code offset} verifies with its pseudo-header. */
    static boolean tcpVerifies(final byte[] frame, final int offset)
    {
        final ByteBuffer ip = ByteBuffer.wrap(frame, offset, frame.length - offset).slice();
        final int headerLength = (ip.get(0) & 0x0F) * 4;
        final int totalLength = Short.toUnsignedInt(ip.getShort(2));
        final int tcpLength = totalLength - headerLength;
        final byte[] pseudo = ByteBuffer.allocate(12)
            .put(frame, offset + 12, 8)
            .put((byte)0)
            .put((byte)6)
            .putShort((short)tcpLength)
            .array();
        final int sum = onesComplementSum(pseudo, 0, 12, 0);
        return onesComplementSum(frame, offset + headerLength, tcpLength, sum) == 0xFFFF;
    }

    /** The checksum field value for the TCP segment, computed with the field taken as zero. */
    static int tcpChecksum(final byte[] frame, final int offset)
    {
        final byte[] copy = frame.clone();
        final int headerLength = (copy[offset] & 0x0F) * 4;
        copy[offset + headerLength + 16] = 0;
        copy[offset + headerLength + 17] = 0;
        final int totalLength = ((copy[offset + 2] & 0xFF) << 8) | (copy[offset + 3] & 0xFF);
        final byte[] pseudo = ByteBuffer.allocate(12).put(copy, offset + 12, 8).put((byte)0).put((byte)6)
            .putShort((short)(totalLength - headerLength)).array();
        final int sum = onesComplementSum(pseudo, 0, 12, 0);
        return ~onesComplementSum(copy, offset + headerLength, totalLength - headerLength, sum) & 0xFFFF;
    }
}
