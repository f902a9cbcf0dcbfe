/**
 * Measuring cards with the real font in the browser: the very element trees the canvas draws
 * (../shapes/CardBody.tsx) are built as plain DOM off-screen, at their width with height auto,
 * inside the board's own container (so every inherited style is the same), and their heights
 * are read in one batch (one layout pass for any number of cards). Plain DOM, not React, so it
 * can run at any moment (also while React is committing).
 */
import type { CSSProperties } from 'react'
import { cardTree, residentTree, type TreeNode } from '../shapes/CardBody.tsx'
import type { CardContent, ResidentContent } from '../shapes/cardContent.ts'
import { cachedMeasurer, type CardMeasurer } from './measure.ts'

export interface DomMeasurer extends CardMeasurer {
  dispose(): void
}

const UNITLESS = new Set(['lineHeight', 'fontWeight', 'flexGrow', 'flexShrink', 'opacity', 'zIndex', 'order'])

function applyStyle(el: HTMLElement, style: CSSProperties | undefined): void {
  if (!style) return
  for (const [k, v] of Object.entries(style)) {
    if (v === undefined || v === null) continue
    const value = typeof v === 'number' && !UNITLESS.has(k) ? `${v}px` : String(v)
    ;(el.style as unknown as Record<string, string>)[k] = value
  }
}

export function buildDom(node: TreeNode): HTMLElement {
  const el = document.createElement(node.tag)
  if (node.className) el.className = node.className
  applyStyle(el, node.style)
  for (const c of node.children ?? []) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : buildDom(c))
  return el
}

export function createDomMeasurer(host: HTMLElement): DomMeasurer {
  const box = document.createElement('div')
  box.setAttribute('aria-hidden', 'true')
  box.dataset.ktMeasure = ''
  Object.assign(box.style, {
    position: 'absolute', left: '-100000px', top: '0', visibility: 'hidden', pointerEvents: 'none',
    contain: 'layout style', width: 'max-content',
  })
  host.appendChild(box)

  const measure = (trees: TreeNode[]): number[] => {
    const els = trees.map(buildDom)
    box.replaceChildren(...els)
    const out = els.map((el) => Math.ceil(el.getBoundingClientRect().height))
    box.replaceChildren()
    return out
  }
  const measurer = cachedMeasurer({
    cards: (contents: readonly CardContent[]) => measure(contents.map((c) => cardTree(c))),
    resident: (c: ResidentContent) => measure([residentTree(c)])[0] ?? 0,
  })
  const onFonts = () => measurer.reset()
  document.fonts?.addEventListener?.('loadingdone', onFonts)
  return {
    ...measurer,
    dispose() {
      document.fonts?.removeEventListener?.('loadingdone', onFonts)
      box.remove()
    },
  }
}
