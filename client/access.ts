/** Why a case could not be opened, from the failed API call, and the words for it. */
import { ApiFailure } from './api.ts'
import type { MessageKey } from './i18n.ts'

export type AccessProblem = 'expired' | 'login' | 'forbidden' | 'notFound' | 'offline'

/**
 * 401 with an invite token: the invite expired or was withdrawn; 401 without one: the
 * professional's session ended (log in again); 403: no right on this case; 404: no such case;
 * no answer at all: the server cannot be reached (try again).
 */
export function accessProblem(err: unknown, withInvite: boolean): AccessProblem {
  if (!(err instanceof ApiFailure) || err.status === 0) return 'offline'
  if (err.status === 401) return withInvite ? 'expired' : 'login'
  if (err.status === 404) return 'notFound'
  if (err.status >= 500) return 'offline'
  return 'forbidden'
}

export const ACCESS_PROBLEM_TEXT: Record<AccessProblem, MessageKey> = {
  expired: 'joinInvalid',
  login: 'needLogin',
  forbidden: 'fatal_4403',
  notFound: 'fatal_4404',
  offline: 'offline',
}
