/**
 * The few cookie operations the console needs. (@fastify/cookie 11 loads its parser with a
 * dynamic ESM import, which fails inside Jest's VM without --experimental-vm-modules.)
 * Cookie values here are base64url tokens; names and values are validated, never encoded.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const NAME = /^[A-Za-z0-9_-]+$/;
const VALUE = /^[A-Za-z0-9_.~+/=-]*$/;

/** Parses a Cookie header; the first occurrence of a name wins (the browser sends the most specific first). */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const idx = part.indexOf('=');
    if (idx <= 0) continue;
    const name = part.slice(0, idx).trim();
    let value = part.slice(idx + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (NAME.test(name) && VALUE.test(value) && !out.has(name)) out.set(name, value);
  }
  return out;
}

export function requestCookie(req: FastifyRequest, name: string): string | undefined {
  return parseCookieHeader(req.headers.cookie).get(name);
}

export interface CookieOptions {
  path: string;
  httpOnly: boolean;
  sameSite: 'Strict' | 'Lax';
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  if (!NAME.test(name) || !VALUE.test(value)) throw new Error(`invalid cookie ${name}`);
  const parts = [`${name}=${value}`, `Path=${o.path}`, `Max-Age=${Math.floor(o.maxAge)}`];
  if (o.maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (o.httpOnly) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  parts.push(`SameSite=${o.sameSite}`);
  return parts.join('; ');
}

export function setCookie(reply: FastifyReply, name: string, value: string, o: CookieOptions): void {
  reply.header('set-cookie', serializeCookie(name, value, o));
}

export function clearCookie(reply: FastifyReply, name: string, o: Omit<CookieOptions, 'maxAge'>): void {
  setCookie(reply, name, '', { ...o, maxAge: 0 });
}
