package io.ringstack.testsupport.script;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A parsed scripted-peer test: the peer's side of a TCP conversation, packetdrill style, run by
 * {@link ScriptRunner} against a {@link ScriptTarget} on virtual time.
 * <pre>
 * // comment (anywhere outside a quoted string)
 * 0      call listen 8080
 * +0     &lt; S 0:0(0) win 65535 &lt;mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7&gt;
 * +0     &gt; S. 0:0(0) ack 1 win * &lt;mss 1460,sackOK,TS val * ecr 100,nop,wscale *&gt;
 * +0.1   &lt; . 1:1(0) ack 1 win 257
 * +0     call accept
 * +0.2   &lt; P. 1:1001(1000) ack 1 win 257
 * +0.04  &gt; . 1:1(0) ack 1001 win *
 * +1.0   &gt; none
 * *      &gt; R 1:1(0)
 * </pre>
 * <h2>Lines</h2>
 * <pre>
 * line    := time ( '&lt;' segment | '&gt;' segment | '&gt;' 'none' | 'call' action arg* )
 * time    := '*' | point [ '~' point ]         seconds; point := ['+'] digits ['.' digits] (at most 9 decimals)
 * segment := flags start ':' end '(' length ')' field*
 * flags   := one or more of F S R P . U E W  (FIN SYN RST PSH ACK URG ECE CWR), or '-' for none
 * field   := 'ack' num | 'win' num | 'urg' num | '&lt;' options '&gt;' | 'data' payload
 *          | 'sport' N | 'dport' N | 'bad-checksum' | 'bad-ip-checksum'
 * num     := N | '*' | '=' N                   '=' (absolute) only for sequence and acknowledgment numbers
 * options := '*' | option (',' option)*         option: mss N | wscale N | sackOK | sack L:R [L:R ...]
 *                                               | TS val N ecr N | nop | eol | opt KIND [HEX] | raw HEX
 * payload := 'pattern' | '"' text '"' | 'hex' HEX   text escapes: \\ \" \n \r \t \0 \xHH
 * arg     := word | '"' text '"'
 * </pre>
 * <h2>Time</h2>
 * {@code 0.100} is absolute (seconds after the run started), {@code +0.1} relative to the previous event: to the
 * time the previous expected segment actually appeared, otherwise to the previous event's time. Absolute times
 * never go backwards. An expected segment must appear within the tolerance ({@link ScriptConfig#toleranceNanos()})
 * of its time, or anywhere in a range {@code 0.2~0.4} / {@code +0.2~+0.4}, or, for {@code *}, any time from the
 * previous event up to {@link ScriptConfig#anyTimeBoundNanos()} later. {@code *} and ranges are only for expected
 * segments. An event whose time has already passed (the runner waited for a late segment) runs at once.
 * <h2>Segments</h2>
 * {@code < segment} is injected by the peer; {@code > segment} is expected from the stack; {@code > none} says the
 * stack sends no TCP segment from the previous event until this time. Every TCP segment the stack sends must be
 * expected, in order; non-TCP frames (ARP, ICMP) are ignored and listed unless the configuration says otherwise.
 * <p>
 * {@code start:end(length)}: sequence numbers and payload length; {@code end - start == length} (SYN and FIN are
 * not counted, as in packetdrill). Sequence and acknowledgment numbers (and SACK edges) are <em>relative</em>:
 * <ul>
 * <li>the stack's: the runner learns the stack's ISN from the first SYN or SYN-ACK it sends on a connection (a new
 *     SYN from the peer with another sequence number lets the stack's next SYN teach a new ISN, e.g. for TIME-WAIT
 *     reuse); written numbers are offsets from the number the script wrote in that SYN (usually 0);</li>
 * <li>the peer's: the script's own ISN is the number its first injected SYN says (usually 0); on the wire the
 *     runner adds {@link ScriptConfig#peerIsn()} (default 0, so by default the script's numbers are the wire's).
 *     </li>
 * </ul>
 * {@code =N} takes a number as it is on the wire, e.g. a RST with a guessed sequence number
 * {@code < R =4294967295:=4294967295(0)}, or {@code > R =0:=0(0)} before any ISN is known.
 * <p>
 * An injected segment needs values everywhere (no {@code *}), {@code ack N} when it has ACK, and uses the
 * configured window when {@code win} is absent; its data is {@link PayloadPattern}'s bytes for its place in the
 * stream unless {@code data} gives them. Options are written in order and padded with zeros (EOL) to a multiple of
 * four; at most 40 bytes. {@code bad-checksum} / {@code bad-ip-checksum} make the TCP / IPv4 checksum wrong.
 * {@code sport}/{@code dport} override the configured ports (sport is the sender's: the peer's for {@code <},
 * the stack's for {@code >}).
 * <p>
 * In an expected segment an absent {@code ack}, {@code win} or {@code urg} is not checked; absent options mean
 * none, {@code <*>} any; {@code *} matches any value; {@code data ...} checks the bytes, otherwise only the length
 * is checked. Ports, addresses and both checksums of every segment the stack sends are always checked.
 * <h2>Calls</h2>
 * {@code call write 1000} runs {@link ScriptTarget#call} with the action and its arguments; what actions exist is
 * the target's business. An exception from a call fails the script at that line.
 */
public final class Script
{
    private final String name;
    private final List<ScriptEvent> events;

    private Script(final String name, final List<ScriptEvent> events)
    {
        this.name = name;
        this.events = events;
    }

    /** Parses {@code text}; {@code name} (a file name, say) appears in every message. */
    public static Script parse(final String name, final String text)
    {
        return new Script(name, ScriptParser.parse(name, text));
    }

    /** Parses {@code text} named {@code <string>}. */
    public static Script parse(final String text)
    {
        return parse("<string>", text);
    }

    /** Loads a script from the classpath (an absolute resource name such as {@code "tcp/handshake.pkt"}). */
    public static Script fromResource(final String resource)
    {
        final String name = resource.startsWith("/") ? resource.substring(1) : resource;
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        final ClassLoader loader = context != null ? context : Script.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(name))
        {
            return parse(name, read(in, resource));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading script resource " + resource, ex);
        }
    }

    /** Loads a script resource relative to {@code anchor}'s package (or absolute with a leading '/'). */
    public static Script fromResource(final Class<?> anchor, final String resource)
    {
        try (InputStream in = anchor.getResourceAsStream(resource))
        {
            final String name = resource.startsWith("/") ? resource.substring(1) :
                anchor.getPackageName().replace('.', '/') + "/" + resource;
            return parse(name, read(in, name));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading script resource " + resource, ex);
        }
    }

    /** Loads a script file. */
    public static Script fromFile(final Path file)
    {
        try
        {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading script " + file, ex);
        }
    }

    private static String read(final InputStream in, final String resource) throws IOException
    {
        if (in == null)
        {
            throw new IllegalArgumentException("no script resource '" + resource + "' on the classpath");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    public String name()
    {
        return name;
    }

    public List<ScriptEvent> events()
    {
        return events;
    }

    @Override
    public String toString()
    {
        return name + " (" + events.size() + " events)";
    }
}
