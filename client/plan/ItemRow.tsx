/**
 * One item of a life domain in the plan view: its kind and whose words it is, its text (edited
 * in place, merging with others' typing), its domain, stress factor and signal, and delete (with
 * undo; offered only to who may delete it). What the reader may not change (a resident: others'
 * items, canEditItem) is shown as text, never as a field: the server would refuse the write.
 */
import { canDeleteItem, canEditItem, deleteItem, itemsInDomain, moveItem, parts, restoreItem, setItemText, updateItem } from '../../shared/doc.ts'
import { MAX_ITEM_TEXT_CHARS } from '../../shared/limits.ts'
import type { ItemFields } from '../../shared/schema.ts'
import { fill, type MessageKey } from '../i18n.ts'
import { BoundText } from './BoundText.tsx'
import { DeleteControl } from './controls.tsx'
import { authorLine, domainLabel, itemName, usePlanView } from './context.ts'

/**
 * `prev` / `next`: the neighbours in the same list (same domain and kind), for 'Omhoog' / 'Omlaag'
 * — the keyboard's way to change a card's place in the domain's flow, as dragging does on the board.
 */
export function ItemRow({ item, prev, next }: { item: ItemFields; prev?: ItemFields; next?: ItemFields }) {
  const ctx = usePlanView()
  const { doc, t, readOnly, role } = ctx
  const base = `pv-item-${item.id}`
  const map = parts(doc).items.get(item.id) ?? null
  if (isLocked(ctx, item)) return <LockedItemRow item={item} />
  return (
    <li className={`pv-item pv-kind-${item.kind}`} data-testid="pv-item" data-item-id={item.id} data-kind={item.kind}>
      <div className="pv-item-head">
        <label htmlFor={`${base}-text`} className="pv-kind">{t(`kind_${item.kind}` as MessageKey)}</label>
        <span className={`pv-author${item.author.role === 'resident' ? ' pv-resident' : ''}`} id={`${base}-by`} data-testid="pv-author">
          {authorLine(t, item)}
        </span>
      </div>
      <BoundText
        id={`${base}-text`} className="pv-text" testId="pv-item-text" map={map} field="text" rows={2}
        maxLength={MAX_ITEM_TEXT_CHARS} readOnly={readOnly} aria-describedby={`${base}-by`}
        write={(v) => setItemText(doc, item.id, v)}
      />
      <div className="pv-item-controls">
        <DomainSelect item={item} id={`${base}-domain`} />
        <label className="pv-check">
          <input type="checkbox" checked={item.stress} disabled={readOnly} data-testid="pv-stress"
            onChange={(e) => { const on = e.currentTarget.checked; ctx.write(() => updateItem(doc, item.id, { stress: on })) }} />
          {t('pv_stress')}
        </label>
        {role === 'professional' && (
          <label className="pv-check">
            <input type="checkbox" checked={item.signal} disabled={readOnly} data-testid="pv-signal"
              onChange={(e) => { const on = e.currentTarget.checked; ctx.write(() => updateItem(doc, item.id, { signal: on })) }} />
            {t('pv_signal')}
          </label>
        )}
        {!readOnly && prev && (
          <button type="button" className="pv-move" aria-label={`${t('pv_moveUp')}: ${itemName(t, item)}`} data-testid="pv-move-up"
            onClick={() => { if (ctx.write(() => moveItem(doc, item.id, item.domainId, prev.id))) focusMove(item.id, 'up') }}>
            {t('pv_moveUp')}
          </button>
        )}
        {!readOnly && next && (
          <button type="button" className="pv-move" aria-label={`${t('pv_moveDown')}: ${itemName(t, item)}`} data-testid="pv-move-down"
            onClick={() => { if (ctx.write(() => moveItem(doc, item.id, item.domainId, followerOf(doc, next)))) focusMove(item.id, 'down') }}>
            {t('pv_moveDown')}
          </button>
        )}
        {!readOnly && canDeleteItem(role, item) && (
          <DeleteControl
            label={`${t('pv_delete')}: ${itemName(t, item)}`} confirm={item.kind === 'action'} testId="pv-delete"
            question={item.kind === 'action' ? t('pv_deleteActionAsk') : undefined}
            onDelete={() => removeItem(ctx, item)}
          />
        )}
      </div>
    </li>
  )
}

/**
 * Whether this reader could write but may not change this item (a resident and someone else's
 * item): it is shown read-only. A read-only reader (coordinator) keeps the disabled fields.
 */
export function isLocked(ctx: Pick<ReturnType<typeof usePlanView>, 'readOnly' | 'role'>, item: Pick<ItemFields, 'author'>): boolean {
  return !ctx.readOnly && !canEditItem(ctx.role, item)
}

/** Someone else's item for a reader who may not change it: its words and marks as text, no controls. */
function LockedItemRow({ item }: { item: ItemFields }) {
  const { t } = usePlanView()
  const base = `pv-item-${item.id}`
  return (
    <li className={`pv-item pv-kind-${item.kind} pv-locked`} data-testid="pv-item" data-item-id={item.id} data-kind={item.kind} data-locked="true">
      <div className="pv-item-head">
        <span className="pv-kind" id={`${base}-kind`}>{t(`kind_${item.kind}` as MessageKey)}</span>
        <span className={`pv-author${item.author.role === 'resident' ? ' pv-resident' : ''}`} id={`${base}-by`} data-testid="pv-author">
          {authorLine(t, item)}
        </span>
      </div>
      <p className="pv-text pv-text-locked" data-testid="pv-item-text" aria-describedby={`${base}-by ${base}-locked`}>
        {item.text || t('pv_noText')}
      </p>
      <p className="pv-item-controls pv-locked-note">
        {item.stress && <span className="pv-mark" data-testid="pv-stress-mark">{t('pv_stress')}</span>}
        <span className="muted" id={`${base}-locked`} data-testid="pv-locked-note">{t('ru_notYoursShort')}</span>
      </p>
    </li>
  )
}

/** Which life domain an item is in; 'no domain' is offered only to an item that has none. */
export function DomainSelect({ item, id, compact }: { item: ItemFields; id: string; compact?: boolean }) {
  const ctx = usePlanView()
  const { doc, t, readOnly, domains } = ctx
  return (
    <label className={compact ? 'pv-field pv-compact' : 'pv-field'} htmlFor={id}>
      <span>{t('pv_domain')}</span>
      <select id={id} value={item.domainId ?? ''} disabled={readOnly} data-testid="pv-item-domain"
        onChange={(e) => { const v = e.currentTarget.value; ctx.write(() => moveItem(doc, item.id, v || null)) }}>
        {item.domainId === null && <option value="">{t('pv_noDomain')}</option>}
        {domains.map((d) => <option key={d.id} value={d.id}>{domainLabel(ctx, d)}</option>)}
      </select>
    </label>
  )
}

/** Soft-delete an item and offer undo (anyone can also restore it from 'Verwijderd'). */
export function removeItem(ctx: ReturnType<typeof usePlanView>, item: ItemFields): void {
  const { doc, t, me } = ctx
  const name = itemName(t, item)
  if (!ctx.write(() => deleteItem(doc, item.id, me))) return
  ctx.notify({
    text: fill(t('pv_deletedNote'), { what: name }),
    undo: () => {
      if (ctx.write(() => restoreItem(doc, item.id))) {
        ctx.notify({ text: fill(t('pv_restoredNote'), { what: name }) })
        focusItem(item.id)
      }
    },
  })
}

/** Put the focus on an item's text field once it is (back) in the view. */
export function focusItem(id: string): void {
  requestAnimationFrame(() => {
    // Entity ids are URL-safe (A–Z, a–z, 0–9, _ and -): safe inside a quoted attribute selector.
    const el = document.querySelector<HTMLElement>(`[data-item-id="${id}"] textarea, [data-item-id="${id}"] input`)
    el?.focus()
  })
}

/**
 * The card after `next` in its domain's flow (null: the end). 'Omlaag' moves the item itself to
 * there — not `next` before it — so it writes only the reader's own item (a resident may move
 * their own words past someone else's, not move someone else's).
 */
function followerOf(doc: ReturnType<typeof usePlanView>['doc'], next: ItemFields): string | null {
  const flow = itemsInDomain(doc, next.domainId)
  const i = flow.findIndex((x) => x.id === next.id)
  return i === -1 ? null : flow[i + 1]?.id ?? null
}

/** After a move, keep the focus on the moved item's button (or its other one at the end of the list). */
function focusMove(id: string, dir: 'up' | 'down'): void {
  requestAnimationFrame(() => {
    const row = document.querySelector(`[data-item-id="${id}"]`)
    const el = row?.querySelector<HTMLElement>(`[data-testid="pv-move-${dir}"]`) ?? row?.querySelector<HTMLElement>('[data-testid^="pv-move-"]')
    el?.focus()
  })
}
