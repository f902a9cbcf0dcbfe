/** Why a case could not be opened, from the failed API call, and the words for it. */
import { ApiFailure } from './api.ts'
import { apiErrorText, fill, formatRelative, localeOf, type MessageKey, type T } from './i18n.ts'

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

/**
 * Any failed call in words of the chosen language: no answer at all → 'offline'; an answer from
 * the server → the dictionary's words for its `error` code (the server's own `message` is for
 * developers and logs, never shown, so an English screen shows no Dutch server text).
 */
export function errorMessage(err: unknown, t: T): string {
  if (!(err instanceof ApiFailure) || err.status === 0) return t(err instanceof ApiFailure || err instanceof TypeError ? 'offline' : 'error')
  if (err.code === 'too_many_requests' && err.retryAfterS) {
    // 'over 2 minuten' / 'in 2 minutes': Intl words the wait (rounded up to whole minutes after one).
    const s = err.retryAfterS
    const locale = localeOf(t)
    const when = s < 60 ? formatRelative(locale, Date.now() + s * 1000, Date.now()) : formatRelative(locale, Date.now() + Math.ceil(s / 60) * 60_000, Date.now())
    return fill(t('apiError_too_many_requests_wait'), { when })
  }
  return apiErrorText(t, err.code)
}
