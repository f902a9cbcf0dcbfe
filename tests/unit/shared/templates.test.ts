import { describe, expect, it } from 'vitest'
import { getTemplate, layoutDomains, TEMPLATES, DEFAULT_TEMPLATE_ID, DOMAIN_SIZE } from '../../../shared/templates.ts'

describe('life-domain templates', () => {
  it('offer the integrated intake as default, with its eight domains', () => {
    const t = getTemplate(DEFAULT_TEMPLATE_ID)!
    expect(t.domains.map((d) => d.nl)).toEqual([
      'Werk & dagbesteding', 'Inkomen & schulden', 'Wonen', 'Lichamelijke gezondheid',
      'Psychische gezondheid', 'Gezin & relaties', 'Sociaal netwerk', 'Zingeving & meedoen',
    ])
  })

  it('offer the ZRM with 13 domains, a 1–5 scale and plain labels for residents', () => {
    const zrm = getTemplate('zrm')!
    expect(zrm.domains).toHaveLength(13)
    expect(zrm.scale!.map((s) => s.value)).toEqual([1, 2, 3, 4, 5])
    expect(zrm.domains.every((d) => d.plainNl && d.en)).toBe(true)
    expect(zrm.domains.find((d) => d.key === 'finances')!.plainNl).toBe('Geldzaken')
  })

  it('offer Positieve Gezondheid with its six dimensions', () => {
    expect(getTemplate('positieve-gezondheid')!.domains).toHaveLength(6)
  })

  it('have unique ids and unique domain keys within each template', () => {
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length)
    for (const t of TEMPLATES) expect(new Set(t.domains.map((d) => d.key)).size).toBe(t.domains.length)
  })

  it('lay domains out around the centre, leaving it free for the resident', () => {
    for (const n of [6, 8, 13]) {
      const cells = layoutDomains(n)
      expect(cells).toHaveLength(n)
      for (const c of cells) {
        const coversCentre = c.x <= 0 && c.x + DOMAIN_SIZE.w >= 0 && c.y <= 0 && c.y + DOMAIN_SIZE.h >= 0
        expect(coversCentre).toBe(false)
      }
    }
  })
})
