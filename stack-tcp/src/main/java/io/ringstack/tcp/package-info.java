/**
 * TCP (RFC 9293, 7323, 2018, 5681, 6298 and friends). Filled in by issues 6 and 7.
 * <p>
 * The layering rule: this module depends only on the modules below it; see docs/ARCHITECTURE.md.
 */
package io.ringstack.tcp;
