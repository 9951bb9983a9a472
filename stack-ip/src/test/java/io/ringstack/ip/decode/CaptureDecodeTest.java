package io.ringstack.ip.decode;

import io.ringstack.testsupport.SharedCaptures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every frame of every shared capture decodes without an exception, keeps {@link DecodeInvariants}, and every
 * rejected frame says why. The count of frames is checked against MANIFEST.tsv, and the drops against what each
 * capture is known to hold (MANIFEST.tsv's description: IPv6 and MPLS frames, fuzzed and cut-short headers, ...).
 */
class CaptureDecodeTest
{
    /** What the decoder makes of each capture (frames, decoded, dropped, cut by snaplen, drops by reason). */
    private static final Map<String, String> EXPECTED = Map.ofEntries(
        entry("gopacket--be-test010.pcapng", "frames=4 decoded=4 dropped=0 truncated=0"),
        entry("pcpp--ArpRequestWithVlan.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("pcpp--IPv4Frag.pcap", "frames=3 decoded=3 dropped=0 truncated=0"),
        entry("pcpp--IcmpPackets.pcap", "frames=15 decoded=15 dropped=0 truncated=0"),
        entry("pcpp--IcmpV6_NeighAdvSoli.pcap", "frames=2 decoded=0 dropped=2 truncated=0 link:UNKNOWN_ETHERTYPE=2"),
        entry("pcpp--ip4_bad_fragment.pcap", "frames=1 decoded=0 dropped=1 truncated=0 link:UNKNOWN_ETHERTYPE=1"),
        entry("pcpp--ipv4-options.pcap", "frames=7 decoded=7 dropped=0 truncated=0"),
        entry("pcpp--nanosecs_big_endian.pcap", "frames=10 decoded=10 dropped=0 truncated=0"),
        entry("pcpp--one_http_stream_fin.pcap", "frames=15 decoded=15 dropped=0 truncated=0"),
        entry("pcpp--one_tcp_rst.pcap", "frames=2 decoded=2 dropped=0 truncated=0"),
        entry("pcpp--sll2.pcap", "frames=3 decoded=3 dropped=0 truncated=0"),
        entry("pcpp--tcp-malformed.pcap", "frames=2 decoded=0 dropped=2 truncated=0 tcp:BAD_DATA_OFFSET=2"),
        entry("tcpdump--LINKTYPE_IPV4.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("tcpdump--LINKTYPE_IPV6.pcap", "frames=1 decoded=0 dropped=1 truncated=0 link:UNKNOWN_ETHERTYPE=1"),
        entry("tcpdump--LINKTYPE_RAW_ipv4.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("tcpdump--arp-too-long-tha.pcap",
            "frames=1 decoded=0 dropped=1 truncated=1 arp:UNSUPPORTED_ADDRESS_SPACE=1"),
        entry("tcpdump--dhcp-rfc3004.pcap", "frames=4 decoded=4 dropped=0 truncated=0"),
        entry("tcpdump--dns_udp.pcap", "frames=2 decoded=2 dropped=0 truncated=0"),
        entry("tcpdump--empty.pcap", "frames=0 decoded=0 dropped=0 truncated=0"),
        entry("tcpdump--icmp-length-zero.pcapng", "frames=1 decoded=0 dropped=1 truncated=0 ipv4:BAD_TOTAL_LENGTH=1"),
        entry("tcpdump--icmpv6-ns-nonce.pcap", "frames=1 decoded=0 dropped=1 truncated=0 link:UNKNOWN_ETHERTYPE=1"),
        entry("tcpdump--icmpv6.pcap", "frames=5 decoded=0 dropped=5 truncated=0 link:UNKNOWN_ETHERTYPE=5"),
        entry("tcpdump--ip_printroute_asan.pcap", "frames=1 decoded=0 dropped=1 truncated=1 ipv4:TRUNCATED=1"),
        entry("tcpdump--ipv4_invalid_hdr_length.pcap",
            "frames=1 decoded=0 dropped=1 truncated=0 ipv4:BAD_HEADER_LENGTH=1"),
        entry("tcpdump--ipv4_invalid_length.pcap", "frames=1 decoded=0 dropped=1 truncated=0 ipv4:TRUNCATED=1"),
        entry("tcpdump--ipv4_invalid_total_length.pcap",
            "frames=1 decoded=0 dropped=1 truncated=0 ipv4:BAD_TOTAL_LENGTH=1"),
        entry("tcpdump--ipv4_tcp_http_xml.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("tcpdump--ipv6_39_byte_header.pcap", "frames=1 decoded=0 dropped=1 truncated=1 link:UNKNOWN_ETHERTYPE=1"),
        entry("tcpdump--ipv6_frag6_negative_len.pcap",
            "frames=1 decoded=0 dropped=1 truncated=1 link:UNKNOWN_ETHERTYPE=1"),
        entry("tcpdump--ipv6_invalid_length.pcap", "frames=1 decoded=0 dropped=1 truncated=0 link:UNKNOWN_ETHERTYPE=1"),
        entry("tcpdump--print-flags.pcap", "frames=10 decoded=10 dropped=0 truncated=0"),
        entry("tcpdump--tcp-handshake-nano.pcap", "frames=3 decoded=3 dropped=0 truncated=0"),
        entry("tcpdump--tcp_eight_lowest_weight_flags_set.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("tcpdump--tcp_header_heapoverflow.pcap", "frames=1 decoded=0 dropped=1 truncated=1 tcp:TRUNCATED=1"),
        entry("tcpdump--tcp_rst_data-trunc.pcap", "frames=1 decoded=1 dropped=0 truncated=1"),
        entry("tcpdump--tcp_rst_data.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("zeek--arp-who-has.pcap", "frames=2 decoded=2 dropped=0 truncated=0"),
        entry("zeek--chksums-ip4-tcp-bad-chksum.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("zeek--icmp-destunreach-no-context.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("zeek--icmp-destunreach-udp.pcap", "frames=1 decoded=1 dropped=0 truncated=0"),
        entry("zeek--icmp-ping.pcap", "frames=4 decoded=4 dropped=0 truncated=0"),
        entry("zeek--icmp_dot1q.pcap", "frames=15 decoded=15 dropped=0 truncated=0"),
        entry("zeek--ip-bogus-header-len.pcap", "frames=1 decoded=0 dropped=1 truncated=0 ipv4:BAD_TOTAL_LENGTH=1"),
        entry("zeek--ipv4-fragmented-4.pcap", "frames=6 decoded=6 dropped=0 truncated=0"),
        entry("zeek--tcp-fin_retransmission.pcap", "frames=5 decoded=5 dropped=0 truncated=0"),
        entry("zeek--tcp-option-sack.pcap", "frames=4 decoded=4 dropped=0 truncated=0"),
        entry("zeek--tcp-options.pcap", "frames=4 decoded=4 dropped=0 truncated=0"));

    static Stream<Path> captures()
    {
        return SharedCaptures.allOrSkip();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyFrameDecodesOrSaysWhyNot(final Path capture) throws IOException
    {
        final FrameDecoder decoder = new FrameDecoder();
        final DecodedFrame frame = new DecodedFrame();
        final DropCounters counters = new DropCounters();
        final List<CapturedFrame> frames = CapturedFrame.readAll(capture);
        for (final CapturedFrame captured : frames)
        {
            final boolean decoded = captured.decode(decoder, frame);
            DecodeInvariants.check(decoded, frame, captured.name());
            counters.count(frame);
        }
        final String name = capture.getFileName().toString();
        final Integer packets = manifestPackets().get(name);
        if (packets != null)
        {
            assertEquals(packets, frames.size(), name + ": frames read vs MANIFEST.tsv");
        }
        final String expected = EXPECTED.get(name);
        if (expected == null)
        {
            System.out.println(name + " is new: " + counters + " (add it to EXPECTED once checked)");
            return;
        }
        assertEquals(expected, counters.toString(), name);
    }

    /** The packets column of MANIFEST.tsv by file name; empty when there is no manifest. */
    private static Map<String, Integer> manifestPackets() throws IOException
    {
        final Path manifest = SharedCaptures.directory().resolve("MANIFEST.tsv");
        final Map<String, Integer> packets = new HashMap<>();
        if (!Files.isRegularFile(manifest))
        {
            return packets;
        }
        final List<String> lines = Files.readAllLines(manifest);
        final List<String> header = List.of(lines.get(0).split("\t"));
        final int file = header.indexOf("file");
        final int count = header.indexOf("packets");
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] columns = line.split("\t");
            packets.put(columns[file], Integer.parseInt(columns[count]));
        }
        return packets;
    }
}
