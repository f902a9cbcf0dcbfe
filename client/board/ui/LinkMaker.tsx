/**
 * 'Verband leggen' from a card: first the kind (versterkt, veroorzaakt, helpt bij, blokkeert — no
 * default that pretends), then the other card: from a list grouped by life domain (keyboard), or
 * by clicking it on the board ('Kies op het bord'). Below: the card's links as sentences
 * ('Schulden versterkt Slaapproblemen'), each with a remove button for who may remove links
 * (../rights.ts: a professional; anyone who can write may make one).
 */
import { useState } from 'react'
import { addLink, deleteLink, listDomains, listItems, listLinks } from '../../../shared/doc.ts'
import { LINK_KINDS, isLinkKind, type ItemFields, type LinkKind } from '../../../shared/schema.ts'
import { fill, useI18n } from '../../i18n.ts'
import { useBoard, writeUi, type BoardContextValue } from '../context.ts'
import { useBoardUi } from './boardUi.ts'
import { domainLabel } from './domainLabel.ts'
import { mayChangeShared } from '../rights.ts'

const SHORT = 48

/** A card in a sentence or a list: its text, shortened; no text yet: its kind. */
export function cardName(item: Pick<ItemFields, 'text' | 'kind'>, ctx: Pick<BoardContextValue, 'strings'>): string {
  const text = item.text.trim().replace(/\s+/g, ' ')
  if (!text) return ctx.strings.kind[item.kind]
  return text.length > SHORT ? `${text.slice(0, SHORT - 1)}…` : text
}

export function LinkMaker({ item }: { item: ItemFields }) {
  const ctx = useBoard()
  const ui = useBoardUi()
  const { t } = useI18n()
  const s = ctx.strings
  const [kind, setKind] = useState<LinkKind | ''>(ui.picking?.fromId === item.id ? ui.picking.kind : '')
  const [target, setTarget] = useState('')
  const f = (name: string) => `kt-link-${name}-${item.id}`

  const items = listItems(ctx.doc)
  const byId = new Map(items.map((i) => [i.id, i]))
  const links = listLinks(ctx.doc).filter((l) => l.from === item.id || l.to === item.id)
  const others = items.filter((i) => i.id !== item.id)
  const groups = [
    ...listDomains(ctx.doc).map((d) => ({ id: d.id, label: domainLabel(d, ctx), items: others.filter((i) => i.domainId === d.id) })),
    { id: 'none', label: t('bd_noDomain'), items: others.filter((i) => !i.domainId || !listDomains(ctx.doc).some((d) => d.id === i.domainId)) },
  ].filter((g) => g.items.length > 0)

  const save = () => {
    if (!kind || !target) return
    if (writeUi(ctx, (doc) => addLink(doc, item.id, target, kind))) setTarget('')
  }
  const sentence = (from: string, k: LinkKind, to: string) => {
    const a = byId.get(from)
    const b = byId.get(to)
    return `${a ? cardName(a, ctx) : '?'} ${s.link[k]} ${b ? cardName(b, ctx) : '?'}`
  }
  const picking = ui.picking?.fromId === item.id

  return (
    <>
      {!ctx.readOnly && (
        <fieldset className="kt-linkmaker" data-testid="link-maker">
          <legend>{t('bd_linkMake')}</legend>
          <label htmlFor={f('kind')}>{s.linkKind}</label>
          <select id={f('kind')} data-testid="link-kind" value={kind}
            onChange={(e) => { const v = e.currentTarget.value; setKind(isLinkKind(v) ? v : '') }}>
            <option value="">{t('bd_linkKindChoose')}</option>
            {LINK_KINDS.map((k) => <option key={k} value={k}>{s.link[k]}</option>)}
          </select>
          <label htmlFor={f('target')}>{t('bd_linkTarget')}</label>
          <select id={f('target')} data-testid="link-target" value={target} disabled={!kind}
            aria-describedby={kind ? undefined : f('hint')} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">{t('bd_linkTargetChoose')}</option>
            {groups.map((g) => (
              <optgroup key={g.id} label={g.label}>
                {g.items.map((i) => <option key={i.id} value={i.id}>{`${s.kind[i.kind]}: ${cardName(i, ctx)}`}</option>)}
              </optgroup>
            ))}
          </select>
          {!kind && <p id={f('hint')} className="kt-hint">{t('bd_linkKindFirst')}</p>}
          <div className="kt-row">
            <button type="button" data-testid="link-save" disabled={!kind || !target} onClick={save}>{t('bd_linkSave')}</button>
            <button type="button" data-testid="link-pick" disabled={!kind} aria-pressed={picking}
              onClick={() => (picking ? ui.setPicking(null) : kind && ui.setPicking({ fromId: item.id, kind }))}>
              {picking ? t('bd_linkPickStop') : t('bd_linkPick')}
            </button>
          </div>
        </fieldset>
      )}
      <section className="kt-links" aria-labelledby={f('links')}>
        <h3 id={f('links')}>{t('bd_links')}</h3>
        {links.length === 0 ? (
          <p className="kt-hint">{t('bd_noLinks')}</p>
        ) : (
          <ul data-testid="card-links">
            {links.map((l) => {
              const text = sentence(l.from, l.kind, l.to)
              return (
                <li key={l.id} data-testid="card-link">
                  <span>{text}</span>
                  {!ctx.readOnly && mayChangeShared(ctx.me.role) && (
                    <button type="button" className="kt-quiet" aria-label={fill(t('bd_linkRemoveLabel'), { sentence: text })}
                      onClick={() => writeUi(ctx, (doc) => deleteLink(doc, l.id))}>
                      {t('bd_linkRemove')}
                    </button>
                  )}
                </li>
              )
            })}
          </ul>
        )}
      </section>
    </>
  )
}
