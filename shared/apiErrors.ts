/** Machine codes of API errors: `{"error": ApiErrorCode, "message": "<human text>"}`. */
export const ApiError = {
  badRequest: 'bad_request',
  badJson: 'bad_json',
  validation: 'validation_failed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  /** A cookie-authenticated state change (or WebSocket upgrade) from another site's page. */
  crossSite: 'cross_site',
  notFound: 'not_found',
  tooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  methodNotAllowed: 'method_not_allowed',
  conflict: 'conflict',
  tooManyRequests: 'too_many_requests',
  internal: 'internal_error',
  /** Storage cannot take writes right now (disk full, I/O error); nothing was lost; try again later. */
  storageUnavailable: 'storage_unavailable',
  /** POST /api/login with an organisation key: people sign in with their personal account now. */
  usePersonalAccount: 'use_personal_account',
  /** The account has no team yet: it cannot create cases (an administrator puts it in a team). */
  noTeam: 'no_team',
  /** The case's stored data is damaged beyond automatic repair. */
  caseDamaged: 'case_damaged',
} as const
export type ApiErrorCode = (typeof ApiError)[keyof typeof ApiError]

export interface ApiErrorBody {
  error: ApiErrorCode
  message: string
}
