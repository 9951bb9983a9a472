/**
 * Ethernet II and 802.1Q/802.1ad flyweights and ARP (RFC 826). Filled in by issue 3.
 * <p>
 * The layering rule: this module depends only on the modules below it; see docs/ARCHITECTURE.md.
 */
package io.ringstack.ethernet;
