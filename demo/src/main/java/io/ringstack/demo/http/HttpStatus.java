package io.ringstack.demo.http;

/** Status lines (RFC 9112 §4) and the short text bodies of error responses, as bytes made once. */
final class HttpStatus
{
    private static final int[] CODES = {200, 400, 404, 405, 413, 431, 501, 505};
    private static final String[] REASONS = {"OK", "Bad Request", "Not Found", "Method Not Allowed",
        "Content Too Large", "Request Header Fields Too Large", "Not Implemented", "HTTP Version Not Supported"};
    private static final byte[][] LINES = new byte[CODES.length][];
    private static final byte[][] BODIES = new byte[CODES.length][];

    static
    {
        for (int i = 0; i < CODES.length; i++)
        {
            LINES[i] = Ascii.bytes("HTTP/1.1 " + CODES[i] + " " + REASONS[i] + "\r\n");
            BODIES[i] = Ascii.bytes(CODES[i] + " " + REASONS[i] + "\n");
        }
    }

    private HttpStatus()
    {
    }

    private static int index(final int status)
    {
        for (int i = 0; i < CODES.length; i++)
        {
            if (CODES[i] == status)
            {
                return i;
            }
        }
        throw new IllegalArgumentException("no status line for " + status + ": add it to HttpStatus");
    }

    /** "HTTP/1.1 404 Not Found\r\n" (the server's own version, RFC 9110 §2.5). */
    static byte[] line(final int status)
    {
        return LINES[index(status)];
    }

    /** "404 Not Found\n". */
    static byte[] body(final int status)
    {
        return BODIES[index(status)];
    }
}
