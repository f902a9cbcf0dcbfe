/**
 * The inspector, docked beside the canvas (below it on narrow screens; never over it): the one
 * selected card's fields, its life domain, 'Verband leggen' and its links, and deleting (soft, with
 * undo; only what the role may delete). A selected link's kind. Writes go through shared/doc.ts.
 * What the person may not change (../rights.ts: for a resident, someone else's card and every
 * existing link) is shown read-only, with a line saying why.
 */
import { useValue, type Editor, type TLShape } from 'tldraw'
import * as Y from 'yjs'
import {
  canDeleteItem, canEditItem, deleteLink, listDomains, moveItem, parts, readItem, readLink, setItemText, setLinkKind, updateItem,
  type ItemPatch,
} from '../../../shared/doc.ts'
import { MAX_ITEM_TEXT_CHARS, MAX_LONG_FIELD_CHARS, MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS } from '../../../shared/limits.ts'
import { ACTION_STATUSES, LINK_KINDS, isActionStatus, isLinkKind } from '../../../shared/schema.ts'
import { useI18n } from '../../i18n.ts'
import { useBoard, writeUi } from '../context.ts'
import { entityIdOf } from '../bridge/ids.ts'
import { ITEM_TYPE, type ItemShape } from '../shapes/defs.ts'
import { mayChangeShared } from '../rights.ts'
import { useBoardUi } from './boardUi.ts'
import { DraftField } from './DraftField.tsx'
import { domainLabel } from './domainLabel.ts'
import { LinkMaker } from './LinkMaker.tsx'
import { useDocVersion } from '../../useDocVersion.ts'

/** What the inspector shows for a selection (null: nothing, and the dock closes). */
export function inspectedShape(editor: Editor): TLShape | null {
  const sel = editor.getOnlySelectedShape()
  if (!sel) return null
  if (sel.type === ITEM_TYPE) return sel
  if (sel.type === 'arrow' && entityIdOf(sel.id)) return sel
  return null
}

export function Inspector({ editor }: { editor: Editor }) {
  const selected = useValue('kt inspector selection', () => inspectedShape(editor), [editor])
  if (!selected) return null
  if (selected.type === ITEM_TYPE) return <ItemInspector shape={selected as ItemShape} />
  return <LinkInspector shape={selected} />
}

function ItemInspector({ shape }: { shape: ItemShape }) {
  const ctx = useBoard()
  const ui = useBoardUi()
  const { t } = useI18n()
  useDocVersion(ctx.doc)
  const s = ctx.strings
  const id = entityIdOf(shape.id) ?? ''
  const m = parts(ctx.doc).items.get(id)
  const item = m instanceof Y.Map ? readItem(m) : null
  const p = shape.props
  const ro = ctx.readOnly
  const patch = (v: ItemPatch) => writeUi(ctx, (doc) => updateItem(doc, id, v))
  const f = (name: string) => `kt-inspector-${name}-${id}`
  if (!item) return null
  // Someone else's card for a resident: every field shown, none offered (the server would refuse).
  const locked = !ro && !canEditItem(ctx.me.role, item)
  const fro = ro || locked
  const domains = listDomains(ctx.doc)
  return (
    <section className="kt-inspector" aria-labelledby={f('title')} data-testid="inspector">
      <div className="kt-inspector-head">
        <h2 id={f('title')} className={`kt-inspector-title kt-kind-${p.kind}`}>{s.inspector}: {s.kind[p.kind]}</h2>
        <button type="button" className="kt-quiet" data-testid="inspector-close" onClick={() => ui.editor.selectNone()}>{t('bd_close')}</button>
      </div>
      {locked && <p className="kt-hint" data-testid="inspector-not-yours">{t('ru_notYours')}</p>}
      <label htmlFor={f('text')}>{s.textLabel}</label>
      <DraftField id={f('text')} testId="inspector-text" multiline value={item.text} maxLength={MAX_ITEM_TEXT_CHARS}
        disabled={fro} onCommit={(v) => writeUi(ctx, (doc) => setItemText(doc, id, v))} />
      <label htmlFor={f('domain')}>{t('bd_domainField')}</label>
      <select id={f('domain')} data-testid="inspector-domain" value={item.domainId ?? ''} disabled={fro}
        onChange={(e) => { const v = e.currentTarget.value; writeUi(ctx, (doc) => moveItem(doc, id, v || null)) }}>
        <option value="">{t('bd_noDomainOption')}</option>
        {domains.map((d) => <option key={d.id} value={d.id}>{domainLabel(d, ctx)}</option>)}
      </select>
      {/* An item's kind never changes after creation (the server refuses it): shown, not edited. */}
      <label className="kt-check">
        <input type="checkbox" data-testid="inspector-stress" checked={p.stress} disabled={fro}
          onChange={(e) => patch({ stress: e.currentTarget.checked })} />
        {s.stressLong}
      </label>
      <label className="kt-check">
        <input type="checkbox" data-testid="inspector-signal" checked={p.signal} disabled={fro}
          onChange={(e) => patch({ signal: e.currentTarget.checked })} />
        {s.signal}
      </label>
      {p.kind === 'action' && (
        <>
          <label htmlFor={f('owner')}>{s.owner}</label>
          <DraftField id={f('owner')} testId="inspector-owner" value={p.owner} maxLength={MAX_PERSON_NAME_CHARS}
            disabled={fro} onCommit={(v) => patch({ owner: v })} />
          <label htmlFor={f('org')}>{s.ownerOrg}</label>
          <DraftField id={f('org')} testId="inspector-owner-org" value={p.ownerOrg} maxLength={MAX_SHORT_FIELD_CHARS}
            disabled={fro} onCommit={(v) => patch({ ownerOrg: v })} />
          <label htmlFor={f('due')}>{s.due}</label>
          <input id={f('due')} type="date" data-testid="inspector-due" value={p.due} disabled={fro}
            onKeyDown={(e) => e.stopPropagation()}
            onChange={(e) => patch({ due: e.currentTarget.value })} />
          <label htmlFor={f('status')}>{s.statusLabel}</label>
          <select id={f('status')} data-testid="inspector-status" value={p.status} disabled={fro}
            onChange={(e) => { const v = e.currentTarget.value; if (isActionStatus(v)) patch({ status: v }) }}>
            {ACTION_STATUSES.map((st) => <option key={st} value={st}>{s.status[st]}</option>)}
          </select>
          <label className="kt-check">
            <input type="checkbox" data-testid="inspector-deviation" checked={p.deviation} disabled={fro}
              onChange={(e) => patch({ deviation: e.currentTarget.checked })} />
            {s.deviation}
          </label>
          {p.deviation && (
            <>
              <label htmlFor={f('rule')}>{s.deviationRule}</label>
              <DraftField id={f('rule')} testId="inspector-deviation-rule" value={p.deviationRule}
                maxLength={MAX_LONG_FIELD_CHARS} disabled={fro} onCommit={(v) => patch({ deviationRule: v })} />
              <label htmlFor={f('motivation')}>{s.deviationMotivation}</label>
              <DraftField id={f('motivation')} testId="inspector-deviation-motivation" multiline
                value={p.deviationMotivation} maxLength={MAX_LONG_FIELD_CHARS} disabled={fro}
                onCommit={(v) => patch({ deviationMotivation: v })} />
            </>
          )}
        </>
      )}
      <LinkMaker item={item} />
      {!ro && canDeleteItem(ctx.me.role, item) && (
        <button type="button" className="kt-delete" data-testid="inspector-delete" onClick={() => ui.requestDelete([id])}>
          {s.delete}
        </button>
      )}
    </section>
  )
}

function LinkInspector({ shape }: { shape: TLShape }) {
  const ctx = useBoard()
  const { t } = useI18n()
  const s = ctx.strings
  useDocVersion(ctx.doc)
  // Only a professional changes or removes a link (../rights.ts).
  const locked = !ctx.readOnly && !mayChangeShared(ctx.me.role)
  const id = entityIdOf(shape.id) ?? ''
  const m = parts(ctx.doc).links.get(id)
  const link = m instanceof Y.Map ? readLink(m) : null
  if (!link) return null
  return (
    <section className="kt-inspector" aria-label={s.inspectorLink} data-testid="inspector-link">
      <h2 className="kt-inspector-title">{s.inspectorLink}</h2>
      <label htmlFor={`kt-link-kind-${id}`}>{s.linkKind}</label>
      {locked && <p className="kt-hint" data-testid="inspector-not-yours">{t('ru_linkNotYours')}</p>}
      <select id={`kt-link-kind-${id}`} data-testid="inspector-link-kind" value={link.kind} disabled={ctx.readOnly || locked}
        onChange={(e) => { const v = e.currentTarget.value; if (isLinkKind(v)) writeUi(ctx, (doc) => setLinkKind(doc, id, v)) }}>
        {LINK_KINDS.map((k) => <option key={k} value={k}>{s.link[k]}</option>)}
      </select>
      {!ctx.readOnly && !locked && (
        <button type="button" className="kt-delete" data-testid="inspector-link-delete"
          onClick={() => writeUi(ctx, (doc) => deleteLink(doc, id))}>
          {s.deleteLink}
        </button>
      )}
    </section>
  )
}
