package io.ringstack.demo.http;

/**
 * Why a request was refused, with the status code the server answers (and counts by reason). Every one of them
 * ends the connection after the response: once the framing is in doubt, nothing after it can be trusted
 * (RFC 9112 §9.3 recovery is not attempted).
 */
public enum HttpRequestError
{
    /** RFC 9112 §3: request-line = method SP request-target SP HTTP-version, with single spaces. */
    BAD_REQUEST_LINE(400),
    /** RFC 9110 §9.1: the method is a token. */
    BAD_METHOD(400),
    /** RFC 9112 §3.2: origin-form or absolute-form (asterisk-form is OPTIONS only), visible ASCII only. */
    BAD_TARGET(400),
    /** RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive. */
    BAD_VERSION(400),
    /** RFC 9110 §15.6.6: a major version other than 1. */
    VERSION_NOT_SUPPORTED(505),
    /** RFC 9110 §5.1: a field name is a token, followed at once by a colon. */
    BAD_FIELD_NAME(400),
    /** RFC 9112 §5.1: "No whitespace is allowed between the field name and colon" (MUST reject with 400). */
    WHITESPACE_BEFORE_COLON(400),
    /** RFC 9112 §5.2: obs-fold (and §2.2: whitespace between the start-line and the first field) is rejected. */
    OBSOLETE_LINE_FOLDING(400),
    /** RFC 9110 §5.5: a field value holds no CTL other than HTAB, and no NUL. */
    BAD_FIELD_VALUE(400),
    /** RFC 9112 §2.2: a bare CR is invalid. */
    BARE_CR(400),
    /** RFC 9112 §3.2: an HTTP/1.1 request without a Host field. */
    MISSING_HOST(400),
    /** RFC 9112 §3.2: more than one Host field line. */
    DUPLICATE_HOST(400),
    /** RFC 9110 §8.6: Content-Length is 1*DIGIT (a list only of equal values). */
    BAD_CONTENT_LENGTH(400),
    /** RFC 9112 §6.3: both Transfer-Encoding and Content-Length: a smuggling attempt, or a broken client. */
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING(400),
    /**
     * RFC 9112 §6.3: a Transfer-Encoding whose final coding is not chunked (the body length is unknowable), or
     * (§7) one that applies chunked more than once.
     */
    TRANSFER_ENCODING_NOT_CHUNKED(400),
    /** RFC 9112 §6.1: a transfer coding other than chunked (e.g. "gzip, chunked"): this server decodes none. */
    TRANSFER_ENCODING_NOT_IMPLEMENTED(501),
    /**
     * RFC 9112 §7.1: a malformed chunked body: a chunk-size that is not 1*HEXDIG, a chunk extension not after ";",
     * chunk-data not followed by CRLF, a bare LF or CR in a chunk line.
     */
    BAD_CHUNK(400),
    /** A chunk-size line (its extensions included) longer than {@link HttpRequestReader#MAX_CHUNK_LINE_BYTES}. */
    CHUNK_LINE_TOO_LONG(400),
    /** RFC 6585 §5: the request-line and header section together exceed the limit (or too many field lines). */
    HEADER_SECTION_TOO_LARGE(431),
    /**
     * RFC 9110 §15.5.14: the declared body (Content-Length), or the chunk sizes received so far, exceed the longest
     * body the server reads ({@link HttpServerConfig#maxBodyBytes()}).
     */
    CONTENT_TOO_LARGE(413);

    private final int status;

    HttpRequestError(final int status)
    {
        this.status = status;
    }

    /** The status code of the response. */
    public int status()
    {
        return status;
    }
}
