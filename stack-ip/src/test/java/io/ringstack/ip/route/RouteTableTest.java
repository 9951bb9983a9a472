package io.ringstack.ip.route;

import io.ringstack.ip.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RouteTableTest
{
    private static int ip(final String text)
    {
        return Ipv4Address.parse(text);
    }

    @Test
    void longestPrefixWinsAndTheGatewayIsTheNextHop()
    {
        final RouteTable routes = new RouteTable(4);
        routes.addConnected(ip("10.0.0.1"), 24);
        assertEquals(RouteTable.NO_ROUTE, routes.nextHop(ip("8.8.8.8")));
        routes.setDefaultGateway(ip("10.0.0.254"));
        assertEquals(ip("10.0.0.7"), routes.nextHop(ip("10.0.0.7")), "connected: the destination itself");
        assertEquals(ip("10.0.0.254"), routes.nextHop(ip("8.8.8.8")), "default route");
        routes.add(ip("192.168.0.0"), 16, ip("10.0.0.253"));
        assertEquals(ip("10.0.0.253"), routes.nextHop(ip("192.168.4.4")));
        assertTrue(routes.isDirectedBroadcast(ip("10.0.0.255")));
        assertFalse(routes.isDirectedBroadcast(ip("10.0.0.254")));
        assertTrue(routes.isConnected(ip("10.0.0.9")));
        assertFalse(routes.isConnected(ip("10.0.1.9")));
    }

    @Test
    void gatewayMustBeOnALink()
    {
        final RouteTable routes = new RouteTable(4);
        routes.addConnected(ip("10.0.0.1"), 24);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> routes.setDefaultGateway(ip("10.9.9.9")));
        assertTrue(ex.getMessage().contains("not on a connected subnet"), ex.getMessage());
    }
}
