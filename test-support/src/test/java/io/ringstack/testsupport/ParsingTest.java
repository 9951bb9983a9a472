package io.ringstack.testsupport;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsers of ping, ip neigh and ip link output, on output captured from iputils 20221126 and iproute2 6.1. */
final class ParsingTest
{
    @Test
    void pingWithReplies()
    {
        final PingResult result = PingResult.parse("""
            PING 198.18.200.1 (198.18.200.1) 56(84) bytes of data.
            64 bytes from 198.18.200.1: icmp_seq=1 ttl=64 time=0.072 ms
            64 bytes from 198.18.200.1: icmp_seq=2 ttl=64 time=0.047 ms
            64 bytes from 198.18.200.1: icmp_seq=3 ttl=64 time=0.053 ms

            --- 198.18.200.1 ping statistics ---
            3 packets transmitted, 3 received, 0% packet loss, time 406ms
            rtt min/avg/max/mdev = 0.047/0.057/0.072/0.010 ms
            """);
        assertEquals(3, result.transmitted());
        assertEquals(3, result.received());
        assertEquals(0, result.errors());
        assertEquals(0.047, result.rttMinMillis());
        assertEquals(0.057, result.rttAvgMillis());
        assertEquals(0.072, result.rttMaxMillis());
        assertTrue(result.allReceived());
        assertEquals(0.0, result.lossPercent());
    }

    @Test
    void pingWithoutRepliesHasNoRtt()
    {
        final PingResult result = PingResult.parse("""
            PING 198.18.200.3 (198.18.200.3) 56(84) bytes of data.
            From 198.18.200.2 icmp_seq=1 Destination Host Unreachable
            From 198.18.200.2 icmp_seq=2 Destination Host Unreachable

            --- 198.18.200.3 ping statistics ---
            2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1030ms
            """);
        assertEquals(2, result.transmitted());
        assertEquals(0, result.received());
        assertEquals(2, result.errors());
        assertTrue(Double.isNaN(result.rttAvgMillis()));
        assertFalse(result.allReceived());
        assertEquals(100.0, result.lossPercent());
    }

    @Test
    void pingWithDuplicatesCountsErrorsSeparately()
    {
        final PingResult result = PingResult.parse("""
            4 packets transmitted, 3 received, +1 duplicates, +1 errors, 25% packet loss, time 3004ms
            rtt min/avg/max/mdev = 1.5/2.25/3.0/0.5 ms
            """);
        assertEquals(4, result.transmitted());
        assertEquals(3, result.received());
        assertEquals(1, result.errors());
        assertEquals(3.0, result.rttMaxMillis());
        assertEquals(25.0, result.lossPercent());
    }

    @Test
    void pingOutputWithoutSummaryIsRejectedWithTheOutput()
    {
        final IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
            () -> PingResult.parse("ping: connect: Network is unreachable\n"));
        assertTrue(failure.getMessage().contains("Network is unreachable"), failure.getMessage());
    }

    @Test
    void neighbourTable()
    {
        final Map<String, Neighbour> table = Neighbour.parse("""
            198.18.200.3 dev eth0 INCOMPLETE
            198.18.200.1 dev eth0 lladdr EA:47:64:fb:96:f9 REACHABLE
            198.18.200.9 dev eth0 lladdr 52:54:00:aa:bb:cc router STALE
            198.18.200.4 dev eth0 FAILED
            198.18.200.5 dev eth0 lladdr 52:54:00:00:00:05 PERMANENT
            """);
        assertEquals(List.of("198.18.200.3", "198.18.200.1", "198.18.200.9", "198.18.200.4", "198.18.200.5"),
            List.copyOf(table.keySet()));
        assertEquals(new Neighbour("198.18.200.3", "eth0", "", "INCOMPLETE"), table.get("198.18.200.3"));
        assertEquals(new Neighbour("198.18.200.1", "eth0", "ea:47:64:fb:96:f9", "REACHABLE"),
            table.get("198.18.200.1"));
        assertEquals("STALE", table.get("198.18.200.9").state());
        assertEquals("52:54:00:aa:bb:cc", table.get("198.18.200.9").mac().orElseThrow());
        assertTrue(table.get("198.18.200.4").mac().isEmpty());
        assertEquals("PERMANENT", table.get("198.18.200.5").state());
        assertTrue(Neighbour.parse("").isEmpty());
    }

    @Test
    void linkNamesDropThePeerSuffix()
    {
        final List<String> names = LinuxNetwork.parseLinkNames(
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000" +
            "\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
            "9: rs-4711-0h@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default " +
            "qlen 1000\\    link/ether f2:f9:0a:72:55:7e brd ff:ff:ff:ff:ff:ff link-netns rs-4711-0\n" +
            "12: rs-4711-1a@rs-4711-1b: <BROADCAST,MULTICAST,M-DOWN> mtu 1500\n");
        assertEquals(List.of("lo", "rs-4711-0h", "rs-4711-1a"), names);
        assertEquals("f2:f9:0a:72:55:7e", LinuxNetwork.parseMac("x",
            "9: x@if2: <BROADCAST> mtu 1500\\    link/ether F2:F9:0A:72:55:7E brd ff:ff:ff:ff:ff:ff"));
    }

    @Test
    void namesAndAddressesAreValidatedWithAHint()
    {
        assertEquals("198.18.0.2/24", LinuxNetwork.validateCidr("198.18.0.2/24"));
        for (final String bad : new String[] {"198.18.0.2", "198.18.0.256/24", "198.18.0.2/33", "fe80::1/64", "x"})
        {
            final IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> LinuxNetwork.validateCidr(bad));
            assertTrue(failure.getMessage().contains("e.g. 198.18.0.2/24"), failure.getMessage());
        }
        assertEquals("rs-4194304-99ab", LinuxNetwork.validateInterfaceName("rs-4194304-99ab"));
        for (final String bad : new String[] {"", "rs-4194304-99abc", "a/b", "a:b", "a b", "."})
        {
            assertThrows(IllegalArgumentException.class, () -> LinuxNetwork.validateInterfaceName(bad), bad);
        }
    }
}
