// @vitest-environment jsdom
/**
 * The words of the app: one dictionary per language with every key in both, no Dutch left in the
 * English one, one term per concept (docs/words.md), plurals and dates through Intl, server errors
 * worded from their code in the chosen language, the board's words drawn from the same dictionary,
 * plain domain labels for the resident, and a term's explanation reachable by keyboard and touch.
 */
import { describe, expect, it } from 'vitest'
import { act, createElement } from 'react'
import { useReactRoot } from '../../helpers/render.ts'
import {
  apiErrorText, countText, formatDate, formatDateTime, formatRelative, MESSAGES, plural, translator, type MessageKey,
} from '../../../client/i18n.ts'
import { stringsFor } from '../../../client/board/strings.ts'
import { errorMessage } from '../../../client/access.ts'
import { ApiFailure } from '../../../client/api.ts'
import { Term } from '../../../client/components/Term.tsx'
import { ApiError } from '../../../shared/apiErrors.ts'
import { domainLabel, scaleLabel, TEMPLATES } from '../../../shared/templates.ts'

const keys = Object.keys(MESSAGES.nl) as MessageKey[]

/** Words that are the same in Dutch and English (names, shared loanwords); a value that is the same in both may use only these. */
const SAME_IN_BOTH = new Set([
  'keukentafel', 'plan', 'route', 'status', 'score', 'scores', 'open', 'professional', 'offline', 'week', 'png', 'svg', 'uwv', 'pen',
])
/** Dutch words that never belong in an English sentence. */
const DUTCH = /\b(het|een|niet|uw|wordt|heeft|naar|voor|zijn|deze|dit|ook|nog|geen|kaart|kaarten|afspraak|afspraken|knelpunt|leefgebied|gesprek|momentopname|inwoner|verwijderen|opslaan|bewaren|terugzetten|bekijken|kies|klik)\b/i
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('one dictionary per language', () => {
  it('has every key in Dutch and English, none empty, with the same {placeholders}', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual([...keys].sort())
    for (const k of keys) {
      for (const l of ['nl', 'en'] as const) expect(MESSAGES[l][k].trim(), `${l}.${k}`).not.toBe('')
      expect(placeholders(MESSAGES.en[k]), `placeholders of ${k}`).toEqual(placeholders(MESSAGES.nl[k]))
    }
  })

  it('leaves no Dutch in English', () => {
    const left = keys.filter((k) => {
      const en = MESSAGES.en[k]
      if (DUTCH.test(en.replace(/\{\w+\}/g, ''))) return true
      if (en !== MESSAGES.nl[k]) return false
      const words = en.replace(/\{\w+\}/g, ' ').toLowerCase().split(/[^\p{L}]+/u).filter(Boolean)
      return words.some((w) => !SAME_IN_BOTH.has(w))
    })
    expect(left.map((k) => `${k}: ${MESSAGES.en[k]}`)).toEqual([])
  })

  it('uses one term per concept (docs/words.md): no "stand" for status, no "overleg" for a meeting', () => {
    const wrong = keys.filter((k) => /\b(overleg|overleggen|stand|cliënt|actiepunt(en)?)\b/i.test(MESSAGES.nl[k]))
    expect(wrong.map((k) => `${k}: ${MESSAGES.nl[k]}`)).toEqual([])
    const en = keys.filter((k) => /\b(client|customer|stand)\b/i.test(MESSAGES.en[k]))
    expect(en.map((k) => `${k}: ${MESSAGES.en[k]}`)).toEqual([])
  })

  it('speaks to the reader in help texts: the goal question asks "u"', () => {
    expect(MESSAGES.nl.goalHelp).toBe('Wat wilt u over een jaar bereikt hebben?')
    for (const k of keys.filter((x) => x.startsWith('term_') || x.startsWith('join'))) {
      expect(MESSAGES.nl[k], k).not.toMatch(/\bde inwoner\b|\bADL\b|Instrumentele|Basale/)
    }
  })
})

describe('the board reads its words from the same dictionary', () => {
  it('builds the typed view in both languages, with the same term for the status as everywhere', () => {
    for (const l of ['nl', 'en'] as const) {
      const s = stringsFor(l)
      expect(s.statusLabel).toBe(MESSAGES[l].status)
      expect(s.kind.action).toBe(MESSAGES[l].kind_action)
      expect(s.goal).toBe(MESSAGES[l].goal)
      for (const v of [...Object.values(s.kind), ...Object.values(s.link), ...Object.values(s.status), ...Object.values(s.route)]) {
        expect(v.trim()).not.toBe('')
      }
    }
    expect(stringsFor('nl').statusLabel).toBe('Status')
    expect(stringsFor('en').link.reinforces).toBe('reinforces')
  })
})

describe('plurals and dates through Intl', () => {
  it('never says "1 weken"', () => {
    expect(countText('nl', 'weeks', 1)).toBe('1 week')
    expect(countText('nl', 'weeks', 4)).toBe('4 weken')
    expect(countText('en', 'weeks', 1)).toBe('1 week')
    expect(countText('en', 'weeks', 2)).toBe('2 weeks')
    expect(countText('nl', 'days', 1)).toBe('1 dag')
    expect(countText('nl', 'changes', 0)).toBe('0 veranderingen')
    expect(countText('en', 'changes', 1)).toBe('1 change')
    expect(plural('nl', 1000, { one: '{n} kaart', other: '{n} kaarten' })).toBe('1.000 kaarten')
  })

  it('formats dates in the language and the Dutch time zone', () => {
    expect(formatDate('nl', '2026-12-03')).toBe('3 december 2026')
    expect(formatDate('en', '2026-12-03')).toBe('3 December 2026')
    // 23:30 UTC on 31 December is already 1 January in Amsterdam.
    expect(formatDate('nl', '2026-12-31T23:30:00Z')).toBe('1 januari 2027')
    expect(formatDateTime('nl', '2026-06-01T12:05:00Z')).toMatch(/^1 jun 2026.*14:05$/)
    const now = Date.parse('2026-11-30T12:00:00Z')
    expect(formatRelative('nl', now - 86_400_000, now)).toBe('gisteren')
    expect(formatRelative('en', now + 2 * 86_400_000, now)).toBe('in 2 days')
    expect(formatRelative('nl', now - 14 * 86_400_000, now)).toBe('2 weken geleden')
  })
})

describe('server errors are worded by the client, from their code', () => {
  it('has words for every error code the server can answer, in both languages', () => {
    for (const code of Object.values(ApiError)) {
      for (const l of ['nl', 'en'] as const) {
        expect(keys.includes(`apiError_${code}` as MessageKey), `apiError_${code}`).toBe(true)
        expect(apiErrorText(translator(l), code)).toBe(MESSAGES[l][`apiError_${code}` as MessageKey])
      }
    }
    expect(apiErrorText(translator('en'), 'something_new')).toBe(MESSAGES.en.apiError_http_error)
  })

  it('shows an English screen no Dutch server message', () => {
    const dutch = new ApiFailure(500, 'internal_error', 'Er ging iets mis op de server. Probeer het opnieuw.')
    expect(errorMessage(dutch, translator('en'))).toBe('Something went wrong on the server. Try again.')
    expect(errorMessage(new ApiFailure(503, 'storage_unavailable', 'De server kan nu niets opslaan.'), translator('en'))).toMatch(/^The server cannot save/)
    expect(errorMessage(new ApiFailure(0, 'network', 'offline'), translator('en'))).toBe(MESSAGES.en.offline)
    expect(errorMessage(new ApiFailure(404, 'not_found', 'Deze casus bestaat niet.'), translator('nl'))).toBe(MESSAGES.nl.apiError_not_found)
  })
})

describe('plain domain labels for the resident', () => {
  it("gives the resident 'Zelfzorg', not 'Basale ADL', and keeps the instrument's label for professionals", () => {
    expect(domainLabel('zrm', 'basic_adl', 'nl', { plain: true })).toBe('Zelfzorg')
    expect(domainLabel('zrm', 'instrumental_adl', 'nl', { plain: true })).toBe('Dagelijkse activiteiten')
    expect(domainLabel('zrm', 'basic_adl', 'nl')).toBe('Basale ADL')
    expect(domainLabel('zrm', 'basic_adl', 'en', { plain: true })).toBe('Looking after yourself')
    expect(domainLabel('zrm', 'basic_adl', 'en')).toBe('Basic activities of daily living')
    // A label renamed at the table wins for professionals; an unknown domain keeps its own label.
    expect(domainLabel('integrale-intake', 'housing', 'nl', { fallback: 'Wonen (tijdelijk)' })).toBe('Wonen (tijdelijk)')
    expect(domainLabel('zrm', 'custom', 'nl', { plain: true, fallback: 'Huisdieren' })).toBe('Huisdieren')
    const zrm = TEMPLATES.find((x) => x.id === 'zrm')!
    expect(scaleLabel(zrm.scale![2]!, 'nl', { plain: true })).toBe('Het lukt met wat hulp')
    expect(scaleLabel(zrm.scale![2]!, 'nl')).toBe('Beperkt zelfredzaam')
    expect(zrm.scale!.every((l) => l.plainNl && l.plainEn && !/zelfredza|problematiek/i.test(l.plainNl))).toBe(true)
    for (const tpl of TEMPLATES) {
      for (const d of tpl.domains) {
        const plain = domainLabel(tpl, d.key, 'nl', { plain: true })
        expect(plain, `${tpl.id}/${d.key}`).not.toMatch(/\bADL\b|Basale|Instrumentele|participatie\b/i)
      }
    }
  })
})

describe('a term with its explanation', () => {
  const dom = useReactRoot()

  it('opens and closes with a real <button> (so tap, click, Enter and Space all work), and Escape closes it', () => {
    act(() => dom.root.render(createElement(Term, { term: 'signal' }, 'signaal')))
    const button = dom.container.querySelector('button')!
    expect(button.tagName).toBe('BUTTON')
    expect(button.getAttribute('type')).toBe('button')
    const text = dom.container.querySelector('[data-testid="term-signal-text"]') as HTMLElement
    expect(button.getAttribute('aria-label')).toBe('Uitleg: signaal')
    expect(button.getAttribute('aria-expanded')).toBe('false')
    expect(button.getAttribute('aria-controls')).toBe(text.id)
    expect(text.hidden).toBe(true)
    act(() => button.click())
    expect(button.getAttribute('aria-expanded')).toBe('true')
    expect(text.hidden).toBe(false)
    expect(text.textContent).toBe(MESSAGES.nl.term_signal)
    act(() => { button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })) })
    expect(button.getAttribute('aria-expanded')).toBe('false')
    expect(text.hidden).toBe(true)
  })
})
