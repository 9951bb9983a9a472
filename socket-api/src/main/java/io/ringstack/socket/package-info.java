/**
 * The NetStack builder, event loop, zero-copy and blocking socket APIs. Filled in by issue 8.
 * <p>
 * The layering rule: this module depends only on the modules below it; see docs/ARCHITECTURE.md.
 */
package io.ringstack.socket;
