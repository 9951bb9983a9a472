/**
 * IPv4 fragmentation on send ({@link io.ringstack.ip.fragment.Ipv4Fragmenter}) and reassembly on receive
 * ({@link io.ringstack.ip.fragment.Ipv4Reassembler}), RFC 791 §3.2, RFC 815, RFC 1122 §3.3.2. The reassembler's
 * class comment states its security policy (overlaps, duplicates, memory caps, timeout).
 */
package io.ringstack.ip.fragment;
