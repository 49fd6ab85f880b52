import { createHash, randomBytes } from 'node:crypto';
import { formatLinkCode } from '../domain/link.js';

/** A session token: 32 random bytes, base64url (43 characters). */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');
export const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const newLinkCode = (): string => formatLinkCode(randomBytes(12));

/** What we keep of a secret or of a personal value used only for matching: a domain-separated SHA-256. */
export const digest = (domain: 'session' | 'link-code' | 'login' | 'ip', value: string): string =>
  createHash('sha256').update(`dases:${domain}\0${value}`).digest('hex');
