import { describe, expect, it } from 'vitest'
import { ApiFailure } from '../../../client/api.ts'
import { ACCESS_PROBLEM_TEXT, accessProblem } from '../../../client/access.ts'
import { shouldReconnect, visibleState } from '../../../client/connection.ts'
import { MESSAGES, translator } from '../../../client/i18n.ts'
import { loginError, newestFirst } from '../../../client/pages/HomePage.tsx'
import { presentPeople } from '../../../client/components/PresenceList.tsx'
import { CloseCode } from '../../../shared/closeCodes.ts'

describe('reconnecting', () => {
  it('stops after a final close code and goes on after passing ones', () => {
    for (const code of [CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.CaseNotFound, CloseCode.CaseErased, CloseCode.ClientOutdated, CloseCode.BadMessage]) {
      expect(shouldReconnect({ code }), String(code)).toBe(false)
    }
    for (const code of [1000, 1001, 1006, CloseCode.ServerError, CloseCode.ShuttingDown]) {
      expect(shouldReconnect({ code }), String(code)).toBe(true)
    }
  })

  it('shows offline whenever the browser knows it has no network', () => {
    expect(visibleState('connecting', true)).toBe('connecting')
    expect(visibleState('connecting', false)).toBe('disconnected')
    expect(visibleState('connected', false)).toBe('disconnected')
    expect(visibleState('connected', true)).toBe('connected')
    expect(visibleState('disconnected', true)).toBe('disconnected')
  })
})

describe('opening a case that fails', () => {
  it('tells an expired invite from an ended session, a missing case and no network', () => {
    expect(accessProblem(new ApiFailure(401, 'unauthorized', 'x'), true)).toBe('expired')
    expect(accessProblem(new ApiFailure(401, 'unauthorized', 'x'), false)).toBe('login')
    expect(accessProblem(new ApiFailure(403, 'forbidden', 'x'), true)).toBe('forbidden')
    expect(accessProblem(new ApiFailure(404, 'not_found', 'x'), false)).toBe('notFound')
    expect(accessProblem(new ApiFailure(0, 'network', 'offline'), false)).toBe('offline')
    expect(accessProblem(new ApiFailure(503, 'internal_error', 'x'), false)).toBe('offline')
    expect(accessProblem(new TypeError('boom'), false)).toBe('offline')
  })

  it('says an expired invite in the words the residents are promised', () => {
    expect(MESSAGES.nl[ACCESS_PROBLEM_TEXT.expired]).toBe('Deze uitnodiging is verlopen of ongeldig. Vraag om een nieuwe link.')
  })
})

describe('logging in', () => {
  it('explains a wrong key in plain words of the chosen language', () => {
    expect(loginError(new ApiFailure(401, 'unauthorized', 'Invalid key'), translator('nl'))).toBe(MESSAGES.nl.wrongKey)
    expect(loginError(new ApiFailure(401, 'unauthorized', 'Ongeldig'), translator('en'))).toBe(MESSAGES.en.wrongKey)
    expect(loginError(new ApiFailure(0, 'network', 'offline'), translator('nl'))).toBe(MESSAGES.nl.offline)
    // Too many attempts: worded by the client from the code and Retry-After, never the server's (Dutch) text.
    expect(loginError(new ApiFailure(429, 'too_many_requests', 'Probeer het over een minuut opnieuw.', 60), translator('nl')))
      .toBe('Te veel pogingen in korte tijd. Probeer het over 1 minuut opnieuw.')
    expect(loginError(new ApiFailure(429, 'too_many_requests', 'Probeer het over een minuut opnieuw.', 600), translator('en')))
      .toBe('Too many attempts in a short time. Try again in 10 minutes.')
    expect(loginError(new ApiFailure(500, 'internal_error', 'Er ging iets mis op de server.'), translator('en')))
      .toBe(MESSAGES.en.apiError_internal_error)
  })
})

describe('the case list', () => {
  it('puts the newest case first', () => {
    const l = [
      { id: 'a', createdAt: '2026-01-01T10:00:00.000Z' },
      { id: 'c', createdAt: '2026-03-01T10:00:00.000Z' },
      { id: 'b', createdAt: '2026-02-01T10:00:00.000Z' },
    ]
    expect(newestFirst(l).map((c) => c.id)).toEqual(['c', 'b', 'a'])
    expect(l[0]!.id).toBe('a') // the input is left as it was
  })
})

describe('the presence list', () => {
  it('lists everyone with a valid user, oneself first, then by name; junk is left out', () => {
    const states = new Map<number, unknown>([
      [3, { user: { name: 'Zeynep', org: 'UWV', role: 'professional', color: '#2e86ab' } }],
      [1, { user: { name: 'Jan', org: '', role: 'resident', color: '#d1495b' } }],
      [7, { user: { name: 'Anna', org: 'Wijkteam', role: 'professional', color: '#3b8b3b' } }],
      [9, { cursor: { x: 1, y: 2 } }],
      [11, { user: { name: 42 } }],
    ])
    const people = presentPeople(states, 3)
    expect(people.map((p) => [p.user.name, p.self])).toEqual([['Zeynep', true], ['Anna', false], ['Jan', false]])
    expect(people[2]!.user).toEqual({ name: 'Jan', org: '', role: 'resident', color: '#d1495b' })
  })
})
