/**
 * The entries of a y-protocols awareness update, read and written without applying them:
 *
 *   varUint count, then per entry: varUint clientId, varUint clock, varString state (JSON; "null"
 *   when the client left)
 *
 * The server reads them to let a connection speak only for its own clients; tests write them to
 * forge what a hostile client would send.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** The state as JSON text. */
  state: string
}

/** Throws on malformed input (also when a state is not JSON), or past `maxEntries`. */
export function readAwarenessEntries(update: Uint8Array, maxEntries = Number.MAX_SAFE_INTEGER): AwarenessEntry[] {
  const dec = decoding.createDecoder(update)
  const n = decoding.readVarUint(dec)
  if (n > maxEntries) throw new Error('too many entries')
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < n; i++) {
    const clientId = decoding.readVarUint(dec)
    const clock = decoding.readVarUint(dec)
    const state = decoding.readVarString(dec)
    JSON.parse(state)
    entries.push({ clientId, clock, state })
  }
  return entries
}

export function writeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(enc, e.clientId)
    encoding.writeVarUint(enc, e.clock)
    encoding.writeVarString(enc, e.state)
  }
  return encoding.toUint8Array(enc)
}
