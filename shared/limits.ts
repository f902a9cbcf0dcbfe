/** Limits shared by server and client. Units are in the names. */

export const MAX_TITLE_CHARS = 120
export const MAX_ITEM_TEXT_CHARS = 2000
export const MAX_SHORT_FIELD_CHARS = 120
export const MAX_LONG_FIELD_CHARS = 2000
export const MAX_PERSON_NAME_CHARS = 80
/** Largest WebSocket frame the server accepts; larger frames close that connection (4413). */
export const MAX_WS_MESSAGE_BYTES = 2 * 1024 * 1024
/** Largest JSON body the API accepts (413 above). */
export const MAX_JSON_BODY_BYTES = 64 * 1024
export const MAX_INVITE_HOURS = 24 * 90
export const DEFAULT_INVITE_HOURS = 24 * 14
/** Client: at most this often a drag is written to the document (drag end always writes). */
export const DRAG_WRITE_INTERVAL_MS = 250
/** Server: the longest single text insert accepted in a document update (far above any field). */
export const MAX_TEXT_INSERT_CHARS = 10_000
/** Server: the largest single JSON value accepted (a long freehand stroke fits comfortably). */
export const MAX_VALUE_JSON_CHARS = 256 * 1024
