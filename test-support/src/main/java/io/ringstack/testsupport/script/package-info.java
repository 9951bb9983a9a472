/**
 * A packetdrill-style scripted peer for testing a TCP on virtual time: {@link io.ringstack.testsupport.script.Script}
 * (the language, parsed with line and column in every error), {@link io.ringstack.testsupport.script.ScriptRunner}
 * (plays the peer against a {@link io.ringstack.testsupport.script.ScriptTarget}) and its own Ethernet/IPv4/TCP
 * encoder and decoder, independent of ringstack's stack modules so that it is a second opinion on the wire format.
 * See docs/SCRIPTED_PEER.md.
 */
package io.ringstack.testsupport.script;
