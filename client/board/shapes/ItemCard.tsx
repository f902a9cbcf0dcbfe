/** The card's face. All text is rendered as React text, never as HTML. */
import { useEditor, useIsEditing } from 'tldraw'
import { useBoard } from '../context.ts'
import { entityIdOf } from '../bridge/ids.ts'
import type { ItemShape } from './defs.ts'
import { ItemTextEditor } from './ItemTextEditor.tsx'

export function formatDue(due: string, locale: 'nl' | 'en'): string {
  if (!due) return ''
  const d = new Date(`${due}T00:00:00`)
  if (Number.isNaN(d.getTime())) return due
  return d.toLocaleDateString(locale === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
}

export function isOverdue(due: string, status: string, today = new Date().toISOString().slice(0, 10)): boolean {
  return !!due && due < today && (status === 'open' || status === 'in_progress')
}

export function ItemCard({ shape }: { shape: ItemShape }) {
  const editor = useEditor()
  const ctx = useBoard()
  const editing = useIsEditing(shape.id)
  const p = shape.props
  const s = ctx.strings
  const id = entityIdOf(shape.id) ?? ''
  const overdue = p.kind === 'action' && isOverdue(p.due, p.status)
  const highlight = ctx.highlights?.[id]
  return (
    <div
      className={`kt-card kt-kind-${p.kind}${p.stress ? ' kt-stress' : ''}${editing ? ' kt-editing' : ''}${highlight ? ` kt-hl kt-hl-${highlight}` : ''}`}
      data-testid="kt-item"
      data-item-id={id}
      data-kind={p.kind}
      data-highlight={highlight}
      style={{ width: p.w, height: p.h }}
    >
      {highlight && (
        <span className={`kt-hl-label kt-hl-label-${highlight}`} data-testid="kt-item-highlight">{s.highlight[highlight]}</span>
      )}
      <div className="kt-card-head">
        <span className="kt-card-kind">{s.kind[p.kind]}</span>
        {p.kind === 'action' && (
          <span className={`kt-status kt-status-${p.status}`} data-testid="kt-item-status">{s.status[p.status]}</span>
        )}
      </div>
      {(p.stress || p.signal || p.deviation) && (
        <div className="kt-badges">
          {p.stress && <span className="kt-badge kt-badge-stress" data-testid="kt-badge-stress">{s.stressLong}</span>}
          {p.signal && <span className="kt-badge kt-badge-signal" data-testid="kt-badge-signal">{s.signal}</span>}
          {p.deviation && <span className="kt-badge kt-badge-deviation" data-testid="kt-badge-deviation">{s.deviation}</span>}
        </div>
      )}
      {editing && !ctx.readOnly ? (
        <ItemTextEditor id={id} text={p.text} onDone={() => editor.setEditingShape(null)} />
      ) : (
        <div className="kt-card-text" data-testid="kt-item-text">
          {p.text ? p.text : <span className="kt-placeholder">{ctx.readOnly ? '' : s.noText}</span>}
        </div>
      )}
      {p.kind === 'action' && (p.owner || p.ownerOrg || p.due) && (
        <div className="kt-card-action">
          {(p.owner || p.ownerOrg) && (
            <span data-testid="kt-item-owner">
              {s.who}: {[p.owner, p.ownerOrg].filter(Boolean).join(' · ')}
            </span>
          )}
          {p.due && (
            <span className={overdue ? 'kt-overdue' : undefined} data-testid="kt-item-due">
              {s.due}: {formatDue(p.due, ctx.locale)}
            </span>
          )}
        </div>
      )}
      {p.authorRole === 'resident' && (
        <div className="kt-card-author" data-testid="kt-by-resident">
          {s.byResident}{p.authorName ? ` · ${p.authorName}` : ''}
        </div>
      )}
    </div>
  )
}
