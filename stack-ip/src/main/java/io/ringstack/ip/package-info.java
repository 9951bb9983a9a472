/**
 * IPv4 (RFC 791) with reassembly, ICMP (RFC 792) and UDP (RFC 768). Filled in by issue 3.
 * <p>
 * The layering rule: this module depends only on the modules below it; see docs/ARCHITECTURE.md.
 */
package io.ringstack.ip;
