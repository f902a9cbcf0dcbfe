/**
 * The sealed format of case content at rest (AES-256-GCM from node:crypto), in plain JavaScript so
 * that both the main thread (caseKeys.ts, sqlite.ts) and the document-log worker
 * (docLogWorker.js, which Node runs without a TypeScript step) use this one implementation.
 *
 *   blob  'KTE1' (4 bytes) + IV (12) + tag (16) + ciphertext
 *   text  'kte1:' + base64url(the same bytes)
 *
 * The additional authenticated data binds a value to its case and column (`aadOf`), so stored
 * values cannot be swapped between cases or columns. Values without the marker are legacy
 * plaintext from before encryption and are read as they are.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const MAGIC = Buffer.from('KTE1', 'latin1')
const TEXT_PREFIX = 'kte1:'
const IV_BYTES = 12
const TAG_BYTES = 16
const HEAD_BYTES = MAGIC.length + IV_BYTES + TAG_BYTES

/** Raised when a sealed value does not open: wrong or destroyed key, or damaged bytes. */
export class SealError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message)
    this.name = 'SealError'
  }
}

/** @param {string} caseId @param {string} column e.g. 'case_updates.data' */
export function aadOf(caseId, column) {
  return Buffer.from(`${caseId}\u0000${column}`, 'utf8')
}

/** @param {Uint8Array} stored */
export function isSealedBlob(stored) {
  return stored.byteLength >= HEAD_BYTES && Buffer.from(stored.buffer, stored.byteOffset, MAGIC.length).equals(MAGIC)
}

/** @param {string} stored */
export function isSealedText(stored) {
  return stored.startsWith(TEXT_PREFIX)
}

/** @param {Uint8Array} key 32 bytes @param {Uint8Array} aad @param {Uint8Array} plain */
export function sealBlob(key, aad, plain) {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad)
  const body = Buffer.concat([cipher.update(plain), cipher.final()])
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body])
}

/** The plaintext of a sealed blob; throws SealError when it does not open. @param {Uint8Array} key @param {Uint8Array} aad @param {Uint8Array} sealed */
export function openBlob(key, aad, sealed) {
  if (!isSealedBlob(sealed)) throw new SealError('not a sealed value')
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(MAGIC.length, MAGIC.length + IV_BYTES))
    decipher.setAAD(aad)
    decipher.setAuthTag(bytes.subarray(MAGIC.length + IV_BYTES, HEAD_BYTES))
    return Buffer.concat([decipher.update(bytes.subarray(HEAD_BYTES)), decipher.final()])
  } catch {
    throw new SealError('sealed value does not open with this key')
  }
}

/** @param {Uint8Array} key @param {Uint8Array} aad @param {string} text */
export function sealText(key, aad, text) {
  return TEXT_PREFIX + sealBlob(key, aad, Buffer.from(text, 'utf8')).toString('base64url')
}

/** @param {Uint8Array} key @param {Uint8Array} aad @param {string} stored */
export function openText(key, aad, stored) {
  if (!isSealedText(stored)) throw new SealError('not a sealed value')
  return openBlob(key, aad, Buffer.from(stored.slice(TEXT_PREFIX.length), 'base64url')).toString('utf8')
}
