/**
 * Headers every response carries. The web UI's pages load only this server's own scripts,
 * styles and data (img-src adds data: for the favicon and blob: for images fetched with the
 * session's credentials); nothing may frame any response (clickjacking); no type sniffing;
 * no URL leaks to other sites in Referer. API answers and artifact downloads allow nothing
 * at all and are sandboxed, so a file served by mistake as a page could run no script.
 */
import type { ServerResponse } from 'node:http';

export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

const NOT_A_PAGE = /^\/(api|ajax-api)(\/|$)|^\/(get-artifact|health|version|metrics)$/;

export function setSecurityHeaders(res: ServerResponse, path: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Content-Security-Policy', NOT_A_PAGE.test(path) ? API_CONTENT_SECURITY_POLICY : UI_CONTENT_SECURITY_POLICY);
  // Answers differ by Origin (CORS headers, refusals): a shared cache must not mix them.
  res.setHeader('Vary', 'Origin');
}
