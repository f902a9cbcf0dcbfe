/** The panel for the one selected card or link. Every write goes through the shared/doc.ts helpers. */
import { useValue, type Editor, type TLShape } from 'tldraw'
import * as Y from 'yjs'
import {
  deleteItem, deleteLink, parts, readLink, setLinkKind, updateItem, type ItemPatch,
} from '../../../shared/doc.ts'
import { MAX_LONG_FIELD_CHARS, MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS } from '../../../shared/limits.ts'
import { ACTION_STATUSES, LINK_KINDS, isActionStatus, isLinkKind } from '../../../shared/schema.ts'
import { useBoard, writeUi } from '../context.ts'
import { entityIdOf } from '../bridge/ids.ts'
import { ITEM_TYPE, type ItemShape } from '../shapes/defs.ts'
import { DraftField } from './DraftField.tsx'
import { useDocVersion } from './useDocVersion.ts'

export function Inspector({ editor }: { editor: Editor }) {
  const selected = useValue('kt inspector selection', () => editor.getOnlySelectedShape(), [editor])
  if (!selected) return null
  if (selected.type === ITEM_TYPE) return <ItemInspector shape={selected as ItemShape} />
  if (selected.type === 'arrow') return <LinkInspector shape={selected} />
  return null
}

function ItemInspector({ shape }: { shape: ItemShape }) {
  const ctx = useBoard()
  const s = ctx.strings
  const id = entityIdOf(shape.id) ?? ''
  const p = shape.props
  const ro = ctx.readOnly
  const patch = (v: ItemPatch) => writeUi(ctx, (doc) => updateItem(doc, id, v))
  const f = (name: string) => `kt-inspector-${name}-${id}`
  return (
    <section className="kt-inspector" aria-label={s.inspector} data-testid="inspector">
      <h2 className={`kt-inspector-title kt-kind-${p.kind}`}>{s.inspector}: {s.kind[p.kind]}</h2>
      {/* An item's kind never changes after creation (the server refuses it): shown, not edited. */}
      <label htmlFor={f('kind')}>{s.kindLabel}</label>
      <output id={f('kind')} data-testid="inspector-kind">{s.kind[p.kind]}</output>
      <label className="kt-check">
        <input type="checkbox" data-testid="inspector-stress" checked={p.stress} disabled={ro}
          onChange={(e) => patch({ stress: e.currentTarget.checked })} />
        {s.stressLong}
      </label>
      <label className="kt-check">
        <input type="checkbox" data-testid="inspector-signal" checked={p.signal} disabled={ro}
          onChange={(e) => patch({ signal: e.currentTarget.checked })} />
        {s.signal}
      </label>
      {p.kind === 'action' && (
        <>
          <label htmlFor={f('owner')}>{s.owner}</label>
          <DraftField id={f('owner')} testId="inspector-owner" value={p.owner} maxLength={MAX_PERSON_NAME_CHARS}
            disabled={ro} onCommit={(v) => patch({ owner: v })} />
          <label htmlFor={f('org')}>{s.ownerOrg}</label>
          <DraftField id={f('org')} testId="inspector-owner-org" value={p.ownerOrg} maxLength={MAX_SHORT_FIELD_CHARS}
            disabled={ro} onCommit={(v) => patch({ ownerOrg: v })} />
          <label htmlFor={f('due')}>{s.due}</label>
          <input id={f('due')} type="date" data-testid="inspector-due" value={p.due} disabled={ro}
            onKeyDown={(e) => e.stopPropagation()}
            onChange={(e) => patch({ due: e.currentTarget.value })} />
          <label htmlFor={f('status')}>{s.statusLabel}</label>
          <select id={f('status')} data-testid="inspector-status" value={p.status} disabled={ro}
            onChange={(e) => { const v = e.currentTarget.value; if (isActionStatus(v)) patch({ status: v }) }}>
            {ACTION_STATUSES.map((st) => <option key={st} value={st}>{s.status[st]}</option>)}
          </select>
          <label className="kt-check">
            <input type="checkbox" data-testid="inspector-deviation" checked={p.deviation} disabled={ro}
              onChange={(e) => patch({ deviation: e.currentTarget.checked })} />
            {s.deviation}
          </label>
          {p.deviation && (
            <>
              <label htmlFor={f('rule')}>{s.deviationRule}</label>
              <DraftField id={f('rule')} testId="inspector-deviation-rule" value={p.deviationRule}
                maxLength={MAX_LONG_FIELD_CHARS} disabled={ro} onCommit={(v) => patch({ deviationRule: v })} />
              <label htmlFor={f('motivation')}>{s.deviationMotivation}</label>
              <DraftField id={f('motivation')} testId="inspector-deviation-motivation" multiline
                value={p.deviationMotivation} maxLength={MAX_LONG_FIELD_CHARS} disabled={ro}
                onCommit={(v) => patch({ deviationMotivation: v })} />
            </>
          )}
        </>
      )}
      {!ro && (
        <button type="button" className="kt-delete" data-testid="inspector-delete"
          onClick={() => writeUi(ctx, (doc) => deleteItem(doc, id))}>
          {s.delete}
        </button>
      )}
    </section>
  )
}

function LinkInspector({ shape }: { shape: TLShape }) {
  const ctx = useBoard()
  const s = ctx.strings
  useDocVersion(ctx.doc)
  const id = entityIdOf(shape.id) ?? ''
  const m = parts(ctx.doc).links.get(id)
  const link = m instanceof Y.Map ? readLink(m) : null
  if (!link) return null
  return (
    <section className="kt-inspector" aria-label={s.inspectorLink} data-testid="inspector-link">
      <h2 className="kt-inspector-title">{s.inspectorLink}</h2>
      <label htmlFor={`kt-link-kind-${id}`}>{s.linkKind}</label>
      <select id={`kt-link-kind-${id}`} data-testid="inspector-link-kind" value={link.kind} disabled={ctx.readOnly}
        onChange={(e) => { const v = e.currentTarget.value; if (isLinkKind(v)) writeUi(ctx, (doc) => setLinkKind(doc, id, v)) }}>
        {LINK_KINDS.map((k) => <option key={k} value={k}>{s.link[k]}</option>)}
      </select>
      {!ctx.readOnly && (
        <button type="button" className="kt-delete" data-testid="inspector-link-delete"
          onClick={() => writeUi(ctx, (doc) => deleteLink(doc, id))}>
          {s.deleteLink}
        </button>
      )}
    </section>
  )
}
