/**
 * The plan view: an accessible HTML view of the live case document, beside the board (and the
 * main view on a phone or at 200 % zoom). Everything the board can do can be done here by
 * keyboard alone: add to a domain, edit in place, choose the domain, link, mark stress factor or
 * signal, set an action's status and date, delete with undo, restore from 'Verwijderd'.
 * Others' changes are announced politely, summarised, in one live region.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { itemsInDomain, listDeletedItems, listDomains, listItems, listLinks, readMeta } from '../../shared/doc.ts'
import { getTemplate } from '../../shared/templates.ts'
import { useI18n } from '../i18n.ts'
import { useMeetingView } from '../meeting/view.ts'
import { ActionsTable } from './ActionsTable.tsx'
import { DeletedList } from './DeletedList.tsx'
import { DomainSection } from './DomainSection.tsx'
import { LinksSection } from './LinksSection.tsx'
import { PlanFields } from './PlanFields.tsx'
import { useRemoteChanges } from './announce.ts'
import { PlanViewContext, type Notice, type PlanViewContextValue } from './context.ts'
import { useDocVersion } from '../useDocVersion.ts'
import './plan.css'

export interface PlanViewProps {
  doc: Y.Doc
  /** Names the people whose changes are announced; without it they are 'iemand anders'. */
  awareness?: Awareness | null
  readOnly: boolean
  /** How long the document must be quiet before others' changes are told (ms). */
  announceQuietMs?: number
}

export function PlanView({ doc, awareness, readOnly, announceQuietMs }: PlanViewProps) {
  const { t, locale } = useI18n()
  const view = useMeetingView()
  useDocVersion(doc)
  const [notice, setNotice] = useState<Notice | null>(null)
  const undoRef = useRef<HTMLButtonElement>(null)
  const noticeRef = useRef<HTMLDivElement>(null)
  const [error, setError] = useState(false)
  const remote = useRemoteChanges(doc, awareness, t, locale, announceQuietMs)

  const write = useCallback((fn: () => void) => {
    if (readOnly) return false
    try {
      fn()
      setError(false)
      return true
    } catch {
      setError(true)
      return false
    }
  }, [readOnly])
  const notify = useCallback((n: Notice) => setNotice(n), [])
  useEffect(() => {
    if (!notice) return
    if (notice.undo) undoRef.current?.focus()
    // A notice goes after a while (undo stays longer); never while the focus is on its button.
    // What was deleted stays restorable from 'Verwijderd'.
    const timer = setInterval(() => {
      if (!noticeRef.current?.contains(document.activeElement)) setNotice(null)
    }, notice.undo ? 30_000 : 8000)
    return () => clearInterval(timer)
  }, [notice])

  const templateId = readMeta(doc).templateId
  const template = useMemo(() => getTemplate(templateId) ?? null, [templateId])
  const domains = listDomains(doc)
  const items = listItems(doc)
  const deleted = listDeletedItems(doc)
  const links = listLinks(doc)
  const actions = items.filter((i) => i.kind === 'action').sort((a, b) => (a.due || '9999') < (b.due || '9999') ? -1 : (a.due || '9999') > (b.due || '9999') ? 1 : a.createdAt - b.createdAt)
  const unassigned = itemsInDomain(doc, null)
  const ctx: PlanViewContextValue = {
    doc, readOnly, role: view.me.role, residentMode: view.residentMode, t, locale, domains, template,
    me: { name: view.me.name, org: view.me.org, role: view.me.role }, notify, write,
  }

  return (
    <PlanViewContext.Provider value={ctx}>
      <section className={`plan-view${view.residentMode ? ' pv-resident-mode' : ''}`} aria-label={t('pv_title')} id="plan-view" tabIndex={-1} data-testid="plan-view">
        <div className="pv-status">
          <p className="pv-live" role="status" aria-live="polite" data-testid="pv-live">{remote}</p>
          <div className="pv-notice" role="status" data-testid="pv-notice" ref={noticeRef}>
            {notice && (
              <>
                <span>{notice.text}</span>
                {notice.undo && (
                  <button type="button" ref={undoRef} data-testid="pv-undo"
                    onClick={() => { const u = notice.undo!; setNotice(null); u() }}>
                    {t('pv_undo')}
                  </button>
                )}
              </>
            )}
          </div>
          {error && <p className="error" role="alert">{t('saveFailed')}</p>}
        </div>

        <section className="pv-section" aria-labelledby="pv-h-goal">
          <h2 id="pv-h-goal">{t('pv_goalSection')}</h2>
          <PlanFields />
        </section>

        <section className="pv-section" aria-labelledby="pv-h-domains">
          <h2 id="pv-h-domains">{t('pv_domains')}</h2>
          {domains.map((d) => <DomainSection key={d.id} domain={d} items={itemsInDomain(doc, d.id)} />)}
          {unassigned.length > 0 && <DomainSection domain={null} items={unassigned} />}
        </section>

        <section className="pv-section" aria-labelledby="pv-h-actions">
          <h2 id="pv-h-actions">{t('pv_actions')}</h2>
          <ActionsTable actions={actions} />
        </section>

        <section className="pv-section" aria-labelledby="pv-h-links">
          <h2 id="pv-h-links">{t('pv_links')}</h2>
          <LinksSection links={links} items={items} />
        </section>

        <section className="pv-section" aria-labelledby="pv-h-deleted">
          <h2 id="pv-h-deleted">{t('pv_deletedTitle')}</h2>
          <p className="help">{t('pv_deletedHelp')}</p>
          <DeletedList items={deleted} />
        </section>
      </section>
    </PlanViewContext.Provider>
  )
}
