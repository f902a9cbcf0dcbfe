/**
 * The y-websocket wire format, as the server speaks it. Every frame is binary:
 *
 *   varUint messageType, then the payload
 *     0 sync       y-protocols/sync: varUint syncType (0 step1 | 1 step2 | 2 update), varUint8Array
 *     1 awareness  varUint8Array: a y-protocols/awareness update
 *     3 queryAwareness  (no payload) — answered with the full awareness state
 *
 * Anything else is refused with CloseCode.BadMessage.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const

/** Query parameter with which the client names the document schema version it was built for. */
export const SCHEMA_VERSION_PARAM = 'schema'
/** Query parameter carrying an invite token (y-websocket `params: { token }`). */
export const TOKEN_PARAM = 'token'
