/**
 * The face of a card and of the resident card, drawn from plain content (./cardContent.ts).
 *
 * Both are described once as a small element tree (`cardTree`, `residentTree`) that React
 * renders on the canvas and the text measurer (../layout/measureDom.ts) builds as plain DOM
 * off-screen. Everything that decides a card's height is set inline in that tree (font, sizes,
 * line heights, padding, borders, wrapping), so the measured height is exactly the height the
 * card is drawn with. Colours come from board.css. All text is text, never HTML.
 */
import { createElement, type CSSProperties, type ReactNode } from 'react'
import { BOARD_FONT, CARD_FONT_PX, CARD_LINE_HEIGHT, CARD_W, RESIDENT_W } from '../layout/metrics.ts'
import type { CardContent, ResidentContent } from './cardContent.ts'

export interface TreeNode {
  tag: 'div' | 'span' | 'dl' | 'dt' | 'dd'
  className?: string
  style?: CSSProperties
  testId?: string
  /** The card's text block: the canvas may put the in-place editor there instead. */
  slot?: 'text'
  children?: (TreeNode | string)[]
}

const card: CSSProperties = {
  boxSizing: 'border-box', display: 'flex', flexDirection: 'column', gap: 6, padding: '10px 12px',
  borderStyle: 'solid', borderRadius: 10, overflow: 'hidden', fontFamily: BOARD_FONT, fontSize: 14, lineHeight: 1.35,
  letterSpacing: 'normal', wordSpacing: 'normal', textAlign: 'left', margin: 0, whiteSpace: 'normal',
  // The card is a target on screen (a click or a screen reader's point lands on it); tldraw still
  // gets every pointer event, which bubbles up to its canvas.
  pointerEvents: 'all',
}
const head: CSSProperties = { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 6, height: 20, flex: '0 0 auto' }
const kindLabel: CSSProperties = { fontSize: 12, lineHeight: '20px', fontWeight: 700, letterSpacing: '0.04em', textTransform: 'uppercase' }
const chip: CSSProperties = { fontSize: 12, lineHeight: '16px', padding: '1px 8px', whiteSpace: 'nowrap' }
const badges: CSSProperties = { display: 'flex', flexWrap: 'wrap', gap: 4, flex: '0 0 auto' }
const badge: CSSProperties = { fontSize: 12, lineHeight: '16px', padding: '1px 8px', maxWidth: '100%', boxSizing: 'border-box', overflowWrap: 'anywhere' }
/** The text block; the in-place editor takes the same box. */
export const CARD_TEXT_STYLE: CSSProperties = {
  fontSize: CARD_FONT_PX, lineHeight: CARD_LINE_HEIGHT, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', wordBreak: 'normal',
  flex: '1 0 auto', margin: 0, padding: 0, overflow: 'visible', minHeight: Math.ceil(CARD_FONT_PX * CARD_LINE_HEIGHT),
}
const placeholder: CSSProperties = { fontSize: 14, fontStyle: 'italic' }
const small: CSSProperties = { fontSize: 13, lineHeight: 1.35, overflowWrap: 'anywhere', flex: '0 0 auto' }
const linkLine: CSSProperties = { fontSize: 13, lineHeight: '18px', height: 18, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }
const byline: CSSProperties = { fontSize: 12, lineHeight: 1.35, fontWeight: 600, overflowWrap: 'anywhere', flex: '0 0 auto' }

export function cardTree(c: CardContent, height?: number): TreeNode {
  const children: (TreeNode | string)[] = []
  const headKids: TreeNode[] = [{ tag: 'span', className: 'kt-card-kind', style: kindLabel, children: [c.head] }]
  if (c.status) headKids.push({ tag: 'span', className: `kt-status kt-status-${c.status.key}`, style: chip, testId: 'kt-item-status', children: [c.status.label] })
  children.push({ tag: 'div', className: 'kt-card-head', style: head, children: headKids })
  if (c.badges.length > 0) {
    children.push({
      tag: 'div', className: 'kt-badges', style: badges,
      children: c.badges.map((b) => ({ tag: 'span', className: `kt-badge kt-badge-${b.key}`, style: badge, testId: `kt-badge-${b.key}`, children: [b.label] })),
    })
  }
  children.push({
    tag: 'div', className: 'kt-card-text', style: CARD_TEXT_STYLE, testId: 'kt-item-text', slot: 'text',
    children: c.text ? [c.text] : c.placeholder ? [{ tag: 'span', className: 'kt-placeholder', style: placeholder, children: [c.placeholder] }] : [],
  })
  if (c.fields.length > 0) {
    children.push({
      tag: 'div', className: 'kt-card-action', style: { ...small, display: 'block' },
      children: c.fields.map((f) => ({ tag: 'div', className: f.overdue ? 'kt-overdue' : undefined, testId: `kt-item-${f.key}`, children: [f.label] })),
    })
  }
  if (c.links.length > 0) {
    children.push({
      tag: 'div', className: 'kt-card-links', style: { flex: '0 0 auto' }, testId: 'kt-item-links',
      children: c.links.map((l) => ({ tag: 'div', style: linkLine, children: [l] })),
    })
  }
  if (c.byline || c.recordedBy) {
    const kids: (TreeNode | string)[] = c.byline ? [c.byline] : []
    if (c.recordedBy) kids.push({ tag: 'div', className: 'kt-card-recorded', testId: 'kt-recorded-by', children: [c.recordedBy] })
    children.push({
      tag: 'div', className: c.byResident ? 'kt-card-author kt-card-author-resident' : 'kt-card-author kt-card-author-pro',
      // The resident's own words stand out (board.css colours them); others' names are quieter.
      style: c.byResident ? byline : { ...byline, color: '#4a5260', fontWeight: 500 },
      testId: c.byResident ? 'kt-by-resident' : 'kt-by', children: kids,
    })
  }
  return {
    tag: 'div', className: `kt-card kt-kind-${c.kind}${c.stress ? ' kt-stress' : ''}`,
    style: { ...card, borderWidth: c.stress ? '2px 2px 2px 6px' : '1px 1px 1px 6px', width: CARD_W, height: height ?? 'auto' },
    children,
  }
}

const resident: CSSProperties = {
  boxSizing: 'border-box', display: 'flex', flexDirection: 'column', gap: 6, padding: '16px 22px', borderRadius: 24,
  overflow: 'hidden', fontFamily: BOARD_FONT, fontSize: 14, lineHeight: 1.35, margin: 0, textAlign: 'left', whiteSpace: 'normal',
}
const residentTitle: CSSProperties = { fontSize: 22, lineHeight: '28px', fontWeight: 800 }
const goalLabel: CSSProperties = { fontSize: 13, lineHeight: '18px', textTransform: 'uppercase', letterSpacing: '0.06em' }
const goalText: CSSProperties = { fontSize: 20, lineHeight: 1.4, fontWeight: 600, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', overflow: 'visible', flex: '0 0 auto' }
const facts: CSSProperties = { margin: 0, display: 'flex', flexWrap: 'wrap', gap: '4px 28px', fontSize: 16, lineHeight: 1.4 }

export function residentTree(c: ResidentContent, height?: number): TreeNode {
  return {
    tag: 'div', className: 'kt-resident', testId: 'kt-resident', style: { ...resident, width: RESIDENT_W, height: height ?? 'auto' },
    children: [
      { tag: 'div', className: 'kt-resident-title', style: residentTitle, children: [c.title] },
      { tag: 'div', className: 'kt-resident-goal-label', style: goalLabel, children: [c.goalLabel] },
      {
        tag: 'div', className: 'kt-resident-goal', style: goalText, testId: 'kt-resident-goal',
        children: c.goal ? [c.goal] : [{ tag: 'span', className: 'kt-placeholder', children: [c.placeholder] }],
      },
      {
        tag: 'dl', className: 'kt-resident-facts', style: facts,
        children: c.facts.map((f) => ({
          tag: 'div', style: { display: 'flex', gap: 6 },
          children: [{ tag: 'dt', children: [f.label] }, { tag: 'dd', testId: `kt-resident-${f.key}`, style: { margin: 0, fontWeight: 600 }, children: [f.value] }],
        })),
      },
    ],
  }
}

export interface RootExtras {
  /** More classes on the outer element. */
  className?: string
  /** data-* and aria-* attributes on the outer element (they replace the tree's test id). */
  attrs?: Record<string, string | undefined>
  /** Elements put first inside the outer element (e.g. a mark of the comparison view). */
  extra?: ReactNode
  /** Style on top of the tree's (never anything that changes the height). */
  style?: CSSProperties
}

/** Render a tree with React; `text` replaces the text slot (the in-place editor). */
export function renderTree(node: TreeNode, opts: { text?: ReactNode; root?: RootExtras; key?: number } = {}): ReactNode {
  if (node.slot === 'text' && opts.text !== undefined) return opts.text
  const kids = (node.children ?? []).map((c, i) => (typeof c === 'string' ? c : renderTree(c, { text: opts.text, key: i })))
  const root = opts.root
  const className = [node.className, root?.className].filter(Boolean).join(' ') || undefined
  const props: Record<string, unknown> = { key: opts.key, className, style: root?.style ? { ...node.style, ...root.style } : node.style }
  if (node.testId) props['data-testid'] = node.testId
  if (root?.attrs) Object.assign(props, root.attrs)
  return createElement(node.tag, props, ...(root?.extra ? [root.extra] : []), ...kids)
}

export function CardBody({ content, height, text, root }: { content: CardContent; height?: number; text?: ReactNode; root?: RootExtras }) {
  return renderTree(cardTree(content, height), { text, root })
}

export function ResidentBody({ content, height }: { content: ResidentContent; height?: number }) {
  return renderTree(residentTree(content, height))
}
