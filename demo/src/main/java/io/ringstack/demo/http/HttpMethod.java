package io.ringstack.demo.http;

/** The methods this server implements (RFC 9110 §9.3.1, §9.3.2, §9.3.3); any other is answered with 405. */
public enum HttpMethod
{
    GET,
    HEAD,
    /** Only {@code /sha256} takes it; elsewhere 405 with {@code Allow: GET, HEAD}. */
    POST,
    /** Any other token: 405 Method Not Allowed, with the methods the resource allows (RFC 9110 §15.5.6). */
    OTHER
}
