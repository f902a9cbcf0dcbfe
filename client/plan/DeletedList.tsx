/**
 * 'Verwijderd': every deleted item with who deleted it and when, and 'Terugzetten' for everyone
 * who can write — whoever deleted it. Nothing is lost. A professional may also remove an item for
 * good ('Definitief verwijderen', asked twice): e.g. something written about the resident that
 * should never have been stored.
 */
import { useState } from 'react'
import { purgeItem, restoreItem } from '../../shared/doc.ts'
import type { ItemFields } from '../../shared/schema.ts'
import { fill } from '../i18n.ts'
import { focusItem } from './ItemRow.tsx'
import { itemName, usePlanView } from './context.ts'

export function DeletedList({ items }: { items: ItemFields[] }) {
  const ctx = usePlanView()
  const { t, locale, readOnly, doc } = ctx
  const [confirming, setConfirming] = useState<string | null>(null)
  if (items.length === 0) return <p className="empty">{t('pv_deletedEmpty')}</p>
  const when = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'medium', timeStyle: 'short' })
  return (
    <ul className="pv-deleted" data-testid="pv-deleted">
      {items.map((i) => {
        const name = itemName(t, i)
        const by = i.deletedBy ? (i.deletedBy.name || t('pv_residentAuthor')) : '?'
        return (
          <li key={i.id} data-testid="pv-deleted-item" data-item-id={i.id}>
            <span className="pv-deleted-what">{name}</span>
            <span className="muted">{fill(t('pv_deletedBy'), { name: by, date: i.deletedAt ? when.format(i.deletedAt) : '' })}</span>
            {!readOnly && (
              <button type="button" aria-label={fill(t('pv_restoreLabel'), { what: name })} data-testid="pv-restore"
                onClick={() => {
                  if (ctx.write(() => restoreItem(doc, i.id))) {
                    ctx.notify({ text: fill(t('pv_restoredNote'), { what: name }) })
                    focusItem(i.id)
                  }
                }}>
                {t('pv_restore')}
              </button>
            )}
            {!readOnly && ctx.role === 'professional' && (confirming === i.id ? (
              <span className="pv-confirm" role="group" aria-label={t('pv_purgeConfirm')}>
                <span>{t('pv_purgeConfirm')}</span>
                <button type="button" className="danger" data-testid="pv-purge-yes"
                  onClick={() => {
                    setConfirming(null)
                    if (ctx.write(() => purgeItem(doc, i.id))) ctx.notify({ text: fill(t('pv_purgedNote'), { what: name }) })
                  }}>{t('pv_purgeYes')}</button>
                <button type="button" autoFocus onClick={() => setConfirming(null)}>{t('pv_purgeNo')}</button>
              </span>
            ) : (
              <button type="button" aria-label={fill(t('pv_purgeLabel'), { what: name })} data-testid="pv-purge"
                onClick={() => setConfirming(i.id)}>{t('pv_purge')}</button>
            ))}
          </li>
        )
      })}
    </ul>
  )
}
