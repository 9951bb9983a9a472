package io.ringstack.demo.http;

/** The methods this server implements (RFC 9110 §9.3.1, §9.3.2); any other is answered with 405. */
public enum HttpMethod
{
    GET,
    HEAD,
    /** Any other token: 405 Method Not Allowed, with {@code Allow: GET, HEAD} (RFC 9110 §15.5.6). */
    OTHER
}
