package io.ringstack.testsupport.script;

/** What {@link FrameDecoder} made of one Ethernet frame. */
public sealed interface DecodedFrame
{
    /** One line for traces and failure messages. */
    String describe();

    /** An IPv4 TCP segment (checksums checked, see {@link TcpSegment#ipChecksumValid()}). */
    record Tcp(TcpSegment segment) implements DecodedFrame
    {
        @Override
        public String describe()
        {
            return segment.toString();
        }
    }

    /** An ARP packet for IPv4 over Ethernet (RFC 826). */
    record Arp(int operation, long senderMac, int senderAddress, long targetMac, int targetAddress)
        implements DecodedFrame
    {
        public static final int REQUEST = 1;
        public static final int REPLY = 2;

        @Override
        public String describe()
        {
            if (operation == REQUEST)
            {
                return "ARP request who-has " + Addresses.ipv4(targetAddress) + " tell " +
                    Addresses.ipv4(senderAddress) + " (" + Addresses.mac(senderMac) + ")";
            }
            if (operation == REPLY)
            {
                return "ARP reply " + Addresses.ipv4(senderAddress) + " is-at " + Addresses.mac(senderMac);
            }
            return "ARP operation " + operation + " from " + Addresses.ipv4(senderAddress);
        }
    }

    /** Any other well-formed frame (ICMP, UDP, IPv6, ...), described in a few words. */
    record Other(String description) implements DecodedFrame
    {
        @Override
        public String describe()
        {
            return description;
        }
    }

    /** A frame that breaks its own format: too short, wrong lengths, a fragment of TCP. */
    record Malformed(String reason, String hex) implements DecodedFrame
    {
        @Override
        public String describe()
        {
            return "malformed frame: " + reason + " [" + hex + "]";
        }
    }
}
