package io.ringstack.ip.decode;

import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.TcpHeaderDrop;
import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.testsupport.SharedCaptures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Differential test against Wireshark's dissectors: every frame of every shared capture, decoded by
 * {@link FrameDecoder} and by tshark, must agree on the protocol stack and on every field both report.
 * <p>
 * tshark runs once over all captures concatenated by mergecap (one tshark start instead of ~50; the frame lengths
 * it reports are checked against {@code CaptureReader}'s to make sure the merge changed nothing). Reassembly is off
 * ({@code ip.defragment:FALSE}) so that tshark, like the decoder, shows each fragment by itself, and checksum
 * validation is on so that checksum verdicts are compared too. Where tshark reports a field more than once
 * (tunnels, the IP header an ICMP error quotes), the first occurrence is the outermost and is the one compared.
 * <p>
 * Where the decoder rejects a frame that tshark shows, the difference must be one of {@link KnownDifference},
 * each decided from tshark's output and the raw bytes, not from the decoder; the test asserts that the decoder
 * drops exactly the frames of those categories, at the layer and for a reason the category names.
 */
class TsharkDifferentialTest
{
    private static final String[] FIELDS = {
        "frame.number", "frame.len", "frame.cap_len", "frame.protocols", "_ws.malformed", "_ws.expert.message",
        "eth.src", "eth.dst", "vlan.id", "ieee8021ad.id", "sll.pkttype", "sll.src.eth",
        "arp.hw.type", "arp.proto.type", "arp.hw.size", "arp.proto.size", "arp.opcode",
        "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4",
        "ip.hdr_len", "ip.dsfield", "ip.len", "ip.id", "ip.flags.rb", "ip.flags.df", "ip.flags.mf", "ip.frag_offset",
        "ip.ttl", "ip.proto", "ip.checksum.status", "ip.src", "ip.dst", "ip.cur_rt",
        "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status",
        "icmp.type", "icmp.code", "icmp.checksum.status",
        "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.window_size_value",
        "tcp.checksum.status",
    };

    private static final Map<String, List<CapturedFrame>> FRAMES = new LinkedHashMap<>();
    private static final Map<String, List<Map<String, String>>> TSHARK = new HashMap<>();

    /**
     * The only frames where the decoder may disagree with tshark: it rejects them (at {@code layer}, for one of
     * {@code reasons}), while tshark shows some fields. Checked in this order; the first that applies decides.
     */
    enum KnownDifference
    {
        /** IPv6, MPLS, ...: ringstack is an IPv4 stack (issue 3); tshark dissects every EtherType. */
        NETWORK_PROTOCOL_NOT_HANDLED(Layer.LINK, EthernetDrop.UNKNOWN_ETHERTYPE),
        /**
         * The capture's snaplen cut a header short: tshark shows the fields that are present and notes "Packet size
         * limited during capture"; the decoder reads no header it does not hold whole (RFC 791, 768, 792, 9293
         * headers are fixed-size). Decided from tshark's frame lengths and its header lengths.
         */
        HEADER_CUT_BY_SNAPLEN(null, EthernetDrop.TRUNCATED, ArpDrop.TRUNCATED, Ipv4Drop.TRUNCATED, UdpDrop.TRUNCATED,
            IcmpDrop.TRUNCATED, TcpHeaderDrop.TRUNCATED),
        /**
         * Total length field 0, as captured on a host whose NIC segments (TSO/GSO) after the capture point:
         * tshark substitutes the captured length, but RFC 791 §3.1 makes total length at least the header length,
         * so a receiver cannot trust the datagram. Decided from the raw field.
         */
        IPV4_TOTAL_LENGTH_ZERO(Layer.IPV4, Ipv4Drop.BAD_TOTAL_LENGTH),
        /**
         * Total length beyond the bytes of a frame the capture did not cut, whose header is whole: tshark dissects
         * what is there and adds the expert note "IPv4 total length exceeds packet length"; the datagram is damaged
         * (RFC 791 §3.1). (A header that is not whole is malformed to tshark too: the last category.)
         */
        IPV4_TOTAL_LENGTH_BEYOND_FRAME(Layer.IPV4, Ipv4Drop.BAD_TOTAL_LENGTH),
        /** IHL below 5: tshark says "Bogus IP header length" and stops as well; listed so no frame goes unexplained. */
        IPV4_HEADER_LENGTH_BELOW_20(Layer.IPV4, Ipv4Drop.BAD_HEADER_LENGTH),
        /** ARP for other address spaces or lengths: ringstack's ARP is Ethernet/IPv4 only (RFC 826). */
        ARP_NOT_ETHERNET_IPV4(Layer.ARP, ArpDrop.UNSUPPORTED_ADDRESS_SPACE, ArpDrop.BAD_ADDRESS_LENGTH),
        /**
         * tshark itself flags the frame "[Malformed Packet: P]" in a protocol the decoder parses (e.g. a TCP data
         * offset beyond the segment): the decoder must reject it at that layer.
         */
        MALFORMED_IN_A_DECODED_LAYER(null);

        final Layer layer;
        final Set<Enum<?>> reasons;

        KnownDifference(final Layer layer, final Enum<?>... reasons)
        {
            this.layer = layer;
            this.reasons = Set.of(reasons);
        }
    }

    @BeforeAll
    static void runTshark() throws Exception
    {
        Assumptions.assumeTrue(onPath("tshark") && onPath("mergecap"),
            "tshark/mergecap not installed (Debian package tshark; .ci/run installs it)");
        final List<Path> captures = SharedCaptures.all();
        Assumptions.assumeFalse(captures.isEmpty(), "no captures at " + SharedCaptures.directory().toAbsolutePath());
        for (final Path capture : captures)
        {
            FRAMES.put(capture.getFileName().toString(), CapturedFrame.readAll(capture));
        }
        final Path work = Files.createDirectories(Path.of("target", "tshark"));
        final Path merged = work.resolve("all-captures.pcapng");
        final List<String> mergecap =
            new ArrayList<>(List.of("mergecap", "-F", "pcapng", "-a", "-w", merged.toString()));
        captures.forEach(c -> mergecap.add(c.toString()));
        run(mergecap, work.resolve("mergecap.out"));

        final List<String> tshark = new ArrayList<>(List.of("tshark", "-n", "-r", merged.toString(),
            "-o", "ip.defragment:FALSE", "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-E", "header=n", "-E", "separator=/t",
            "-E", "occurrence=a", "-E", "aggregator=,"));
        for (final String field : FIELDS)
        {
            tshark.add("-e");
            tshark.add(field);
        }
        final Path output = work.resolve("tshark.tsv");
        run(tshark, output);
        final List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        int line = 0;
        for (final Map.Entry<String, List<CapturedFrame>> capture : FRAMES.entrySet())
        {
            final List<Map<String, String>> rows = new ArrayList<>();
            for (final CapturedFrame frame : capture.getValue())
            {
                assertTrue(line < lines.size(), "tshark printed fewer frames than the captures hold");
                final String[] values = lines.get(line++).split("\t", -1);
                assertEquals(FIELDS.length, values.length, "tshark line " + line + " has the wrong number of fields");
                final Map<String, String> row = new HashMap<>();
                for (int i = 0; i < FIELDS.length; i++)
                {
                    row.put(FIELDS[i], values[i]);
                }
                assertEquals(String.valueOf(frame.bytes().length), row.get("frame.cap_len"), frame.name() + " cap_len");
                assertEquals(String.valueOf(Math.max(frame.originalLength(), frame.bytes().length)),
                    row.get("frame.len"), frame.name() + " frame.len");
                rows.add(row);
            }
            TSHARK.put(capture.getKey(), rows);
        }
        assertEquals(lines.size(), line, "tshark printed more frames than the captures hold");
    }

    @Test
    void decoderAgreesWithTsharkOnEveryFrame()
    {
        final FrameDecoder decoder = new FrameDecoder();
        final DecodedFrame ours = new DecodedFrame();
        final List<String> mismatches = new ArrayList<>();
        final Map<KnownDifference, List<String>> differences = new EnumMap<>(KnownDifference.class);
        int compared = 0;
        for (final Map.Entry<String, List<CapturedFrame>> capture : FRAMES.entrySet())
        {
            final List<Map<String, String>> rows = TSHARK.get(capture.getKey());
            for (int i = 0; i < rows.size(); i++)
            {
                final CapturedFrame frame = capture.getValue().get(i);
                final Map<String, String> theirs = rows.get(i);
                final Chain chain = Chain.of(theirs.get("frame.protocols"), frame.linkType());
                final KnownDifference difference = knownDifference(frame, theirs, chain);
                frame.decode(decoder, ours);
                final String where = frame.name() + " [" + theirs.get("frame.protocols") + "] ours: " + ours;
                if (difference != null)
                {
                    differences.computeIfAbsent(difference, d -> new ArrayList<>()).add(frame.name());
                    final Layer layer = switch (difference)
                    {
                        case HEADER_CUT_BY_SNAPLEN -> cutLayer(theirs, chain);
                        case MALFORMED_IN_A_DECODED_LAYER -> malformedLayer(theirs);
                        default -> difference.layer;
                    };
                    if (ours.decoded() || ours.dropLayer() != layer ||
                        (!difference.reasons.isEmpty() && !difference.reasons.contains(ours.dropReason())))
                    {
                        mismatches.add(where + ": tshark view is " + difference + ", expected a drop at " + layer +
                            (difference.reasons.isEmpty() ? "" : " for one of " + difference.reasons));
                    }
                    continue;
                }
                if (!ours.decoded())
                {
                    mismatches.add(where + ": dropped, but no known difference explains it: tshark " + theirs);
                    continue;
                }
                compare(ours, theirs, chain, where, mismatches);
                compared++;
            }
        }
        System.out.println("compared field by field: " + compared + " frames; known differences: " + differences);
        if (!mismatches.isEmpty())
        {
            fail(mismatches.size() + " disagreements with tshark:\n" + String.join("\n", mismatches));
        }
        assertTrue(compared > 100, "too few frames compared: " + compared);
    }

    /** The category of a frame tshark shows but ringstack must reject, from tshark's view and raw bytes only. */
    private static KnownDifference knownDifference(
        final CapturedFrame frame, final Map<String, String> theirs, final Chain chain)
    {
        if (!chain.network.equals("ip") && !chain.network.equals("arp"))
        {
            return KnownDifference.NETWORK_PROTOCOL_NOT_HANDLED;
        }
        if (cutLayer(theirs, chain) != null)
        {
            return KnownDifference.HEADER_CUT_BY_SNAPLEN;
        }
        final String expert = theirs.get("_ws.expert.message");
        if (chain.network.equals("ip"))
        {
            final int ip = chain.linkHeaderLength;
            if (frame.bytes().length >= ip + 4 && (frame.bytes()[ip] & 0xF0) == 0x40 &&
                (frame.bytes()[ip + 2] | frame.bytes()[ip + 3]) == 0)
            {
                return KnownDifference.IPV4_TOTAL_LENGTH_ZERO;
            }
            final long available = frame.bytes().length - ip;
            final long headerLength = number(theirs, "ip.hdr_len");
            if (expert.contains("IPv4 total length exceeds packet length") && available >= 20 &&
                available >= headerLength)
            {
                return KnownDifference.IPV4_TOTAL_LENGTH_BEYOND_FRAME;
            }
            if (expert.contains("Bogus IP header length"))
            {
                return KnownDifference.IPV4_HEADER_LENGTH_BELOW_20;
            }
        }
        if (chain.network.equals("arp") && (number(theirs, "arp.hw.type") != 1 ||
            number(theirs, "arp.proto.type") != 0x0800 || number(theirs, "arp.hw.size") != 6 ||
            number(theirs, "arp.proto.size") != 4))
        {
            return KnownDifference.ARP_NOT_ETHERNET_IPV4;
        }
        if (malformedLayer(theirs) != null)
        {
            return KnownDifference.MALFORMED_IN_A_DECODED_LAYER;
        }
        return null;
    }

    /** The decoded layer tshark calls malformed ("[Malformed Packet: TCP]"), or null. */
    private static Layer malformedLayer(final Map<String, String> theirs)
    {
        final String malformed = theirs.get("_ws.malformed");
        final int at = malformed.indexOf("Malformed Packet: ");
        if (at < 0)
        {
            return null;
        }
        final String protocol = malformed.substring(at + 18, malformed.indexOf(']', at));
        return switch (protocol)
        {
            case "Ethernet", "802.1Q Virtual LAN" -> Layer.LINK;
            case "ARP" -> Layer.ARP;
            case "IPv4" -> Layer.IPV4;
            case "UDP" -> Layer.UDP;
            case "ICMP" -> Layer.ICMP;
            case "TCP" -> Layer.TCP;
            default -> null;
        };
    }

    /**
     * The first layer whose fixed header the capture cut short (captured bytes below the length on the wire), by
     * tshark's lengths: IPv4 IHL, 8 bytes of UDP/ICMP, 20 of TCP, the ARP addresses. Null when none.
     */
    private static Layer cutLayer(final Map<String, String> theirs, final Chain chain)
    {
        final long captured = number(theirs, "frame.cap_len");
        if (captured >= number(theirs, "frame.len"))
        {
            return null;
        }
        long available = captured - chain.linkHeaderLength;
        if (available < 0)
        {
            return Layer.LINK;
        }
        if (chain.network.equals("arp"))
        {
            final long need = 8 + 2 * (number(theirs, "arp.hw.size") + number(theirs, "arp.proto.size"));
            return available < need ? Layer.ARP : null;
        }
        if (!chain.network.equals("ip"))
        {
            return null;
        }
        final String headerLength = first(theirs, "ip.hdr_len");
        if (available < 20 || headerLength.isEmpty() || available < Long.parseLong(headerLength))
        {
            return Layer.IPV4;
        }
        available -= Long.parseLong(headerLength);
        if (number(theirs, "ip.frag_offset") != 0)
        {
            return null;
        }
        return switch (chain.transport)
        {
            case "udp" -> available < 8 ? Layer.UDP : null;
            case "icmp" -> available < 8 ? Layer.ICMP : null;
            case "tcp" -> available < 20 ? Layer.TCP : null;
            default -> null;
        };
    }

    private static void compare(
        final DecodedFrame ours, final Map<String, String> theirs, final Chain chain, final String where,
        final List<String> mismatches)
    {
        final Comparison c = new Comparison(theirs, where, mismatches);
        if (ours.ethernet())
        {
            c.text("eth.src", MacAddress.toString(ours.linkSource()));
            c.text("eth.dst", MacAddress.toString(ours.linkDestination()));
        }
        if (ours.cooked())
        {
            c.number("sll.pkttype", ours.cookedPacketType());
            if (ours.hasLinkSource())
            {
                c.text("sll.src.eth", MacAddress.toString(ours.linkSource()));
            }
        }
        // tshark lists 802.1ad (S-TAG) ids and 802.1Q ids in separate fields; an S-TAG is always the outer one
        final StringBuilder sTags = new StringBuilder();
        final StringBuilder cTags = new StringBuilder();
        for (int i = 0; i < ours.vlanCount(); i++)
        {
            final StringBuilder tags = ours.tagProtocol(i) == 0x88A8 ? sTags : cTags;
            tags.append(tags.isEmpty() ? "" : ",").append(ours.vlanId(i));
        }
        c.all("ieee8021ad.id", sTags.toString());
        c.all("vlan.id", cTags.toString());
        final String network = ours.network() == Layer.ARP ? "arp" : "ip";
        c.equal("outer network protocol", network, chain.network);
        if (ours.network() == Layer.ARP)
        {
            c.number("arp.opcode", ours.arpOperation());
            c.text("arp.src.hw_mac", MacAddress.toString(ours.arpSenderHardware()));
            c.text("arp.src.proto_ipv4", Ipv4Address.toString(ours.arpSenderProtocol()));
            c.text("arp.dst.hw_mac", MacAddress.toString(ours.arpTargetHardware()));
            c.text("arp.dst.proto_ipv4", Ipv4Address.toString(ours.arpTargetProtocol()));
            return;
        }
        c.number("ip.hdr_len", ours.ipHeaderLength());
        c.number("ip.dsfield", ours.ipTypeOfService());
        c.number("ip.len", ours.ipTotalLength());
        c.number("ip.id", ours.ipIdentification());
        c.number("ip.flags.rb", ours.ipReservedFlag() ? 1 : 0);
        c.number("ip.flags.df", ours.ipDontFragment() ? 1 : 0);
        c.number("ip.flags.mf", ours.ipMoreFragments() ? 1 : 0);
        // tshark 4.0 shows the offset field in 8-byte units, later versions in bytes: either is the same header
        final long offset = number(theirs, "ip.frag_offset");
        if (offset != ours.ipFragmentOffset() && offset * 8 != ours.ipFragmentOffset())
        {
            c.mismatch("ip.frag_offset", ours.ipFragmentOffset() + " bytes", String.valueOf(offset));
        }
        c.number("ip.ttl", ours.ipTimeToLive());
        c.number("ip.proto", ours.ipProtocol());
        c.number("ip.checksum.status", ours.ipHeaderChecksumValid() ? 1 : 0);
        c.text("ip.src", Ipv4Address.toString(ours.ipSource()));
        // RFC 791 §3.1 source routes: the destination field holds the next hop on the route, which tshark shows as
        // ip.cur_rt ("Current Route"), and tshark's ip.dst is the route's final destination from the option
        final String destination = first(theirs, "ip.cur_rt").isEmpty() ? "ip.dst" : "ip.cur_rt";
        c.text(destination, Ipv4Address.toString(ours.ipDestination()));
        if (ours.transport() == null)
        {
            // a fragment other than the first (tshark: "data") or a protocol the decoder leaves alone (IGMP, ...)
            if (Set.of("udp", "tcp", "icmp").contains(chain.transport))
            {
                c.mismatch("transport", "none", chain.transport);
            }
            return;
        }
        final String transport = switch (ours.transport())
        {
            case UDP -> "udp";
            case ICMP -> "icmp";
            default -> "tcp";
        };
        c.equal("outer transport protocol", transport, chain.transport);
        switch (ours.transport())
        {
            case UDP ->
            {
                c.number("udp.srcport", ours.sourcePort());
                c.number("udp.dstport", ours.destinationPort());
                c.number("udp.length", ours.udpLength());
                c.number("udp.checksum.status", checksumStatus(ours.transportChecksum()));
            }
            case ICMP ->
            {
                c.number("icmp.type", ours.icmpType());
                c.number("icmp.code", ours.icmpCode());
                c.number("icmp.checksum.status", checksumStatus(ours.transportChecksum()));
            }
            default ->
            {
                c.number("tcp.srcport", ours.sourcePort());
                c.number("tcp.dstport", ours.destinationPort());
                c.number("tcp.seq_raw", ours.tcpSequenceNumber());
                c.number("tcp.ack_raw", ours.tcpAcknowledgmentNumber());
                c.number("tcp.hdr_len", ours.tcpHeaderLength());
                c.number("tcp.flags", ours.tcpFlags());
                c.number("tcp.window_size_value", ours.tcpWindow());
                c.number("tcp.checksum.status", checksumStatus(ours.transportChecksum()));
            }
        }
    }

    /** tshark's checksum status values: 0 bad, 1 good, 2 unverified (none sent, fragment, or cut short). */
    private static int checksumStatus(final ChecksumStatus status)
    {
        return switch (status)
        {
            case BAD -> 0;
            case GOOD -> 1;
            case NONE, NOT_CHECKABLE -> 2;
        };
    }

    /**
     * The outermost protocols of tshark's frame.protocols (e.g. eth:ethertype:vlan:ethertype:ip:icmp:ip:udp gives
     * one tag, ip, icmp), and the link header length they imply for the capture's link type.
     */
    record Chain(int tags, String network, String transport, int linkHeaderLength)
    {
        static Chain of(final String protocols, final int linkType)
        {
            final List<String> tokens = new ArrayList<>(Arrays.asList(protocols.split(":")));
            tokens.removeIf(t -> t.equals("ethertype"));
            int i = 0;
            if (!tokens.isEmpty() && Set.of("eth", "sll", "raw").contains(tokens.get(0)))
            {
                i++;
            }
            int tags = 0;
            while (i < tokens.size() && (tokens.get(i).equals("vlan") || tokens.get(i).equals("ieee8021ad")))
            {
                tags++;
                i++;
            }
            final int linkHeaderLength = switch (linkType)
            {
                case FrameDecoder.LINKTYPE_ETHERNET -> 14 + 4 * tags;
                case FrameDecoder.LINKTYPE_LINUX_SLL -> 16 + 4 * tags;
                case FrameDecoder.LINKTYPE_LINUX_SLL2 -> 20 + 4 * tags;
                default -> 0;
            };
            final String network = i < tokens.size() ? tokens.get(i) : "";
            final String transport = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
            return new Chain(tags, network, transport, linkHeaderLength);
        }
    }

    /** Collects field disagreements for one frame. */
    private record Comparison(Map<String, String> theirs, String where, List<String> mismatches)
    {
        void number(final String field, final long ours)
        {
            final String value = first(theirs, field);
            if (value.isEmpty() || decode(value) != ours)
            {
                mismatch(field, String.valueOf(ours), value);
            }
        }

        void text(final String field, final String ours)
        {
            equal(field, ours, first(theirs, field));
        }

        void all(final String field, final String ours)
        {
            equal(field, ours, theirs.get(field));
        }

        void equal(final String what, final String ours, final String tshark)
        {
            if (!ours.equals(tshark))
            {
                mismatch(what, ours, tshark);
            }
        }

        void mismatch(final String what, final String ours, final String tshark)
        {
            mismatches.add(where + ": " + what + " ours=" + ours + " tshark=" + tshark);
        }
    }

    /** The first (outermost) occurrence of a field, or "". */
    private static String first(final Map<String, String> row, final String field)
    {
        final String value = row.get(field);
        final int comma = value.indexOf(',');
        return comma < 0 ? value : value.substring(0, comma);
    }

    /** The first occurrence as a number (decimal or 0x hex); -1 when tshark shows none. */
    private static long number(final Map<String, String> row, final String field)
    {
        final String value = first(row, field);
        return value.isEmpty() ? -1 : decode(value);
    }

    private static long decode(final String value)
    {
        return Long.decode(value);
    }

    private static boolean onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":"))
        {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }

    private static void run(final List<String> command, final Path output) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(
                output.resolveSibling(output.getFileName() + ".err").toFile()))
            .start();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            fail(command.get(0) + " did not finish in 60 s");
        }
        assertEquals(0, process.exitValue(), command.get(0) + " failed; see " + output + ".err");
    }
}
