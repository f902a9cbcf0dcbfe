/**
 * The card on the canvas: its face (./CardBody.tsx) at the size the board's layout gave it —
 * measured from the same content, so all text shows (no clipping, no inner scrollbar) — with the
 * in-place editor in the text's place while editing, and the comparison view's mark.
 */
import { useMemo } from 'react'
import { useEditor, useIsEditing } from 'tldraw'
import { useBoard } from '../context.ts'
import { mayEditCard } from '../rights.ts'
import { entityIdOf } from '../bridge/ids.ts'
import type { ItemShape } from './defs.ts'
import { CardBody } from './CardBody.tsx'
import { cardContent } from './cardContent.ts'
import { ItemTextEditor } from './ItemTextEditor.tsx'

export { formatDue, isOverdue } from './cardContent.ts'

export function ItemCard({ shape }: { shape: ItemShape }) {
  const editor = useEditor()
  const ctx = useBoard()
  const editing = useIsEditing(shape.id)
  const p = shape.props
  const id = entityIdOf(shape.id) ?? ''
  const highlight = ctx.highlights?.[id]
  const content = useMemo(() => cardContent(p, ctx.locale, { readOnly: ctx.readOnly }), [p, ctx.locale, ctx.readOnly])
  return (
    <CardBody
      content={content}
      height={p.h}
      text={editing && !ctx.readOnly && mayEditCard(ctx.me.role, p.authorRole) ? <ItemTextEditor id={id} text={p.text} onDone={() => editor.setEditingShape(null)} /> : undefined}
      root={{
        className: `${editing ? 'kt-editing' : ''}${highlight ? ` kt-hl kt-hl-${highlight}` : ''}`.trim() || undefined,
        attrs: {
          'data-testid': 'kt-item', 'data-item-id': id, 'data-kind': p.kind, 'data-domain-id': p.domainId ?? '',
          'data-highlight': highlight,
        },
        // The comparison view's mark sits above the card's top edge.
        style: highlight ? { position: 'relative', overflow: 'visible' } : undefined,
        extra: highlight
          ? <span className={`kt-hl-label kt-hl-label-${highlight}`} data-testid="kt-item-highlight">{ctx.strings.highlight[highlight]}</span>
          : undefined,
      }}
    />
  )
}
