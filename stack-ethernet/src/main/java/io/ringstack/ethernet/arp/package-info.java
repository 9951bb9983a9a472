/**
 * ARP (RFC 826) for an IPv4 interface, with the address conflict rules of RFC 5227.
 * <p>
 * {@link io.ringstack.ethernet.arp.ArpResolver} is the logic: answering requests, resolving next hops for the
 * IP layer and parking their frames meanwhile, timers, announcements and defence.
 * {@link io.ringstack.ethernet.arp.ArpCache} is the translation table (a read-only view outside this package),
 * {@link io.ringstack.ethernet.arp.ArpConfig} its settings, {@link io.ringstack.ethernet.arp.ArpCounters} what
 * happened. The packet format itself is the
 * {@link io.ringstack.ethernet.wire.ArpPacket} flyweight.
 */
package io.ringstack.ethernet.arp;
