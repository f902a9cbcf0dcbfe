import { randomBytes } from 'node:crypto'
import { CASE_ID_BYTES } from './constants.ts'

/** Case ids are unguessable: 128 random bits, base64url (22 characters). */
export function newCaseId(): string {
  return randomBytes(CASE_ID_BYTES).toString('base64url')
}

export function isCaseId(v: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(v)
}
