// The derived board layout: no overlaps for any input, flow order kept, domains grow, and the
// same arrangement on every client whatever order the cards arrive in.
import { describe, expect, it } from 'vitest'
import { compareFlow, computeLayout, slotAt, type LayoutCard, type Rect } from '../../../../client/board/layout/computeLayout.ts'
import { CARD_W, DOMAIN_COLS, DOMAIN_W } from '../../../../client/board/layout/metrics.ts'
import { createEstimateMeasurer } from '../../../../client/board/layout/measure.ts'
import { cardAriaLabel, cardContent } from '../../../../client/board/shapes/cardContent.ts'
import { itemProps } from '../../../../client/board/bridge/project.ts'
import type { ItemFields } from '../../../../shared/schema.ts'

/** A small seeded random generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h

function noOverlaps(rects: Rect[]): [number, number] | null {
  // Sweep by x so 500+ rectangles stay cheap.
  const order = rects.map((r, i) => i).sort((i, j) => rects[i]!.x - rects[j]!.x)
  for (let a = 0; a < order.length; a++) {
    const ra = rects[order[a]!]!
    for (let b = a + 1; b < order.length; b++) {
      const rb = rects[order[b]!]!
      if (rb.x >= ra.x + ra.w) break
      if (overlap(ra, rb)) return [order[a]!, order[b]!]
    }
  }
  return null
}

const measurer = createEstimateMeasurer()
function item(id: string, domainId: string | null, text: string, extra: Partial<ItemFields> = {}): ItemFields {
  return {
    id, kind: 'problem', text, domainId, pos: { x: 0, y: 0 }, size: { w: 220, h: 120 }, createdAt: 1, order: 1,
    author: { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' }, recordedBy: null, deletedAt: null, deletedBy: null,
    stress: false, signal: false, owner: '', ownerOrg: '', due: '', status: 'open', deviation: false, deviationRule: '',
    deviationMotivation: '', ...extra,
  }
}
function card(f: ItemFields): LayoutCard {
  const [h] = measurer.cards([cardContent(itemProps(f, { w: CARD_W, h: 1, links: [] }), 'nl')])
  return { id: f.id, domainId: f.domainId, order: f.order, createdAt: f.createdAt, h: h! }
}

const DOMAINS = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7']

function randomBoard(seed: number, n: number) {
  const r = rng(seed)
  const cards: LayoutCard[] = []
  for (let i = 0; i < n; i++) {
    const len = Math.floor(r() * 600)
    const domainId = r() < 0.08 ? null : r() < 0.04 ? 'gone-domain' : DOMAINS[Math.floor(r() * DOMAINS.length)]!
    const f = item(`c${i}`, domainId, 'woord '.repeat(Math.ceil(len / 6)).slice(0, len), {
      // Many ties on purpose: concurrent writers give equal orders.
      order: Math.floor(r() * 20), createdAt: Math.floor(r() * 5), stress: r() < 0.2, signal: r() < 0.1,
    })
    cards.push(card(f))
  }
  return { domains: DOMAINS, cards, residentH: 100 + Math.floor(r() * 300) }
}

describe('the board layout', () => {
  it('never lets two cards overlap, nor a card leave its domain, with 500 cards of random length', () => {
    for (const seed of [1, 2, 3]) {
      const input = randomBoard(seed, 500)
      const layout = computeLayout(input)
      const rects = input.cards.map((c) => layout.cards.get(c.id)!)
      expect(rects.every(Boolean)).toBe(true)
      expect(noOverlaps(rects)).toBe(null)
      for (const c of input.cards) {
        const region = c.domainId && layout.domains.has(c.domainId) ? layout.domains.get(c.domainId)! : layout.unassigned!
        expect(inside(layout.cards.get(c.id)!, region), c.id).toBe(true)
        expect(layout.cards.get(c.id)!.h).toBe(Math.ceil(c.h)) // a card is as tall as its content
      }
      // Areas do not overlap each other or the resident card.
      const areas = [layout.resident, ...layout.domains.values(), ...(layout.unassigned ? [layout.unassigned] : [])]
      expect(noOverlaps(areas)).toBe(null)
    }
  })

  it('shows each domain in flow order, in rows of two read left to right, top to bottom', () => {
    const input = randomBoard(7, 200)
    const layout = computeLayout(input)
    for (const region of layout.regions) {
      const expected = input.cards.filter((c) => (region.key === null ? !c.domainId || !DOMAINS.includes(c.domainId) : c.domainId === region.key))
        .sort(compareFlow).map((c) => c.id)
      expect(region.ids).toEqual(expected)
      const read = [...region.ids].sort((a, b) => {
        const ra = layout.cards.get(a)!
        const rb = layout.cards.get(b)!
        return ra.y - rb.y || ra.x - rb.x
      })
      expect(read).toEqual(expected)
      if (region.key !== null) {
        const xs = new Set(region.ids.map((id) => layout.cards.get(id)!.x))
        expect(xs.size).toBeLessThanOrEqual(DOMAIN_COLS)
      }
    }
  })

  it('orders ties (same order and time, e.g. written at once by several people) by id, whatever order they arrive in', () => {
    const cards = ['z', 'a', 'm', 'b'].map((id) => card(item(id, 'd0', id, { order: 5, createdAt: 5 })))
    const a = computeLayout({ domains: DOMAINS, cards, residentH: 120 })
    const b = computeLayout({ domains: DOMAINS, cards: [...cards].reverse(), residentH: 120 })
    expect(a.regions[0]!.ids).toEqual(['a', 'b', 'm', 'z'])
    expect([...b.cards.entries()]).toEqual(expect.arrayContaining([...a.cards.entries()]))
    expect(b.regions.map((r) => r.ids)).toEqual(a.regions.map((r) => r.ids))
  })

  it('grows a domain (and its grid row) as cards are added; the rows below move down', () => {
    const some = (n: number, domainId: string) => Array.from({ length: n }, (_, i) => card(item(`${domainId}-${i}`, domainId, 'Schulden bij de energieleverancier', { order: i })))
    const before = computeLayout({ domains: DOMAINS, cards: some(2, 'd1'), residentH: 120 })
    const after = computeLayout({ domains: DOMAINS, cards: some(9, 'd1'), residentH: 120 })
    const h = (l: typeof before, id: string) => l.domains.get(id)!.h
    expect(h(after, 'd1')).toBeGreaterThan(h(before, 'd1'))
    // Its row neighbours stretch with it; the next row starts lower.
    expect(h(after, 'd0')).toBe(h(after, 'd1'))
    expect(after.domains.get('d4')!.y).toBeGreaterThan(before.domains.get('d4')!.y)
    // Domains are wide enough for two cards side by side.
    expect(after.domains.get('d1')!.w).toBe(DOMAIN_W)
    // A long goal makes the resident card taller and pushes the grid down.
    const tall = computeLayout({ domains: DOMAINS, cards: some(2, 'd1'), residentH: 400 })
    expect(tall.resident.h).toBe(400)
    expect(tall.domains.get('d0')!.y).toBeGreaterThan(before.domains.get('d0')!.y)
    expect(tall.domains.get('d0')!.y).toBeGreaterThanOrEqual(tall.resident.y + tall.resident.h)
  })

  it('puts cards without a known domain in an area of their own, only when there are any', () => {
    expect(computeLayout({ domains: DOMAINS, cards: [], residentH: 120 }).unassigned).toBe(null)
    const l = computeLayout({ domains: DOMAINS, cards: [card(item('x', null, 'los')), card(item('y', 'weg', 'oud'))], residentH: 120 })
    expect(l.unassigned).not.toBe(null)
    expect(l.regions.at(-1)!.ids).toEqual(['x', 'y'])
    for (const d of l.domains.values()) expect(l.unassigned!.y).toBeGreaterThan(d.y + d.h)
  })

  it('finds the slot nearest to a drop point, in reading order', () => {
    const cards = ['a', 'b', 'c', 'd', 'e'].map((id, i) => card(item(id, 'd0', id, { order: i })))
    const l = computeLayout({ domains: DOMAINS, cards, residentH: 120 })
    const r = (id: string) => l.cards.get(id)!
    const mid = (id: string) => ({ x: r(id).x + r(id).w / 2, y: r(id).y + r(id).h / 2 })
    // Left half of 'b' → before 'b'; right half of 'b' (end of the row) → before 'c' (next row).
    expect(slotAt(l, { x: mid('b').x - 20, y: mid('b').y })).toEqual({ domainId: 'd0', beforeId: 'b' })
    expect(slotAt(l, { x: mid('b').x + 20, y: mid('b').y })).toEqual({ domainId: 'd0', beforeId: 'c' })
    // Below everything → at the end; in another domain → that domain's end.
    const d0 = l.domains.get('d0')!
    expect(slotAt(l, { x: d0.x + 30, y: d0.y + d0.h - 5 })).toEqual({ domainId: 'd0', beforeId: null })
    const d5 = l.domains.get('d5')!
    expect(slotAt(l, { x: d5.x + 30, y: d5.y + 80 })).toEqual({ domainId: 'd5', beforeId: null })
    // Cards being moved are no slot of their own.
    expect(slotAt(l, { x: mid('b').x - 20, y: mid('b').y }, new Set(['b']))).toEqual({ domainId: 'd0', beforeId: 'c' })
    // Outside every area: nowhere.
    expect(slotAt(l, { x: d0.x - 500, y: d0.y })).toBe(null)
    expect(slotAt(l, { x: 0, y: l.resident.y + 10 })).toBe(null)
  })

  it('lays out 500 cards in well under a frame budget per change (generous bound: the test machine is shared)', () => {
    const input = randomBoard(11, 500)
    computeLayout(input)
    const t0 = performance.now()
    for (let i = 0; i < 10; i++) computeLayout(input)
    expect((performance.now() - t0) / 10).toBeLessThan(250)
  })
})

describe('what a card says', () => {
  const base = item('x', 'd0', 'Schulden bij de energieleverancier', { author: { name: 'Fatima', org: 'Sociaal wijkteam', role: 'professional' } })
  const props = (f: ItemFields, links: Parameters<typeof itemProps>[1]['links'] = []) => itemProps(f, { w: CARD_W, h: 100, links })

  it('is announced by kind, text and author — never by tldraw\'s type name', () => {
    expect(cardAriaLabel(props(base), 'nl')).toBe('Knelpunt: Schulden bij de energieleverancier — door Fatima (Sociaal wijkteam)')
    expect(cardAriaLabel(props(base), 'en')).toBe('Problem: Schulden bij de energieleverancier — by Fatima (Sociaal wijkteam)')
    expect(cardAriaLabel(props(base), 'nl')).not.toMatch(/kt-item|problem/)
  })

  it("marks the resident's own words, and who wrote them down", () => {
    const own = item('y', 'd0', 'Rust in mijn hoofd', {
      kind: 'wish', author: { name: 'Jan', org: '', role: 'resident' }, recordedBy: { name: 'Sanne', org: 'Sociaal wijkteam', role: 'professional' },
    })
    const c = cardContent(props(own), 'nl')
    expect(c.byResident).toBe(true)
    expect(c.byline).toBe('Van de inwoner · Jan')
    expect(c.recordedBy).toBe('opgeschreven door Sanne (Sociaal wijkteam)')
    expect(cardAriaLabel(props(own), 'nl')).toBe('Wens: Rust in mijn hoofd — Van de inwoner · Jan, opgeschreven door Sanne (Sociaal wijkteam)')
  })

  it('says its links in words, kind first, and counts what does not fit', () => {
    const c = cardContent(props(base, [
      { kind: 'reinforces', dir: 'out', other: 'Slaapproblemen' },
      { kind: 'causes', dir: 'in', other: 'Huurachterstand' },
      { kind: 'helps', dir: 'in', other: 'Zus helpt' },
      { kind: 'blocks', dir: 'out', other: 'Werk' },
    ]), 'nl')
    expect(c.links).toEqual(['versterkt → Slaapproblemen', '← veroorzaakt door Huurachterstand', '+ 2 meer'])
  })

  it('grows with its text: a longer text, badges and action fields make a taller card', () => {
    const h = (f: ItemFields) => measurer.cards([cardContent(props(f), 'nl')])[0]!
    const short = h(base)
    expect(h({ ...base, text: 'woord '.repeat(100) })).toBeGreaterThan(short * 2)
    expect(h({ ...base, stress: true, signal: true })).toBeGreaterThan(short)
    expect(h({ ...base, kind: 'action', owner: 'Ahmed', ownerOrg: 'UWV', due: '2026-12-01' })).toBeGreaterThan(short)
  })
})
