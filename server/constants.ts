/** Server-side tuning constants. Units are in the names. */

/** A room stays in memory this long after its last client left, then is compacted and evicted. */
export const ROOM_EVICT_AFTER_MS = 30_000
/** Compact a case's update log into one state row once it holds this many updates. */
export const COMPACT_AFTER_UPDATES = 500
/** Retry a failed store after this long, doubling up to the maximum; the room stays in memory meanwhile. */
export const STORE_RETRY_MIN_MS = 250
export const STORE_RETRY_MAX_MS = 5_000
/** Retry a failed eviction (its last store or compaction failed) after this long. */
export const STORE_RETRY_MS = 5_000
/** At shutdown: how long to wait for clients to finish sending and for the last commits. */
export const SHUTDOWN_GRACE_MS = 8_000
/** Organisation sessions (cookie) last this long. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000
/** Ping each WebSocket this often; a client that missed a pong is dropped. */
export const WS_PING_INTERVAL_MS = 30_000
/** Bytes of generated secrets (keys, tokens, session ids, case ids). */
export const SECRET_BYTES = 32
export const CASE_ID_BYTES = 16
export const SESSION_COOKIE = 'kt_session'

// Credential checks (server/auth/rateLimit.ts). A "source" is one client address (an IPv6 /64).
/** Key checks (scrypt) a source may start in a burst; each failure spends one, a correct key refills all. */
export const KDF_BURST = 10
/** A source regains one key check this often (6 s: at most 10 wrong keys a minute once the burst is spent). */
export const KDF_REFILL_MS = 6_000
/** Key checks running at once; each runs one scrypt per organisation key (2) on the libuv threadpool (4 threads). */
export const KDF_MAX_RUNNING = 1
/** Key checks waiting for a free slot; beyond this a request is told to come back after KDF_QUEUE_FULL_RETRY_S. */
export const KDF_MAX_QUEUED = 100
export const KDF_QUEUE_FULL_RETRY_S = 2
/** Unknown tokens (cheap hash misses) a source may present in a burst before token lookups are refused. */
export const TOKEN_MISS_BURST = 100
/** A source regains one token lookup this often. */
export const TOKEN_MISS_REFILL_MS = 1_000
/** Sources the limiter remembers; beyond this the longest-remembered are forgotten first. */
export const RATE_LIMIT_MAX_SOURCES = 10_000
