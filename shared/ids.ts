/** Random ids for entities (21 url-safe chars, ~126 bits) — unguessable, collision-free in practice. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'

export function newId(length = 21): string {
  const bytes = new Uint8Array(length)
  globalThis.crypto.getRandomValues(bytes)
  let id = ''
  for (const b of bytes) id += ALPHABET[b & 63]
  return id
}

/** Entity ids in the document: what newId makes, or a few other url-safe forms (max 64 chars). */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export function isEntityId(v: unknown): v is string {
  return typeof v === 'string' && ENTITY_ID_PATTERN.test(v)
}
