/** Limits shared by server and client. Units are in the names. */

export const MAX_TITLE_CHARS = 120
export const MAX_ITEM_TEXT_CHARS = 2000
export const MAX_SHORT_FIELD_CHARS = 120
export const MAX_LONG_FIELD_CHARS = 2000
export const MAX_PERSON_NAME_CHARS = 80
/**
 * Largest WebSocket frame the server accepts; larger frames close that connection (4413). Every
 * accepted byte is decoded, checked against the schema and applied on the server's event loop,
 * so this bounds how long one message can hold every other case up (docs/performance.md). It is
 * far above what a person sends at once (a keystroke ~30 bytes, a card ~400, a pasted page ~3 KB,
 * a long pen stroke ~6 KB) and above what a client that was offline for a meeting sends back.
 */
export const MAX_WS_MESSAGE_BYTES = 128 * 1024
/** Largest JSON body the API accepts (413 above). */
export const MAX_JSON_BODY_BYTES = 64 * 1024
export const MAX_INVITE_HOURS = 24 * 90
export const DEFAULT_INVITE_HOURS = 24 * 14
/** Client: at most this often a drag is written to the document (drag end always writes). */
export const DRAG_WRITE_INTERVAL_MS = 250
/**
 * Largest plain-JSON record of free drawing in the `canvas` map. tldraw's draw tool starts a new
 * shape after 600 points; such a stroke (with pen pressure) is about 5,200 characters of JSON, so
 * this leaves room for long text shapes and many straight segments.
 */
export const MAX_CANVAS_RECORD_JSON_CHARS = 64 * 1024
/**
 * Server: the longest single text insert accepted in a document update. No text field holds more
 * than MAX_ITEM_TEXT_CHARS / MAX_LONG_FIELD_CHARS; the margin covers nothing legitimate, it only
 * keeps the cheap pre-check clearly looser than the per-field check that follows it.
 */
export const MAX_TEXT_INSERT_CHARS = 2_048
/** Server: the largest single JSON value accepted (a canvas record is the largest plain value). */
export const MAX_VALUE_JSON_CHARS = MAX_CANVAS_RECORD_JSON_CHARS
/** Positions on the canvas lie within ±this many canvas units (far beyond any real board). */
export const MAX_CANVAS_COORDINATE = 1_000_000
/** Widths and heights of entities on the canvas are above 0 and at most this many canvas units. */
export const MAX_SHAPE_EXTENT = 100_000
/** Timestamps (ms since epoch) lie between 0 and the largest date JavaScript can represent. */
export const MAX_TIMESTAMP_MS = 8_640_000_000_000_000
