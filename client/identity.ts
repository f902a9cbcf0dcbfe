/**
 * What this browser remembers: the participant's name and organisation, language, and which cases
 * it joined by invite. Never an invite token: the join page redeems it for an HttpOnly case
 * session cookie (docs/security.md); tokens older versions stored are redeemed once and deleted.
 */
import type { Locale } from './i18n.ts'

export interface Identity {
  name: string
  org: string
}

const IDENTITY_KEY = 'kt.identity'
const LOCALE_KEY = 'kt.locale'
/** Where versions before case sessions kept invite tokens (read once to migrate, then deleted). */
const inviteKey = (caseId: string) => `kt.invite.${caseId}`
/** A marker (no secret) that this browser joined the case by invite: a 401 then means 'expired'. */
const joinedKey = (caseId: string) => `kt.joined.${caseId}`

export function loadIdentity(): Identity | null {
  try {
    const v = JSON.parse(localStorage.getItem(IDENTITY_KEY) ?? 'null') as Partial<Identity> | null
    if (v && typeof v.name === 'string' && v.name.trim()) return { name: v.name, org: typeof v.org === 'string' ? v.org : '' }
  } catch { /* ignore a damaged entry */ }
  return null
}

export function saveIdentity(id: Identity): void {
  localStorage.setItem(IDENTITY_KEY, JSON.stringify({ name: id.name.trim(), org: id.org.trim() }))
}

/** An invite token an older version stored for this case (to redeem once and delete), or null. */
export function loadInviteToken(caseId: string): string | null {
  return localStorage.getItem(inviteKey(caseId))
}

export function forgetInviteToken(caseId: string): void {
  localStorage.removeItem(inviteKey(caseId))
}

export function rememberJoined(caseId: string): void {
  localStorage.setItem(joinedKey(caseId), '1')
}

export function hasJoined(caseId: string): boolean {
  return localStorage.getItem(joinedKey(caseId)) === '1'
}

export function loadLocale(): Locale {
  return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'nl'
}

export function saveLocale(l: Locale): void {
  localStorage.setItem(LOCALE_KEY, l)
}

/** The invite token from a /join#<token> address (base64url, bounded), or null. */
export function tokenFromHash(hash: string): string | null {
  const t = hash.replace(/^#/, '')
  return /^[A-Za-z0-9_-]{20,200}$/.test(t) ? t : null
}

const NEXT_KEY = 'kt.next'

/** Remember which case to open after logging in (this tab only). */
export function rememberNext(path: string): void {
  sessionStorage.setItem(NEXT_KEY, path)
}

/** The case address to go to after logging in, once; only a case address is accepted. */
export function takeNext(): string | null {
  const v = sessionStorage.getItem(NEXT_KEY)
  sessionStorage.removeItem(NEXT_KEY)
  return v !== null && /^\/cases\/[A-Za-z0-9_-]{22}$/.test(v) ? v : null
}
