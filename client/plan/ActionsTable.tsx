/**
 * The agreed actions ('afspraken') as a real table — what, who, organisation, by when, status —
 * edited right in the cells (every input labelled with its column and the action). Deleting an
 * action asks first. Below it, a form to add an action to a chosen domain. An action the reader
 * may not change (a resident: someone else's, see isLocked) is shown as text in its cells.
 */
import { useId, useRef, useState, type FormEvent } from 'react'
import { addItem, canDeleteItem, parts, setItemText, updateItem } from '../../shared/doc.ts'
import { MAX_ITEM_TEXT_CHARS, MAX_LONG_FIELD_CHARS, MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS } from '../../shared/limits.ts'
import { ACTION_STATUSES, isActionStatus, type ItemFields } from '../../shared/schema.ts'
import { authorForNewItem, useMeetingView } from '../meeting/view.ts'
import { fill, type MessageKey } from '../i18n.ts'
import { BoundText } from './BoundText.tsx'
import { DeleteControl, DraftInput } from './controls.tsx'
import { DomainSelect, isLocked, removeItem } from './ItemRow.tsx'
import { authorLine, domainLabel, itemName, itemText, usePlanView } from './context.ts'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

export function ActionsTable({ actions }: { actions: ItemFields[] }) {
  const { t, readOnly } = usePlanView()
  const captionId = useId()
  return (
    <>
      {actions.length === 0 ? (
        <p className="empty">{t('pv_noActions')}</p>
      ) : (
        <table className="pv-actions" aria-labelledby={captionId} data-testid="pv-actions">
          <caption id={captionId} className="visually-hidden">{t('pv_actions')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pv_actionWhat')}</th>
              <th scope="col">{t('pv_actionWho')}</th>
              <th scope="col">{t('pv_actionOrg')}</th>
              <th scope="col">{t('pv_actionDue')}</th>
              <th scope="col">{t('pv_actionStatus')}</th>
              {!readOnly && <th scope="col"><span className="visually-hidden">{t('pv_delete')}</span></th>}
            </tr>
          </thead>
          <tbody>{actions.map((a) => <ActionRow key={a.id} action={a} />)}</tbody>
        </table>
      )}
      {!readOnly && <AddActionForm />}
    </>
  )
}

function ActionRow({ action: a }: { action: ItemFields }) {
  const ctx = usePlanView()
  const { doc, t, readOnly, role } = ctx
  const base = `pv-action-${a.id}`
  const name = itemText(t, a, 40)
  const cellLabel = (col: MessageKey) => `${t(col)} — ${name}`
  const patch = (p: Parameters<typeof updateItem>[2]) => ctx.write(() => updateItem(doc, a.id, p))
  if (isLocked(ctx, a)) return <LockedActionRow action={a} />
  return (
    <tr data-testid="pv-action" data-item-id={a.id} className={`pv-status-${a.status}`}>
      <td data-label={t('pv_actionWhat')}>
        <BoundText
          id={`${base}-text`} className="pv-text" testId="pv-action-text" map={parts(doc).items.get(a.id) ?? null} field="text"
          rows={2} maxLength={MAX_ITEM_TEXT_CHARS} readOnly={readOnly} aria-label={`${t('pv_actionWhat')} — ${t('kind_action')}`}
          aria-describedby={`${base}-by`} write={(v) => setItemText(doc, a.id, v)}
        />
        <span className={`pv-author${a.author.role === 'resident' ? ' pv-resident' : ''}`} id={`${base}-by`}>{authorLine(t, a)}</span>
        <DomainSelect item={a} id={`${base}-domain`} compact />
        {role === 'professional' && (
          <div className="pv-deviation">
            <label className="pv-check">
              <input type="checkbox" checked={a.deviation} disabled={readOnly} data-testid="pv-deviation"
                onChange={(e) => { const on = e.currentTarget.checked; patch({ deviation: on }) }} />
              {t('deviation')}
            </label>
            {a.deviation && (
              <>
                <label className="pv-field pv-compact">
                  <span>{t('pv_deviationRule')}</span>
                  <DraftInput type="text" value={a.deviationRule} maxLength={MAX_LONG_FIELD_CHARS} readOnly={readOnly}
                    onCommit={(v) => patch({ deviationRule: v })} />
                </label>
                <label className="pv-field pv-compact">
                  <span>{t('pv_deviationMotivation')}</span>
                  <DraftInput type="text" value={a.deviationMotivation} maxLength={MAX_LONG_FIELD_CHARS} readOnly={readOnly}
                    onCommit={(v) => patch({ deviationMotivation: v })} />
                </label>
              </>
            )}
          </div>
        )}
      </td>
      <td data-label={t('pv_actionWho')}>
        <DraftInput type="text" aria-label={cellLabel('pv_actionWho')} value={a.owner} maxLength={MAX_PERSON_NAME_CHARS}
          readOnly={readOnly} testId="pv-action-owner" onCommit={(v) => patch({ owner: v })} />
      </td>
      <td data-label={t('pv_actionOrg')}>
        <DraftInput type="text" aria-label={cellLabel('pv_actionOrg')} value={a.ownerOrg} maxLength={MAX_SHORT_FIELD_CHARS}
          readOnly={readOnly} testId="pv-action-org" onCommit={(v) => patch({ ownerOrg: v })} />
      </td>
      <td data-label={t('pv_actionDue')}>
        <DraftInput type="date" aria-label={cellLabel('pv_actionDue')} value={a.due} readOnly={readOnly} testId="pv-action-due"
          onCommit={(v) => { if (v === '' || ISO_DATE.test(v)) patch({ due: v }) }} />
      </td>
      <td data-label={t('pv_actionStatus')}>
        <select aria-label={cellLabel('pv_actionStatus')} value={a.status} disabled={readOnly} data-testid="pv-action-status"
          onChange={(e) => { const v = e.currentTarget.value; if (isActionStatus(v)) patch({ status: v }) }}>
          {ACTION_STATUSES.map((s) => <option key={s} value={s}>{t(`status_${s}` as MessageKey)}</option>)}
        </select>
      </td>
      {!readOnly && (
        <td data-label="">
          {canDeleteItem(role, a) && (
            <DeleteControl label={`${t('pv_delete')}: ${itemName(t, a)}`} confirm question={t('pv_deleteActionAsk')} testId="pv-delete"
              onDelete={() => removeItem(ctx, a)} />
          )}
        </td>
      )}
    </tr>
  )
}

/** Someone else's action for a reader who may not change it: every cell as text, no controls. */
function LockedActionRow({ action: a }: { action: ItemFields }) {
  const ctx = usePlanView()
  const { t, locale, domains } = ctx
  const base = `pv-action-${a.id}`
  const domain = domains.find((d) => d.id === a.domainId)
  const due = ISO_DATE.test(a.due)
    ? new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${a.due}T00:00:00Z`))
    : ''
  return (
    <tr data-testid="pv-action" data-item-id={a.id} data-locked="true" className={`pv-status-${a.status} pv-locked`}>
      <td data-label={t('pv_actionWhat')}>
        <p className="pv-text pv-text-locked" data-testid="pv-action-text" aria-describedby={`${base}-by ${base}-locked`}>
          {a.text || t('pv_noText')}
        </p>
        <span className={`pv-author${a.author.role === 'resident' ? ' pv-resident' : ''}`} id={`${base}-by`}>{authorLine(t, a)}</span>
        {domain && <span className="pv-field pv-compact">{t('pv_domain')}: {domainLabel(ctx, domain)}</span>}
        <span className="muted" id={`${base}-locked`} data-testid="pv-locked-note">{t('ru_notYoursShort')}</span>
      </td>
      <td data-label={t('pv_actionWho')} className="pv-cell-locked" data-testid="pv-action-owner">{a.owner}</td>
      <td data-label={t('pv_actionOrg')} className="pv-cell-locked" data-testid="pv-action-org">{a.ownerOrg}</td>
      <td data-label={t('pv_actionDue')} className="pv-cell-locked" data-testid="pv-action-due">{due}</td>
      <td data-label={t('pv_actionStatus')} className="pv-cell-locked" data-testid="pv-action-status">{t(`status_${a.status}` as MessageKey)}</td>
      <td data-label="" />
    </tr>
  )
}

/** Add an action: what, the domain (always chosen: a placeholder does not count), who, organisation, by when. */
function AddActionForm() {
  const ctx = usePlanView()
  const view = useMeetingView()
  const { t, doc, domains } = ctx
  const id = useId()
  const [what, setWhat] = useState('')
  const [domainId, setDomainId] = useState('')
  const [owner, setOwner] = useState('')
  const [org, setOrg] = useState('')
  const [due, setDue] = useState('')
  const [error, setError] = useState<'text' | 'domain' | null>(null)
  const whatRef = useRef<HTMLInputElement>(null)
  const domainRef = useRef<HTMLSelectElement>(null)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const text = what.trim()
    if (!text) { setError('text'); whatRef.current?.focus(); return }
    if (!domainId) { setError('domain'); domainRef.current?.focus(); return }
    const domain = domains.find((d) => d.id === domainId)
    const ok = ctx.write(() => doc.transact(() => {
      const itemId = addItem(doc, { kind: 'action', text, domainId, ...authorForNewItem(view) })
      updateItem(doc, itemId, { owner: owner.trim(), ownerOrg: org.trim(), due: ISO_DATE.test(due) ? due : '' })
    }))
    if (!ok) return
    setWhat(''); setOwner(''); setOrg(''); setDue(''); setError(null)
    ctx.notify({ text: fill(t('pv_addedNote'), { what: `${t('kind_action')}: ${text}`, domain: domain ? domainLabel(ctx, domain) : '' }) })
    whatRef.current?.focus()
  }
  return (
    <form className="pv-add pv-add-action" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="pv-add-action">
      <h3 id={`${id}-title`}>{t('pv_addAction')}</h3>
      <label className="pv-field" htmlFor={`${id}-what`}>
        <span>{t('pv_actionWhat')}</span>
        <input id={`${id}-what`} ref={whatRef} type="text" value={what} maxLength={MAX_ITEM_TEXT_CHARS} data-testid="pv-add-action-text"
          aria-invalid={error === 'text' || undefined} aria-describedby={error === 'text' ? `${id}-error` : undefined}
          onChange={(e) => { setWhat(e.currentTarget.value); setError(null) }} />
      </label>
      <label className="pv-field" htmlFor={`${id}-domain`}>
        <span>{t('pv_domain')}</span>
        <select id={`${id}-domain`} ref={domainRef} value={domainId} data-testid="pv-add-action-domain"
          aria-invalid={error === 'domain' || undefined} aria-describedby={error === 'domain' ? `${id}-error` : undefined}
          onChange={(e) => { setDomainId(e.currentTarget.value); setError(null) }}>
          <option value="">{t('pv_chooseDomain')}</option>
          {domains.map((d) => <option key={d.id} value={d.id}>{domainLabel(ctx, d)}</option>)}
        </select>
      </label>
      <label className="pv-field" htmlFor={`${id}-owner`}>
        <span>{t('pv_actionWho')}</span>
        <input id={`${id}-owner`} type="text" value={owner} maxLength={MAX_PERSON_NAME_CHARS} data-testid="pv-add-action-owner"
          onChange={(e) => setOwner(e.currentTarget.value)} />
      </label>
      <label className="pv-field" htmlFor={`${id}-org`}>
        <span>{t('pv_actionOrg')}</span>
        <input id={`${id}-org`} type="text" value={org} maxLength={MAX_SHORT_FIELD_CHARS} data-testid="pv-add-action-org"
          onChange={(e) => setOrg(e.currentTarget.value)} />
      </label>
      <label className="pv-field" htmlFor={`${id}-due`}>
        <span>{t('pv_actionDue')}</span>
        <input id={`${id}-due`} type="date" value={due} data-testid="pv-add-action-due" onChange={(e) => setDue(e.currentTarget.value)} />
      </label>
      <button type="submit" className="primary" data-testid="pv-add-action-submit">{t('pv_addAction')}</button>
      {error && <p id={`${id}-error`} className="error pv-error" role="alert">{t(error === 'text' ? 'pv_needText' : 'pv_needDomain')}</p>}
    </form>
  )
}
