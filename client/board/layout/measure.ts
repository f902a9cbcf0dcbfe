/**
 * Card heights for the layout: a measurer turns what a card shows (../shapes/cardContent.ts)
 * into its height at CARD_W. In the browser the real card is rendered off-screen and measured
 * (./measureDom.tsx); without a DOM (unit tests, Node) a deterministic estimate stands in.
 * Both are cached by content, so 500 cards are measured once and a keystroke re-measures one card.
 */
import type { CardContent, ResidentContent } from '../shapes/cardContent.ts'
import { CARD_FONT_PX, CARD_LINE_HEIGHT, CARD_W, RESIDENT_W } from './metrics.ts'

export interface CardMeasurer {
  /** Heights of these cards, in order. */
  cards(contents: readonly CardContent[]): number[]
  resident(content: ResidentContent): number
  /** Forget cached heights (e.g. after web fonts loaded). */
  reset(): void
}

export interface RawMeasurer {
  cards(contents: readonly CardContent[]): number[]
  resident(content: ResidentContent): number
}

const MAX_CACHED = 5000

/** Wraps a raw measurer with a cache keyed by content; uncached cards are measured in one batch. */
export function cachedMeasurer(raw: RawMeasurer): CardMeasurer {
  let cache = new Map<string, number>()
  return {
    cards(contents) {
      const keys = contents.map((c) => JSON.stringify(c))
      const out: number[] = new Array(contents.length)
      const missing: number[] = []
      const seen = new Map<string, number[]>()
      keys.forEach((k, i) => {
        const h = cache.get(k)
        if (h !== undefined) out[i] = h
        else {
          const list = seen.get(k)
          if (list) list.push(i)
          else {
            seen.set(k, [i])
            missing.push(i)
          }
        }
      })
      if (missing.length > 0) {
        if (cache.size + missing.length > MAX_CACHED) cache = new Map()
        const heights = raw.cards(missing.map((i) => contents[i]!))
        missing.forEach((i, n) => {
          const h = heights[n]!
          cache.set(keys[i]!, h)
          for (const j of seen.get(keys[i]!)!) out[j] = h
        })
      }
      return out
    },
    resident(content) {
      const k = `resident:${JSON.stringify(content)}`
      let h = cache.get(k)
      if (h === undefined) {
        h = raw.resident(content)
        cache.set(k, h)
      }
      return h
    },
    reset() {
      cache = new Map()
    },
  }
}

/** Lines a text needs at `width` px with an average character width of `charPx`. */
function lines(text: string, width: number, charPx: number): number {
  const perLine = Math.max(1, Math.floor(width / charPx))
  return text.split('\n').reduce((n, para) => n + Math.max(1, Math.ceil(para.length / perLine)), 0)
}

/** A deterministic estimate (no DOM): generous, so estimated cards never clip their text. */
export const estimateRaw: RawMeasurer = {
  cards(contents) {
    const inner = CARD_W - 12 - 12 - 8
    const lineH = CARD_FONT_PX * CARD_LINE_HEIGHT
    return contents.map((c) => {
      let h = 20 + 4 // padding + borders
      h += 20 // head
      if (c.badges.length) h += 6 + 18 * lines(c.badges.map((b) => b.label).join('  '), inner, 7)
      h += 6 + Math.max(1, lines(c.text, inner, CARD_FONT_PX * 0.6)) * lineH
      if (c.fields.length) h += 6 + c.fields.reduce((n, f) => n + lines(f.label, inner, 7.5), 0) * 18
      if (c.links.length) h += 6 + c.links.length * 18
      if (c.byline || c.recordedBy) h += 6 + (c.byline ? lines(c.byline, inner, 7.5) : 0) * 17 + (c.recordedBy ? lines(c.recordedBy, inner, 7.5) * 17 : 0)
      return Math.ceil(h)
    })
  },
  resident(c) {
    const inner = RESIDENT_W - 44
    return Math.ceil(32 + 28 + 6 + 18 + 6 + lines(c.goal || c.placeholder, inner, 12) * 28 + 6 + 2 * 23)
  },
}

export function createEstimateMeasurer(): CardMeasurer {
  return cachedMeasurer(estimateRaw)
}
