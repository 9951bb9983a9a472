package io.ringstack.testsupport.script;

import java.util.HexFormat;
import java.util.List;

/**
 * One TCP option (RFC 9293 §3.1 and §3.2), as written in a script and as read from a segment. Values are
 * {@link ScriptNumber}s so that an expected option can hold {@code *}; options read from the wire hold plain values.
 * <pre>
 *   kind  length  script text                    RFC
 *     0     -     eol                            9293 §3.2  End of Option List
 *     1     -     nop                            9293 §3.2  No-Operation
 *     2     4     mss 1460                       9293 §3.7.1 Maximum Segment Size
 *     3     3     wscale 7                       7323 §2    Window Scale
 *     4     2     sackOK                         2018 §2    SACK-Permitted
 *     5   2+8n    sack 1001:2001 3001:4001       2018 §3    SACK (blocks in the data sender's sequence space)
 *     8    10     TS val 100 ecr 0               7323 §3    Timestamps (TSval, TSecr)
 *     K   2+n     opt K 0a0b                     any other kind with n data bytes (hex)
 *     -     -     raw 0205ff                     bytes as they are (a malformed length, say); reading a segment
 *                                                yields it for everything from an option it cannot parse
 * </pre>
 */
public sealed interface TcpOption
{
    int KIND_END_OF_OPTION_LIST = 0;
    int KIND_NO_OPERATION = 1;
    int KIND_MAXIMUM_SEGMENT_SIZE = 2;
    int KIND_WINDOW_SCALE = 3;
    int KIND_SACK_PERMITTED = 4;
    int KIND_SACK = 5;
    int KIND_TIMESTAMPS = 8;

    /** Bytes this option takes in the header. */
    int encodedLength();

    /** {@code eol}. */
    record EndOfOptionList() implements TcpOption
    {
        @Override
        public int encodedLength()
        {
            return 1;
        }

        @Override
        public String toString()
        {
            return "eol";
        }
    }

    /** {@code nop}. */
    record NoOperation() implements TcpOption
    {
        @Override
        public int encodedLength()
        {
            return 1;
        }

        @Override
        public String toString()
        {
            return "nop";
        }
    }

    /** {@code mss N}. */
    record MaximumSegmentSize(ScriptNumber value) implements TcpOption
    {
        @Override
        public int encodedLength()
        {
            return 4;
        }

        @Override
        public String toString()
        {
            return "mss " + value;
        }
    }

    /** {@code wscale N}: the shift count. */
    record WindowScale(ScriptNumber shift) implements TcpOption
    {
        @Override
        public int encodedLength()
        {
            return 3;
        }

        @Override
        public String toString()
        {
            return "wscale " + shift;
        }
    }

    /** {@code sackOK}. */
    record SackPermitted() implements TcpOption
    {
        @Override
        public int encodedLength()
        {
            return 2;
        }

        @Override
        public String toString()
        {
            return "sackOK";
        }
    }

    /** {@code sack L:R ...}: left edge and right edge (the first sequence number after the block). */
    record SackBlock(ScriptNumber left, ScriptNumber right)
    {
        @Override
        public String toString()
        {
            return left + ":" + right;
        }
    }

    /** {@code sack L:R L:R ...}. */
    record Sack(List<SackBlock> blocks) implements TcpOption
    {
        public Sack
        {
            blocks = List.copyOf(blocks);
        }

        @Override
        public int encodedLength()
        {
            return 2 + 8 * blocks.size();
        }

        @Override
        public String toString()
        {
            final StringBuilder text = new StringBuilder("sack");
            for (final SackBlock block : blocks)
            {
                text.append(' ').append(block);
            }
            return text.toString();
        }
    }

    /** {@code TS val TSval ecr TSecr}. */
    record Timestamps(ScriptNumber value, ScriptNumber echoReply) implements TcpOption
    {
        @Override
        public int encodedLength()
        {
            return 10;
        }

        @Override
        public String toString()
        {
            return "TS val " + value + " ecr " + echoReply;
        }
    }

    /** {@code opt K HEX}: an option of another kind, with its data bytes (length = 2 + data). */
    record Unknown(int kind, byte[] data) implements TcpOption
    {
        public Unknown
        {
            data = data.clone();
        }

        @Override
        public byte[] data()
        {
            return data.clone();
        }

        @Override
        public int encodedLength()
        {
            return 2 + data.length;
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Unknown that && kind == that.kind && java.util.Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode()
        {
            return 31 * kind + java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString()
        {
            return "opt " + kind + (data.length == 0 ? "" : " " + HexFormat.of().formatHex(data));
        }
    }

    /** {@code raw HEX}: bytes written as they are (a malformed option, say); read back for what cannot be parsed. */
    record Raw(byte[] bytes) implements TcpOption
    {
        public Raw
        {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes()
        {
            return bytes.clone();
        }

        @Override
        public int encodedLength()
        {
            return bytes.length;
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Raw that && java.util.Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode()
        {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString()
        {
            return "raw " + HexFormat.of().formatHex(bytes);
        }
    }
}
