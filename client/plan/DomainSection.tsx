/**
 * One life domain in the plan view (h3): its score where the template has a scale, its problems,
 * wishes, strengths and notes (h4 lists), its actions by name (they are edited in the table),
 * and a form to add to exactly this domain. Only a professional changes a domain's score (the
 * server refuses a resident's change to a life domain): for others it is shown, not offered.
 */
import { useId, useRef, useState, type FormEvent } from 'react'
import { addItem, updateDomain } from '../../shared/doc.ts'
import { MAX_ITEM_TEXT_CHARS } from '../../shared/limits.ts'
import type { DomainFields, ItemFields, ItemKind } from '../../shared/schema.ts'
import { authorForNewItem, useMeetingView } from '../meeting/view.ts'
import { fill, type MessageKey } from '../i18n.ts'
import { ItemRow } from './ItemRow.tsx'
import { domainLabel, itemText, usePlanView } from './context.ts'

const GROUPS: readonly ItemKind[] = ['problem', 'wish', 'strength', 'note']

export function DomainSection({ domain, items }: { domain: DomainFields | null; items: ItemFields[] }) {
  const ctx = usePlanView()
  const { t, template, readOnly, doc, locale, role } = ctx
  const scoreLocked = readOnly || role !== 'professional'
  const headingId = useId()
  const label = domain ? domainLabel(ctx, domain) : t('pv_noDomain')
  const actions = items.filter((i) => i.kind === 'action')
  return (
    <section className="pv-domain" aria-labelledby={headingId} data-testid="pv-domain" data-domain-id={domain?.id ?? ''}>
      <h3 id={headingId}>{label}</h3>
      {domain && template?.scale && (
        <label className="pv-field pv-score">
          <span>{ctx.residentMode ? t('pv_scoreResident') : t('scores')}</span>
          <select
            data-testid="plan-score" disabled={scoreLocked} value={domain.score ?? ''}
            onChange={(e) => { const v = e.currentTarget.value; ctx.write(() => updateDomain(doc, domain.id, { score: v ? Number(v) : null })) }}
          >
            <option value="">{t('scoreNone')}</option>
            {template.scale.map((s) => <option key={s.value} value={s.value}>{s.value} {s[locale]}</option>)}
          </select>
        </label>
      )}
      {items.length === 0 && <p className="empty">{t('pv_emptyDomain')}</p>}
      {GROUPS.map((kind) => {
        const list = items.filter((i) => i.kind === kind)
        if (!list.length) return null
        return (
          <div key={kind} className="pv-group">
            <h4>{t(`pv_group_${kind}` as MessageKey)}</h4>
            <ul className="pv-items">{list.map((i, n) => <ItemRow key={i.id} item={i} prev={list[n - 1]} next={list[n + 1]} />)}</ul>
          </div>
        )
      })}
      {actions.length > 0 && (
        <p className="pv-actions-here">{fill(t('pv_actionsHere'), { list: actions.map((a) => itemText(t, a, 40)).join('; ') })}</p>
      )}
      {domain && !readOnly && <AddForm domain={domain} label={label} />}
    </section>
  )
}

/** Add an item to this domain: kind, text, Enter. The author comes from the meeting view. */
function AddForm({ domain, label }: { domain: DomainFields; label: string }) {
  const ctx = usePlanView()
  const view = useMeetingView()
  const { t, doc } = ctx
  const id = useId()
  const [kind, setKind] = useState<ItemKind>('problem')
  const [text, setText] = useState('')
  const [error, setError] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const kinds: ItemKind[] = ctx.residentMode ? ['problem', 'wish', 'strength', 'action'] : ['problem', 'wish', 'strength', 'action', 'note']
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const value = text.trim()
    if (!value) {
      setError(true)
      input.current?.focus()
      return
    }
    const ok = ctx.write(() => addItem(doc, { kind, text: value, domainId: domain.id, ...authorForNewItem(view) }))
    if (!ok) return
    setText('')
    setError(false)
    ctx.notify({ text: fill(t('pv_addedNote'), { what: `${t(`kind_${kind}` as MessageKey)}: ${value}`, domain: label }) })
    input.current?.focus()
  }
  return (
    <form className="pv-add" onSubmit={submit} aria-label={fill(t('pv_addTo'), { domain: label })} data-testid="pv-add-form">
      <label className="pv-field" htmlFor={`${id}-kind`}>
        <span>{t('pv_addKind')}</span>
        <select id={`${id}-kind`} value={kind} data-testid="pv-add-kind" onChange={(e) => setKind(e.currentTarget.value as ItemKind)}>
          {kinds.map((k) => <option key={k} value={k}>{t(`kind_${k}` as MessageKey)}</option>)}
        </select>
      </label>
      <label className="pv-field pv-grow" htmlFor={`${id}-text`}>
        <span>{t('pv_addText')}</span>
        <input
          id={`${id}-text`} ref={input} type="text" value={text} maxLength={MAX_ITEM_TEXT_CHARS} data-testid="pv-add-text"
          aria-invalid={error || undefined} aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => { setText(e.currentTarget.value); setError(false) }}
        />
      </label>
      <button type="submit" className="primary" data-testid="pv-add-submit">{t('pv_add')}</button>
      {error && <p id={`${id}-error`} className="error pv-error" role="alert">{t('pv_needText')}</p>}
    </form>
  )
}
