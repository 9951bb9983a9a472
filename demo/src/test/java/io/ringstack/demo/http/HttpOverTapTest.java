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
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux's own HTTP clients against the ringstack server over a TAP device whose Linux end sits in a network
 * namespace: curl (keep-alive over several URLs, 100 MB with its SHA-256, HEAD, 404, chunked responses, chunked
 * and Content-Length uploads to {@code POST /sha256}) and wrk with 100 connections.
 * <pre>
 *   ringstack (NetStack, HttpServer)      |  namespace rs-PID-N
 *   198.18.80.2:80  TAP fd ---------------+--- rs-PID-Nt  198.18.80.1/24  curl, wrk
 * </pre>
 */
@RequiresRoot
@RequiresTool("curl")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpOverTapTest
{
    private static final String OURS = "198.18.80.2";
    private static final String BASE = "http://" + OURS;

    private NetworkNamespace namespace;
    private NetStack host;
    private HttpService service;
    private Path upload;

    @BeforeAll
    void setUp(@TempDir final Path dir, @TempDir final Path uploads) throws IOException
    {
        Files.writeString(dir.resolve("hello.txt"), "hello over TAP\n");
        upload = uploads.resolve("upload.bin");
        final byte[] random = new byte[20_000_000];
        new java.util.SplittableRandom(8).nextBytes(random);
        Files.write(upload, random);
        namespace = LinuxNetwork.createNamespace();
        final String tap = namespace.interfaceName("t");
        host = NetStack.builder("http-tap").mac(0x0252_5300_0080L).address(OURS + "/24").tap(tap, null).start();
        namespace.adoptInterface(tap, "198.18.80.1/24");
        service = HttpService.start(host, 80, HttpServerConfig.defaults().withDirectory(dir)
            .withMaxBodyBytes(64 << 20));
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
        }
        if (namespace != null)
        {
            namespace.close();
        }
    }

    private CommandResult curl(final String... arguments)
    {
        final String[] argv = new String[arguments.length + 4];
        argv[0] = "curl";
        argv[1] = "-sS";
        argv[2] = "--noproxy";
        argv[3] = "*";
        System.arraycopy(arguments, 0, argv, 4, arguments.length);
        return namespace.command(argv).timeout(Duration.ofSeconds(120)).run();
    }

    @Test
    void curlFetchesSeveralUrlsOverOneKeptAliveConnection()
    {
        final Map<String, Long> before = service.counters();
        final CommandResult result = curl("-w", "%{http_code} %{size_download} %{num_connects}\\n",
            BASE + "/bytes/100", "-o", "/dev/null", BASE + "/chunked/5", "-o", "/dev/null",
            BASE + "/hello.txt", "-o", "/dev/null", BASE + "/nope", "-o", "/dev/null");
        assertEquals(List.of("200 100 1", "200 5 0", "200 15 0", "404 14 0"), result.stdoutLines(),
            "status, bytes, new connections per URL: one connection for all four\n" + result.stderr());
        final Map<String, Long> after = service.counters();
        assertEquals(1, after.get("http.connections.accepted") - before.get("http.connections.accepted"));
        assertEquals(4, after.get("http.requests") - before.get("http.requests"));
    }

    @Test
    void curlDownloads100MegabytesWithTheRightDigest()
    {
        final CommandResult result = namespace.command("sh", "-c", "curl -sS --noproxy '*' " + BASE +
            "/bytes/100000000 | sha256sum").timeout(Duration.ofSeconds(170)).run();
        assertEquals(BytesPattern.SHA256_OF_100_MB, result.stdout().trim().split("\\s+")[0], result.stderr());
    }

    @Test
    void curlDecodesAChunkedResponse() throws Exception
    {
        final CommandResult result = namespace.command("sh", "-c", "curl -sS --noproxy '*' -D /dev/stderr " + BASE +
            "/chunked/3000000 | sha256sum").timeout(Duration.ofSeconds(60)).run();
        final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        final byte[] body = new byte[3_000_000];
        BytesPattern.copy(0, body, 0, body.length);
        assertEquals(HexFormat.of().formatHex(sha256.digest(body)), result.stdout().trim().split("\\s+")[0]);
        assertTrue(result.stderr().contains("Transfer-Encoding: chunked"), result.stderr());
    }

    /**
     * curl uploads 20 MB of random bytes with {@code Transfer-Encoding: chunked} (and, after "Expect: 100-continue",
     * waits for the server's 100), then with Content-Length; the server's SHA-256 of what it decoded equals the
     * file's.
     */
    @Test
    void curlUploadsAChunkedBodyAndGetsItsDigest() throws Exception
    {
        final String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(Files.readAllBytes(upload)));
        final Map<String, Long> before = service.counters();
        final CommandResult chunked = curl("-v", "--data-binary", "@" + upload, "-H", "Transfer-Encoding: chunked",
            "-H", "Content-Type: application/octet-stream", BASE + "/sha256");
        assertEquals(expected + "\n", chunked.stdout(), chunked.stderr());
        assertTrue(chunked.stderr().contains("> Transfer-Encoding: chunked"), chunked.stderr());
        // curl asks for a 100 before an upload of unknown size or over 1 MB (RFC 9110 §10.1.1)
        assertTrue(chunked.stderr().contains("> Expect: 100-continue"), chunked.stderr());
        assertTrue(chunked.stderr().contains("< HTTP/1.1 100 Continue"), chunked.stderr());
        final CommandResult plain = curl("--data-binary", "@" + upload, BASE + "/sha256");
        assertEquals(expected + "\n", plain.stdout(), plain.stderr());
        final Map<String, Long> after = service.counters();
        assertEquals(2 * 20_000_000L, after.get("http.request.body.bytes") - before.get("http.request.body.bytes"));
    }

    @Test
    void curlHeadGetsTheFieldsAndNoBody()
    {
        final CommandResult result = curl("-I", "-w", "size=%{size_download}\\n", BASE + "/bytes/1000");
        final String out = result.stdout();
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("Content-Length: 1000\r\n"), out);
        assertTrue(out.contains("Date: ") && out.contains(" GMT\r\n"), out);
        assertTrue(out.endsWith("size=0\n"), out);
    }

    @Test
    void curlGets404ForMissingFilesAndForPathsOutsideTheDirectory()
    {
        for (final String path : new String[] {"/nope", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
            "/bytes/x", "/bytes/-1"})
        {
            final CommandResult result = curl("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", BASE + path);
            assertEquals("404", result.stdout(), path);
        }
        final CommandResult post = curl("-o", "/dev/null", "-w", "%{http_code}", "-d", "x=1", BASE + "/bytes/5");
        assertEquals("405", post.stdout());
        final CommandResult big = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Big: " + "b".repeat(9000),
            BASE + "/bytes/5");
        assertEquals("431", big.stdout());
    }

    /** wrk: 100 keep-alive connections for 3 s; every response 2xx, no socket errors. */
    @Test
    @RequiresTool(value = "wrk", debianPackage = "wrk")
    void wrkWith100ConnectionsGetsOnly2xx()
    {
        final Map<String, Long> before = service.counters();
        final CommandResult result = namespace.command("wrk", "-t", "2", "-c", "100", "-d", "3s", "--latency",
            BASE + "/bytes/100").timeout(Duration.ofSeconds(60)).run();
        final String out = result.stdout();
        System.out.println("wrk -t 2 -c 100 -d 3s " + BASE + "/bytes/100 over TAP:\n" + out);
        assertFalse(out.contains("Non-2xx or 3xx responses"), out);
        assertFalse(out.contains("Socket errors"), out);
        final Matcher requests = Pattern.compile("(\\d+) requests in").matcher(out);
        assertTrue(requests.find(), out);
        assertTrue(Long.parseLong(requests.group(1)) > 1000, out);
        final Map<String, Long> after = service.counters();
        assertTrue(after.get("http.connections.accepted") - before.get("http.connections.accepted") >= 100,
            "wrk's 100 connections (it may open one more): " + after);
        assertEquals(0, after.get("http.responses.4xx") - before.get("http.responses.4xx"));
        assertEquals(0, after.get("http.responses.5xx") - before.get("http.responses.5xx"));
        assertTrue(after.get("http.responses.2xx") - before.get("http.responses.2xx") >=
            Long.parseLong(requests.group(1)), "wrk counts only the responses it completed: " + after);
    }
}
