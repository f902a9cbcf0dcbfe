/**
 * Secrets: generation and hashing. Tokens and session ids are high-entropy random values, so a
 * plain SHA-256 is enough to store them; the organisation key may be chosen by a person
 * (ORG_KEY), so it is stored with scrypt and a salt.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import { SECRET_BYTES } from '../constants.ts'

export function newSecret(bytes = SECRET_BYTES): string {
  return randomBytes(bytes).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

const SCRYPT_N = 16384
const SCRYPT_KEYLEN = 32

export function hashKey(key: string): string {
  const salt = randomBytes(16)
  const hash = scryptSync(key, salt, SCRYPT_KEYLEN, { N: SCRYPT_N })
  return `scrypt$${SCRYPT_N}$${salt.toString('base64url')}$${hash.toString('base64url')}`
}

export function verifyKey(key: string, stored: string): boolean {
  const [alg, n, saltB64, hashB64] = stored.split('$')
  if (alg !== 'scrypt' || !n || !saltB64 || !hashB64) return false
  const expected = Buffer.from(hashB64, 'base64url')
  const actual = scryptSync(key, Buffer.from(saltB64, 'base64url'), expected.length, { N: Number(n) })
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** Token formats we accept at the boundary: base64url, bounded length. */
export function looksLikeToken(v: string): boolean {
  return /^[A-Za-z0-9_-]{20,200}$/.test(v)
}
