/** '+ Knelpunt', '+ Wens', … : add a card to the plan, in the right domain, ready to type. */
import type { Editor } from 'tldraw'
import { addItem } from '../../../shared/doc.ts'
import { ITEM_KINDS, type ItemKind } from '../../../shared/schema.ts'
import { useBoard, writeUi } from '../context.ts'
import { entityIdOf, shapeIdFor } from '../bridge/ids.ts'
import { DOMAIN_TYPE, ITEM_TYPE, type ItemShape } from '../shapes/defs.ts'
import { placeNewItem } from './placement.ts'

export const ADD_TEST_IDS: Record<ItemKind, string> = {
  problem: 'add-problem', wish: 'add-wish', strength: 'add-strength', action: 'add-action', note: 'add-note',
}

export function AddToolbar({ editor }: { editor: Editor }) {
  const ctx = useBoard()
  const s = ctx.strings
  if (ctx.readOnly) return null

  const add = (kind: ItemKind) => {
    const sel = editor.getOnlySelectedShape()
    const selectedDomainId =
      sel?.type === DOMAIN_TYPE ? entityIdOf(sel.id) : sel?.type === ITEM_TYPE ? (sel as ItemShape).props.domainId : null
    const { domainId, pos } = placeNewItem(ctx.doc, {
      selectedDomainId, viewportCentre: editor.getViewportPageBounds().center,
    })
    let id = ''
    const ok = writeUi(ctx, (doc) => {
      id = addItem(doc, { kind, domainId, pos, author: { name: ctx.me.name, org: ctx.me.org, role: ctx.me.role } })
    })
    const shapeId = shapeIdFor(id)
    if (!ok || !editor.getShape(shapeId)) return
    editor.setCurrentTool('select')
    editor.select(shapeId)
    editor.zoomToSelectionIfOffscreen(64)
    editor.setEditingShape(shapeId)
  }

  return (
    <div className="kt-toolbar" role="toolbar" aria-label={s.toolbarLabel} data-testid="board-toolbar">
      {ITEM_KINDS.map((kind) => (
        <button
          key={kind}
          type="button"
          className={`kt-add kt-add-${kind}`}
          data-testid={ADD_TEST_IDS[kind]}
          title={s.addTitle[kind]}
          onClick={() => add(kind)}
        >
          {s.add[kind]}
        </button>
      ))}
    </div>
  )
}
