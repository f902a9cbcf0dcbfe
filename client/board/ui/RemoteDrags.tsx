/**
 * Others' drags on this board: while someone drags a card, a ghost of it (the card's own face,
 * outlined in their colour, beside their named cursor) follows their pointer here, and the domain it would land in
 * is outlined; the card itself stays dimmed at its place until the drop is written. Positions come
 * through awareness (../bridge/remoteDrags.ts interpolates them); each animation frame only
 * moves the ghosts' elements (no React render, no change to tldraw's store), so observing a drag
 * costs next to nothing even on a board of 500 cards.
 *
 * Drawn in tldraw's `OnTheCanvas` slot (page coordinates); the awareness comes from
 * RemoteDragsContext, which Board provides.
 */
import { createContext, useContext, useEffect, useRef, useState, type CSSProperties } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { useEditor, type Editor, type TLShapeId } from 'tldraw'
import { useBoard } from '../context.ts'
import { createRemoteDragTracker, type GhostFrame, type RemoteDragTracker } from '../bridge/remoteDrags.ts'
import { shapeIdFor } from '../bridge/ids.ts'
import { DOMAIN_TYPE, ITEM_TYPE, type DomainShape, type ItemShape } from '../shapes/defs.ts'
import { CardBody } from '../shapes/CardBody.tsx'
import { cardContent } from '../shapes/cardContent.ts'

export const RemoteDragsContext = createContext<Awareness | null>(null)

/** Where a card is shown on this screen, as a key (the ghost waits for it to change). */
function placeOf(editor: Editor, itemId: string): string | null {
  const s = editor.getShape(shapeIdFor(itemId))
  return s ? `${Math.round(s.x)},${Math.round(s.y)}` : null
}

export function RemoteDragLayer() {
  const awareness = useContext(RemoteDragsContext)
  const editor = useEditor()
  const [tracker, setTracker] = useState<RemoteDragTracker | null>(null)
  // Which ghosts exist (re-rendered when a drag starts or ends, not per position).
  const [frames, setFrames] = useState<GhostFrame[]>([])
  const nodes = useRef(new Map<string, HTMLDivElement>())
  const domainNodes = useRef(new Map<number, HTMLDivElement>())

  useEffect(() => {
    if (!awareness) return
    const tr = createRemoteDragTracker(awareness, { placeOf: (id) => placeOf(editor, id) })
    setTracker(tr)
    return () => {
      tr.dispose()
      setTracker(null)
    }
  }, [awareness, editor])

  useEffect(() => {
    if (!tracker) return
    let raf = 0
    const draw = () => {
      raf = 0
      const now = performance.now()
      for (const f of tracker.frame(now)) {
        for (const it of f.items) {
          const el = nodes.current.get(`${f.clientId}/${it.id}`)
          if (el) el.style.transform = `translate(${it.x}px, ${it.y}px)`
        }
        const dom = domainNodes.current.get(f.clientId)
        if (dom) placeDomain(editor, dom, f.domain)
      }
      if (tracker.active()) raf = requestAnimationFrame(draw)
    }
    const start = () => {
      setFrames(tracker.frame(performance.now()))
      if (!raf && tracker.active()) raf = requestAnimationFrame(draw)
    }
    const off = tracker.onChange(start)
    start()
    return () => {
      off()
      if (raf) cancelAnimationFrame(raf)
    }
  }, [tracker, editor])

  if (frames.length === 0) return null
  const dimmed = frames.flatMap((f) => f.items.map((it) => `.tl-shape[data-shape-id="${cssId(shapeIdFor(it.id))}"]`))
  return (
    <div className="kt-remote-drags" data-testid="remote-drags" aria-hidden="true">
      {dimmed.length > 0 && <style>{`${dimmed.join(",")}{opacity:.35 !important}`}</style>}
      {frames.map((f) => (
        <div key={f.clientId}>
          <div className="kt-remote-drop" style={{ borderColor: f.color }}
            ref={(el) => { if (el) { domainNodes.current.set(f.clientId, el); placeDomain(editor, el, f.domain) } else domainNodes.current.delete(f.clientId) }} />
          {f.items.map((it) => (
            <Ghost key={it.id} editor={editor} itemId={it.id} color={f.color} by={f.name}
              initial={it}
              nodeRef={(el) => { const k = `${f.clientId}/${it.id}`; if (el) nodes.current.set(k, el); else nodes.current.delete(k) }} />
          ))}
        </div>
      ))}
    </div>
  )
}

function Ghost({ editor, itemId, color, by, initial, nodeRef }: {
  editor: Editor; itemId: string; color: string; by: string; initial: { x: number; y: number }; nodeRef: (el: HTMLDivElement | null) => void
}) {
  const ctx = useBoard()
  const shape = editor.getShape(shapeIdFor(itemId) as TLShapeId)
  if (!shape || shape.type !== ITEM_TYPE) return null
  const p = (shape as ItemShape).props
  const style: CSSProperties = {
    position: 'absolute', left: 0, top: 0, width: p.w, height: p.h, transform: `translate(${initial.x}px, ${initial.y}px)`,
    outline: `3px solid ${color}`, borderRadius: 10, boxShadow: '0 8px 24px rgba(0,0,0,.25)', opacity: 0.92, pointerEvents: 'none',
  }
  return (
    // Who drags it is named by their cursor (tldraw's collaborator cursor) right beside it.
    <div ref={nodeRef} className="kt-remote-ghost" data-testid="remote-drag-ghost" data-item-id={itemId} data-by={by} style={style}>
      <CardBody content={cardContent(p, ctx.locale, { readOnly: true })} height={p.h} />
    </div>
  )
}

function placeDomain(editor: Editor, el: HTMLDivElement, domain: string | null): void {
  const s = domain ? editor.getShape(shapeIdFor(domain) as TLShapeId) : undefined
  if (!s || s.type !== DOMAIN_TYPE) {
    el.style.display = 'none'
    return
  }
  const p = (s as DomainShape).props
  el.style.display = 'block'
  el.style.transform = `translate(${s.x}px, ${s.y}px)`
  el.style.width = `${p.w}px`
  el.style.height = `${p.h}px`
}

function cssId(id: string): string {
  return id.replace(/["\\]/g, '\\$&')
}
