/**
 * WebSocket close codes the server uses (4000–4999 is the application range). The client reads
 * them to tell the user what happened and whether reconnecting makes sense.
 */
export const CloseCode = {
  /** A frame that is not a valid y-websocket message, or an unknown message type. */
  BadMessage: 4400,
  /** No valid credentials (token or session) for this case. */
  Unauthorized: 4401,
  /** Valid credentials, but not for this case. */
  Forbidden: 4403,
  /** No case with this id. */
  CaseNotFound: 4404,
  /** A frame larger than MAX_WS_MESSAGE_BYTES. */
  MessageTooLarge: 4413,
  /** The case's document reached its size budget: no further content is accepted. */
  CaseTooLarge: 4414,
  /** The case's stored data is damaged beyond what the server can repair: ask the administrator. */
  CaseDamaged: 4422,
  /** More updates or presence messages than any person produces: the connection is stopped. */
  TooFast: 4429,
  /** The client was built for an older document schema: reload the page. */
  ClientOutdated: 4426,
  /** The case was erased while connected. */
  CaseErased: 4410,
  /** The server could not load or store the case; try again later. */
  ServerError: 4500,
  /** The server is shutting down; reconnect shortly. */
  ShuttingDown: 4503,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/**
 * Codes after which reconnecting cannot help: the client stops and explains. As y-websocket's
 * own default, the whole 4400–4499 range is final (a resent bad or oversized frame would fail
 * again); 4500 and 4503 are passing, and the client reconnects.
 */
export function isFatalCloseCode(code: number): boolean {
  return code >= 4400 && code < 4500
}
