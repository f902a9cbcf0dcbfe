/** Server-side tuning constants. Units are in the names. */

/** A room stays in memory this long after its last client left, then is compacted and evicted. */
export const ROOM_EVICT_AFTER_MS = 30_000
/** Compact a case's update log into one state row once it holds this many updates. */
export const COMPACT_AFTER_UPDATES = 500
/** Retry a failed store/compaction after this long; the room stays in memory meanwhile. */
export const STORE_RETRY_MS = 5_000
/** Organisation sessions (cookie) last this long. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000
/** Ping each WebSocket this often; a client that missed a pong is dropped. */
export const WS_PING_INTERVAL_MS = 30_000
/** Failed logins allowed per client address within LOGIN_WINDOW_MS. */
export const MAX_FAILED_LOGINS = 10
export const LOGIN_WINDOW_MS = 15 * 60 * 1000
/** Bytes of generated secrets (keys, tokens, session ids, case ids). */
export const SECRET_BYTES = 32
export const CASE_ID_BYTES = 16
export const SESSION_COOKIE = 'kt_session'
