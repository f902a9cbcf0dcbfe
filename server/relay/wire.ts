/**
 * The binary messages instances exchange over Redis (relay.ts). One layout for every kind:
 *
 *   kind (uint8) · instance id (var bytes) · sent-at ms (float64) · payload (var bytes)
 *
 * The instance id lets a receiver drop its own messages (Redis delivers them to the publisher
 * too) and address a reply; sent-at gives the relay lag. Payloads carry document and awareness
 * updates as Yjs encodes them, a state vector, or a few short strings — never anything decoded
 * from a case, so nothing here logs or inspects content.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

export const RelayKind = {
  /** A document update an instance accepted (payload: the Yjs update). */
  update: 1,
  /** An awareness update or removal (payload: the y-protocols awareness update). */
  awareness: 2,
  /** "What do you have that I lack?" (payload: the sender's state vector). */
  syncRequest: 3,
  /** The answer, addressed to one instance (payload: target id, the replier's state vector, the diff, awareness). */
  syncReply: 4,
  /** A case was erased: drop its key from memory, its room and its sockets (payload: the case id). On the control channel. */
  erase: 5,
  /** A credential ended: close its sockets (payload: kind, id, reason). On the control channel. */
  credentialEnd: 6,
} as const
export type RelayKind = (typeof RelayKind)[keyof typeof RelayKind]

export interface RelayMessage {
  kind: RelayKind
  instance: Uint8Array
  sentAt: number
  payload: Uint8Array
}

export function encodeMessage(kind: RelayKind, instance: Uint8Array, payload: Uint8Array, sentAt = Date.now()): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeUint8(enc, kind)
  encoding.writeVarUint8Array(enc, instance)
  encoding.writeFloat64(enc, sentAt)
  encoding.writeVarUint8Array(enc, payload)
  return encoding.toUint8Array(enc)
}

/** Null for anything that is not a well-formed message of a known kind. */
export function decodeMessage(data: Uint8Array): RelayMessage | null {
  try {
    const dec = decoding.createDecoder(data)
    const kind = decoding.readUint8(dec)
    if (kind < RelayKind.update || kind > RelayKind.credentialEnd) return null
    const instance = decoding.readVarUint8Array(dec)
    const sentAt = decoding.readFloat64(dec)
    const payload = decoding.readVarUint8Array(dec)
    return { kind: kind as RelayKind, instance, sentAt, payload }
  } catch {
    return null
  }
}

/** Several byte strings in one payload (a sync reply's parts). */
export function encodeParts(parts: Uint8Array[]): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, parts.length)
  for (const p of parts) encoding.writeVarUint8Array(enc, p)
  return encoding.toUint8Array(enc)
}

export function decodeParts(payload: Uint8Array): Uint8Array[] | null {
  try {
    const dec = decoding.createDecoder(payload)
    const n = decoding.readVarUint(dec)
    if (n > 16) return null
    const out: Uint8Array[] = []
    for (let i = 0; i < n; i++) out.push(decoding.readVarUint8Array(dec))
    return out
  } catch {
    return null
  }
}

export function encodeStrings(values: string[]): Uint8Array {
  return encodeParts(values.map((v) => new TextEncoder().encode(v)))
}

export function decodeStrings(payload: Uint8Array): string[] | null {
  const parts = decodeParts(payload)
  return parts && parts.map((p) => new TextDecoder().decode(p))
}

export function sameId(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i])
}
