/**
 * Links ('verbanden') as sentences — 'Schulden versterkt Slaapproblemen' — each with its kind
 * and a remove button, and a form of three labelled selects (from, kind, to) to make one. Anyone
 * who can write adds links; only a professional changes or removes one (the server refuses a
 * resident's), so for a resident the links are sentences only.
 */
import { useId, useState, type FormEvent } from 'react'
import { addLink, deleteLink, setLinkKind } from '../../shared/doc.ts'
import { LINK_KINDS, isLinkKind, type ItemFields, type LinkFields, type LinkKind } from '../../shared/schema.ts'
import { fill, type MessageKey, type T } from '../i18n.ts'
import { domainLabel, itemName, itemText, usePlanView } from './context.ts'

export function linkSentence(t: T, link: Pick<LinkFields, 'kind'>, from: Pick<ItemFields, 'text'>, to: Pick<ItemFields, 'text'>): string {
  return `${itemText(t, from)} ${t(`link_${link.kind}` as MessageKey)} ${itemText(t, to)}`
}

export function LinksSection({ links, items }: { links: LinkFields[]; items: ItemFields[] }) {
  const ctx = usePlanView()
  const { t, doc, readOnly, role } = ctx
  const canChange = !readOnly && role === 'professional'
  const byId = new Map(items.map((i) => [i.id, i]))
  return (
    <>
      {links.length === 0 ? (
        <p className="empty">{t('pv_noLinks')}</p>
      ) : (
        <ul className="pv-links" data-testid="pv-links">
          {links.map((l) => {
            const from = byId.get(l.from)
            const to = byId.get(l.to)
            if (!from || !to) return null
            const sentence = linkSentence(t, l, from, to)
            return (
              <li key={l.id} data-testid="pv-link" data-link-id={l.id}>
                <span className="pv-sentence" data-testid="pv-link-sentence">
                  <strong>{itemText(t, from)}</strong> {t(`link_${l.kind}` as MessageKey)} <strong>{itemText(t, to)}</strong>
                </span>
                {canChange && (
                  <span className="pv-link-controls">
                    <select aria-label={`${t('linkKind')} — ${sentence}`} value={l.kind}
                      onChange={(e) => { const k = e.currentTarget.value; if (isLinkKind(k)) ctx.write(() => setLinkKind(doc, l.id, k)) }}>
                      {LINK_KINDS.map((k) => <option key={k} value={k}>{t(`link_${k}` as MessageKey)}</option>)}
                    </select>
                    <button type="button" aria-label={fill(t('pv_linkRemoveLabel'), { sentence })}
                      onClick={() => ctx.write(() => deleteLink(doc, l.id))}>{t('pv_linkRemove')}</button>
                  </span>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {!readOnly && <AddLinkForm items={items} />}
    </>
  )
}

function AddLinkForm({ items }: { items: ItemFields[] }) {
  const ctx = usePlanView()
  const { t, doc, domains } = ctx
  const id = useId()
  const [from, setFrom] = useState('')
  const [kind, setKind] = useState<LinkKind>('reinforces')
  const [to, setTo] = useState('')
  const [error, setError] = useState(false)
  if (items.length < 2) return <p className="help">{t('pv_linkNeedsTwo')}</p>
  const domainOf = (i: ItemFields) => {
    const d = domains.find((x) => x.id === i.domainId)
    return d ? domainLabel(ctx, d) : t('pv_noDomain')
  }
  const options = items.map((i) => <option key={i.id} value={i.id}>{`${itemName(t, i)} — ${domainOf(i)}`}</option>)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const a = items.find((i) => i.id === from)
    const b = items.find((i) => i.id === to)
    if (!a || !b || a.id === b.id) { setError(true); return }
    if (!ctx.write(() => addLink(doc, a.id, b.id, kind))) return
    setFrom(''); setTo(''); setError(false)
    ctx.notify({ text: fill(t('pv_linkAdded'), { sentence: linkSentence(t, { kind }, a, b) }) })
  }
  return (
    <form className="pv-add pv-add-link" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="pv-add-link">
      <h3 id={`${id}-title`}>{t('pv_linkAdd')}</h3>
      <label className="pv-field" htmlFor={`${id}-from`}>
        <span>{t('pv_linkFrom')}</span>
        <select id={`${id}-from`} value={from} data-testid="pv-link-from" aria-invalid={(error && !from) || undefined}
          onChange={(e) => { setFrom(e.currentTarget.value); setError(false) }}>
          <option value="">{t('pv_linkChoose')}</option>
          {options}
        </select>
      </label>
      <label className="pv-field" htmlFor={`${id}-kind`}>
        <span>{t('linkKind')}</span>
        <select id={`${id}-kind`} value={kind} data-testid="pv-link-kind"
          onChange={(e) => { const k = e.currentTarget.value; if (isLinkKind(k)) setKind(k) }}>
          {LINK_KINDS.map((k) => <option key={k} value={k}>{t(`link_${k}` as MessageKey)}</option>)}
        </select>
      </label>
      <label className="pv-field" htmlFor={`${id}-to`}>
        <span>{t('pv_linkTo')}</span>
        <select id={`${id}-to`} value={to} data-testid="pv-link-to" aria-invalid={(error && !to) || undefined}
          onChange={(e) => { setTo(e.currentTarget.value); setError(false) }}>
          <option value="">{t('pv_linkChoose')}</option>
          {options}
        </select>
      </label>
      <button type="submit" className="primary" data-testid="pv-link-submit">{t('pv_linkAdd')}</button>
      {error && <p className="error pv-error" role="alert">{t('pv_linkNeedBoth')}</p>}
    </form>
  )
}
