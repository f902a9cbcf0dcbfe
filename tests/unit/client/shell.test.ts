import { describe, expect, it } from 'vitest'
import { matchRoute } from '../../../client/router.ts'
import { tokenFromHash } from '../../../client/identity.ts'
import { closeCodeForHttpStatus, wsBaseUrl } from '../../../client/connection.ts'
import { shift } from '../../../client/plan/BoundText.tsx'
import { MESSAGES } from '../../../client/i18n.ts'
import { CloseCode, isFatalCloseCode } from '../../../shared/closeCodes.ts'

describe('the router', () => {
  it('matches the app routes and nothing else', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' })
    expect(matchRoute('/join')).toEqual({ name: 'join' })
    expect(matchRoute('/cases/czT4xj9oJ5fT_ZgauJCc3A')).toEqual({ name: 'board', caseId: 'czT4xj9oJ5fT_ZgauJCc3A' })
    expect(matchRoute('/cases/short')).toEqual({ name: 'notFound' })
    expect(matchRoute('/cases/../../etc')).toEqual({ name: 'notFound' })
  })
})

describe('the invite link', () => {
  it('yields the token from the fragment only when it looks like one', () => {
    expect(tokenFromHash('#eszZtks6F8lYbjARgS9-RO_kbzrrLtjzN1JvKBc90N8')).toBe('eszZtks6F8lYbjARgS9-RO_kbzrrLtjzN1JvKBc90N8')
    expect(tokenFromHash('')).toBeNull()
    expect(tokenFromHash('#<script>alert(1)</script>')).toBeNull()
  })
})

describe('the connection', () => {
  it('stops for good on codes after which reconnecting cannot help, and not on passing ones', () => {
    for (const c of [CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.CaseNotFound, CloseCode.ClientOutdated, CloseCode.CaseErased, CloseCode.MessageTooLarge]) {
      expect(isFatalCloseCode(c), String(c)).toBe(true)
    }
    expect(isFatalCloseCode(CloseCode.ServerError)).toBe(false)
    expect(isFatalCloseCode(CloseCode.ShuttingDown)).toBe(false)
    expect(isFatalCloseCode(1006)).toBe(false)
  })

  it('maps a refused upgrade to the matching close code', () => {
    expect(closeCodeForHttpStatus(401)).toBe(CloseCode.Unauthorized)
    expect(closeCodeForHttpStatus(404)).toBe(CloseCode.CaseNotFound)
    expect(closeCodeForHttpStatus(200)).toBeNull()
  })

  it('uses wss behind https', () => {
    expect(wsBaseUrl({ protocol: 'https:', host: 'kt.gemeente.nl' })).toBe('wss://kt.gemeente.nl/ws')
    expect(wsBaseUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/ws')
  })
})

describe('the goal field keeps the local cursor in place on remote edits', () => {
  it('moves the cursor by text inserted or deleted before it, not after it', () => {
    expect(shift(5, [{ insert: 'abc' }])).toBe(8)
    expect(shift(5, [{ retain: 7 }, { insert: 'abc' }])).toBe(5)
    expect(shift(5, [{ retain: 1 }, { delete: 2 }])).toBe(3)
    expect(shift(5, [{ retain: 3 }, { delete: 5 }])).toBe(3)
    expect(shift(5, [{ retain: 5 }, { insert: 'x' }])).toBe(5)
  })
})

describe('the words of the app', () => {
  it('exist in Dutch and English for every key, none empty', () => {
    const nl = Object.keys(MESSAGES.nl).sort()
    expect(Object.keys(MESSAGES.en).sort()).toEqual(nl)
    for (const l of ['nl', 'en'] as const) for (const k of nl) expect(MESSAGES[l][k as keyof typeof MESSAGES.nl].trim(), `${l}.${k}`).not.toBe('')
  })
})
