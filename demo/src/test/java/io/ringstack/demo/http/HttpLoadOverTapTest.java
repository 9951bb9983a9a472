package io.ringstack.demo.http;

import io.ringstack.socket.NetStack;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux's load generators against the ringstack server over TAP, from a namespace: ApacheBench ({@code ab}, HTTP/1.0)
 * with and without keep-alive, and wrk holding 1,000 keep-alive connections open at once.
 * <pre>
 *   ringstack (NetStack, HttpServer)      |  namespace rs-PID-N
 *   198.18.82.2:80  TAP fd ---------------+--- rs-PID-Nt  198.18.82.1/24  ab, wrk
 * </pre>
 */
@RequiresRoot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpLoadOverTapTest
{
    private static final String OURS = "198.18.82.2";
    private static final String URL = "http://" + OURS + "/bytes/100";

    private NetworkNamespace namespace;
    private NetStack host;
    private HttpService service;

    @BeforeAll
    void setUp()
    {
        namespace = LinuxNetwork.createNamespace();
        final String tap = namespace.interfaceName("t");
        host = NetStack.builder("http-load").mac(0x0252_5300_0082L).address(OURS + "/24").tap(tap, null).start();
        namespace.adoptInterface(tap, "198.18.82.1/24");
        service = HttpService.start(host, 80, HttpServerConfig.defaults());
    }

    @AfterAll
    void tearDown()
    {
        if (service != null)
        {
            service.close();
        }
        if (host != null)
        {
            host.close();
            assertEquals(0, host.outstandingBuffers(), "buffers leaked");
        }
        if (namespace != null)
        {
            namespace.close();
        }
    }

    private static long number(final String out, final String label)
    {
        final Matcher m = Pattern.compile(Pattern.quote(label) + ":\\s+(\\d+)").matcher(out);
        assertTrue(m.find(), "no '" + label + "' in ab's report:\n" + out);
        return Long.parseLong(m.group(1));
    }

    private CommandResult ab(final String... options)
    {
        final String[] argv = new String[options.length + 3];
        argv[0] = "ab";
        argv[1] = "-q";
        System.arraycopy(options, 0, argv, 2, options.length);
        argv[argv.length - 1] = URL;
        return namespace.command(argv).timeout(Duration.ofSeconds(60)).run();
    }

    /** ab without keep-alive: one connection per request, 50 at a time; all complete, none failed. */
    @Test
    @RequiresTool(value = "ab", debianPackage = "apache2-utils")
    void abWithoutKeepAliveCompletesEveryRequest()
    {
        final Map<String, Long> before = service.counters();
        final String out = ab("-n", "3000", "-c", "50", "-s", "10").stdout();
        System.out.println("ab -n 3000 -c 50 " + URL + " over TAP:\n" + out);
        assertEquals(3000, number(out, "Complete requests"), out);
        assertEquals(0, number(out, "Failed requests"), out);
        assertFalse(out.contains("Non-2xx responses"), out);
        assertEquals(100, number(out, "Document Length"), out);
        assertEquals(300_000, number(out, "HTML transferred"), "every body complete: " + out);
        final Map<String, Long> after = service.counters();
        final long accepted = after.get("http.connections.accepted") - before.get("http.connections.accepted");
        // ab opens a connection per request, and near the end up to -c more that it closes unused
        assertTrue(accepted >= 3000 && accepted <= 3050, "HTTP/1.0 without keep-alive: a connection per request: " +
            accepted);
        assertTrue(after.get("http.responses.2xx") - before.get("http.responses.2xx") >= 3000, after.toString());
        assertEquals(0, after.get("http.responses.4xx") - before.get("http.responses.4xx"), after.toString());
    }

    /** ab -k: HTTP/1.0 with "Connection: Keep-Alive"; every response keeps the connection, none failed. */
    @Test
    @RequiresTool(value = "ab", debianPackage = "apache2-utils")
    void abWithKeepAliveReusesConnections()
    {
        final Map<String, Long> before = service.counters();
        final String out = ab("-k", "-n", "20000", "-c", "50", "-s", "10").stdout();
        System.out.println("ab -k -n 20000 -c 50 " + URL + " over TAP:\n" + out);
        assertEquals(20000, number(out, "Complete requests"), out);
        assertEquals(0, number(out, "Failed requests"), out);
        assertFalse(out.contains("Non-2xx responses"), out);
        assertEquals(20000, number(out, "Keep-Alive requests"), "each response said keep-alive: " + out);
        assertEquals(2_000_000, number(out, "HTML transferred"), "every body complete: " + out);
        final Map<String, Long> after = service.counters();
        assertEquals(50, after.get("http.connections.accepted") - before.get("http.connections.accepted"),
            "one connection per concurrent client, kept for all its requests");
    }

    /**
     * wrk with 1,000 connections on 2 threads for 3 s: all open at once (the server's peak), each doing keep-alive
     * requests; no socket errors (connect, read, write, timeout), no non-2xx response.
     */
    @Test
    @RequiresTool(value = "wrk", debianPackage = "wrk")
    void wrkHolds1000KeepAliveConnectionsAtOnce()
    {
        final Map<String, Long> before = service.counters();
        final CommandResult result = namespace.command("wrk", "-t", "2", "-c", "1000", "-d", "3s", "--timeout", "5s",
            URL).timeout(Duration.ofSeconds(60)).run();
        final String out = result.stdout();
        System.out.println("wrk -t 2 -c 1000 -d 3s " + URL + " over TAP:\n" + out);
        assertFalse(out.contains("Non-2xx or 3xx responses"), out);
        assertFalse(out.contains("Socket errors"), out);
        final Matcher requests = Pattern.compile("(\\d+) requests in").matcher(out);
        assertTrue(requests.find(), out);
        final long completed = Long.parseLong(requests.group(1));
        assertTrue(completed > 10_000, "1,000 connections, several requests each: " + out);
        final Map<String, Long> after = service.counters();
        System.out.println("server: " + after);
        assertTrue(after.get("http.connections.open.peak") >= 1000, "1,000 open at once: " + after);
        final long accepted = after.get("http.connections.accepted") - before.get("http.connections.accepted");
        assertTrue(accepted >= 1000 && accepted <= 1010, "each wrk connection kept alive (no reconnects): " +
            accepted);
        assertEquals(0, after.get("http.responses.4xx") - before.get("http.responses.4xx"));
        assertEquals(0, after.get("http.responses.5xx") - before.get("http.responses.5xx"));
        // (no check of resets: wrk exits with responses unread, and Linux then resets those connections)
        assertTrue(after.get("http.responses.2xx") - before.get("http.responses.2xx") >= completed);
    }
}
