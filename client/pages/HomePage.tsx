/**
 * The start: the login (LoginPage.tsx) until someone is signed in, then what their account is for:
 * for professionals and coordinators the case list with 'new case' (search, the open / archived /
 * all filter, the team filter, archive and reopen, erase after typing the case's title); for
 * administrators 'Beheer' (AdminPage.tsx); for the data-protection officer the log export.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react'
import './caseList.css'
import type { CaseSummary, Me, TeamInfo } from '../../shared/api.ts'
import { MAX_TITLE_CHARS } from '../../shared/limits.ts'
import { DEFAULT_TEMPLATE_ID, type LifeDomainTemplate } from '../../shared/templates.ts'
import { api, type ClientConfig } from '../api.ts'
import { fill, formatDate, formatDateTime, useI18n, type Locale } from '../i18n.ts'
import { navigate } from '../router.ts'
import { errorMessage } from '../access.ts'
import { takeNext } from '../identity.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { AccountBar } from '../components/AccountBar.tsx'
import { Login } from './LoginPage.tsx'
import { AdminPanel, AuditExport } from '../lazyPages.tsx'

export { loginError } from './LoginPage.tsx'

export function HomePage({ config }: { config: ClientConfig | null }) {
  const { t } = useI18n()
  const [me, setMe] = useState<Me | null | 'unknown'>('unknown')
  const refresh = () => api.me().then((m) => setMe(m.scope === 'org' ? m : null), () => setMe(null))
  useEffect(() => {
    void refresh()
  }, [])
  // A coordinator's work is the review: they land there after logging in.
  // Someone who had to log in on the way to a case goes on to that case.
  const afterLogin = () => api.me().then((m) => {
    const next = m.scope === 'org' ? takeNext() : null
    if (next) navigate(next, { replace: true })
    else if (m.role === 'coordinator') navigate('/review')
    else setMe(m.scope === 'org' ? m : null)
  }, () => setMe(null))
  return (
    <div className="page">
      <header className="topbar">
        <h1 className="brand">{t('appName')}</h1>
        <span className="tagline">{t('tagline')}</span>
        <span className="spacer" />
        <LocaleSwitch />
        {me && me !== 'unknown' && <AccountBar account={me.account} />}
      </header>
      {me === 'unknown' ? <p className="centered">{t('loading')}</p> : me ? <SignedIn me={me} /> : <Login onLoggedIn={afterLogin} oidc={config?.oidc ?? null} />}
    </div>
  )
}

/** What the start page shows a signed-in account: by what the account is for. */
function SignedIn({ me }: { me: Me }) {
  if (me.principal === 'admin') return <AdminPanel me={me} />
  if (me.principal === 'dpo') return <AuditExport />
  return <CaseList me={me} />
}

/** Newest case first (the server sends them so; this keeps it so whatever the order). */
export function newestFirst<C extends { createdAt: string }>(cases: C[]): C[] {
  return [...cases].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
}

/** Which cases the list shows: open ones (the default), archived ones, or all. */
export type CaseFilter = 'open' | 'archived' | 'all'

/**
 * The cases matching a search and a filter. Filtered in the browser, over the list the API
 * returns: fine up to a few thousand cases (the whole list is loaded anyway). The search looks in
 * the title and in the created and last-changed dates as the page writes them (long, medium,
 * with time) and as YYYY-MM-DD.
 */
export function filterCases<C extends CaseSummary>(cases: C[], query: string, filter: CaseFilter, locale: Locale): C[] {
  const words = query.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean)
  return cases.filter((c) => {
    if (filter === 'open' && c.archivedAt) return false
    if (filter === 'archived' && !c.archivedAt) return false
    if (words.length === 0) return true
    const dates = [c.createdAt, c.updatedAt].flatMap((d) => [formatDate(locale, d), formatDate(locale, d, 'medium'), formatDateTime(locale, d), d.slice(0, 10)])
    const hay = [c.title, ...dates].join(' \u0000 ').toLocaleLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

function CaseList({ me }: { me: Me }) {
  const { t, locale } = useI18n()
  const [cases, setCases] = useState<CaseSummary[] | null>(null)
  const [templates, setTemplates] = useState<LifeDomainTemplate[]>([])
  const [title, setTitle] = useState('')
  const [template, setTemplate] = useState(DEFAULT_TEMPLATE_ID)
  const [error, setError] = useState<string | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  const [query, setQuery] = useState('')
  const [filter, setFilter] = useState<CaseFilter>('open')
  const [team, setTeam] = useState('')
  const [done, setDone] = useState<string | null>(null)
  const [rowError, setRowError] = useState<string | null>(null)
  const [erasing, setErasing] = useState<CaseSummary | null>(null)
  const searchRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    api.cases().then((l) => setCases(newestFirst(l)), (e: unknown) => setListError(errorMessage(e, t)))
    api.templates().then(setTemplates, () => {})
  }, [])
  const [busy, setBusy] = useState(false)
  const create = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    setError(null)
    setBusy(true)
    try {
      const c = await api.createCase(title.trim(), template)
      navigate(`/cases/${c.id}`)
    } catch (err) {
      setError(errorMessage(err, t))
      setBusy(false)
    }
  }
  const replace = (c: CaseSummary) => setCases((l) => l && l.map((x) => (x.id === c.id ? c : x)))
  const setArchived = async (c: CaseSummary, archive: boolean) => {
    setDone(null)
    setRowError(null)
    try {
      replace(await (archive ? api.archiveCase(c.id) : api.reopenCase(c.id)))
      setDone(fill(t(archive ? 'cm_archivedDone' : 'cm_reopenedDone'), { title: c.title }))
      // The row may leave the list: keep the keyboard user's place in a stable spot.
      searchRef.current?.focus()
    } catch (err) {
      setRowError(errorMessage(err, t))
    }
  }
  const erased = (c: CaseSummary) => {
    setErasing(null)
    setCases((l) => l && l.filter((x) => x.id !== c.id))
    setDone(fill(t('cm_erasedDone'), { title: c.title }))
    searchRef.current?.focus()
  }
  const canCreate = me.role === 'professional'
  const noTeam = canCreate && me.account !== null && me.account.team === null
  const teams = teamsOf(cases ?? [])
  const shown = cases ? filterCases(cases, query, filter, locale).filter((c) => !team || c.team?.id === team) : []
  return (
    <main className="narrow wide">
      <h2>{t('casesTitle')}</h2>
      {me.role === 'coordinator' && <p className="note">{t('readOnlyNote')}</p>}
      <p>
        <a href="/review" className={me.role === 'coordinator' ? 'button-link primary-link' : undefined}
          onClick={(e) => { e.preventDefault(); navigate('/review') }} data-testid="review-link">{t('reviewLink')}</a>
      </p>
      {listError ? (
        <p role="alert" className="error">{listError}</p>
      ) : cases === null ? (
        <p>{t('loading')}</p>
      ) : cases.length === 0 ? (
        <p className="empty" data-testid="cases-empty">{t(me.role === 'professional' ? 'casesEmpty' : 'casesEmptyReadOnly')}</p>
      ) : (
        <>
          <div className="case-filters" role="search">
            <label>
              {t('cm_search')}
              <input ref={searchRef} type="search" value={query} onChange={(e) => setQuery(e.target.value)}
                aria-describedby="case-search-help" data-testid="case-search" />
              <span id="case-search-help" className="muted">{t('cm_searchHelp')}</span>
            </label>
            <label>
              {t('cm_filter')}
              <select value={filter} onChange={(e) => setFilter(e.target.value as CaseFilter)} data-testid="case-filter">
                <option value="open">{t('cm_filterOpen')}</option>
                <option value="archived">{t('cm_filterArchived')}</option>
                <option value="all">{t('cm_filterAll')}</option>
              </select>
            </label>
            {teams.length > 1 && <TeamSelect teams={teams} value={team} onChange={setTeam} />}
          </div>
          <p className="muted" role="status" data-testid="case-count">{fill(t('cm_shown'), { shown: shown.length, total: cases.length })}</p>
          <div role="status" data-testid="case-done">{done && <p className="note">{done}</p>}</div>
          {rowError && <p role="alert" className="error">{rowError}</p>}
          {shown.length === 0 ? (
            <p className="empty" data-testid="cases-no-match">{t('cm_noMatch')}</p>
          ) : (
            <ul className="case-list" data-testid="case-list">
              {shown.map((c) => (
                <li key={c.id} data-testid="case-row" data-case-id={c.id} data-archived={c.archivedAt ? 'true' : 'false'}>
                  <div className="case-row-main">
                    <a href={`/cases/${c.id}`} onClick={(e) => { e.preventDefault(); navigate(`/cases/${c.id}`) }}>
                      <strong>{c.title}</strong>
                    </a>
                    {c.archivedAt && <span className="badge">{fill(t('cm_archivedOn'), { date: formatDate(locale, c.archivedAt, 'medium') })}</span>}
                  </div>
                  <span className="muted">
                    {templates.find((x) => x.id === c.template)?.name[locale] ?? c.template} · {t('cm_created')} {formatDate(locale, c.createdAt, 'medium')} · {t('lastChanged')} {formatDateTime(locale, c.updatedAt)}
                  </span>
                  {(c.team || c.owner) && (
                    <span className="muted" data-testid="case-team">
                      {[c.team && fill(t('ac_caseTeam'), { team: c.team.name }), c.owner && fill(t('ac_caseOwner'), { name: c.owner.displayName })].filter(Boolean).join(' · ')}
                    </span>
                  )}
                  {c.erasesAt && <p className="badge" role="note" data-testid="case-erases-at">{fill(t('cm_erasesAt'), { date: formatDate(locale, c.erasesAt) })}</p>}
                  {canCreate && (
                    <div className="case-row-actions">
                      {c.archivedAt ? (
                        <button type="button" onClick={() => void setArchived(c, false)} aria-label={fill(t('cm_reopenLabel'), { title: c.title })} data-testid="case-reopen">{t('cm_reopen')}</button>
                      ) : (
                        <button type="button" onClick={() => void setArchived(c, true)} aria-label={fill(t('cm_archiveLabel'), { title: c.title })} data-testid="case-archive">{t('cm_archive')}</button>
                      )}
                      <button type="button" className="case-erase" onClick={() => { setDone(null); setErasing(c) }} aria-label={fill(t('cm_eraseLabel'), { title: c.title })} data-testid="case-erase">{t('cm_erase')}</button>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {erasing && <EraseDialog item={erasing} onErased={erased} onCancel={() => setErasing(null)} />}
      {noTeam && <p className="note" data-testid="no-team">{t('ac_noTeamNote')}</p>}
      {canCreate && !noTeam && (
        <form className="card form" onSubmit={create} data-testid="new-case-form">
          <h3>{t('newCase')}</h3>
          <label>
            {t('caseTitleLabel')}
            <input required maxLength={MAX_TITLE_CHARS} value={title} onChange={(e) => setTitle(e.target.value)} data-testid="new-case-title" />
          </label>
          <fieldset>
            <legend>{t('templateLabel')}</legend>
            {templates.map((tpl) => (
              <label key={tpl.id} className="choice">
                <input type="radio" name="template" value={tpl.id} checked={template === tpl.id} onChange={() => setTemplate(tpl.id)} />
                <span>
                  <strong>{tpl.name[locale]}</strong>
                  <span className="muted"> — {tpl.description[locale]}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {error && <p role="alert" className="error">{error}</p>}
          <button type="submit" className="primary" disabled={busy}>{t('createCase')}</button>
        </form>
      )}
    </main>
  )
}

/** The teams of these cases, each once, by name. */
export function teamsOf(cases: { team: TeamInfo | null }[]): TeamInfo[] {
  const byId = new Map<string, TeamInfo>()
  for (const c of cases) if (c.team) byId.set(c.team.id, c.team)
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name))
}

/** 'Welk team': every team, or one (shown only when the cases belong to more than one team). */
export function TeamSelect({ teams, value, onChange }: { teams: TeamInfo[]; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n()
  return (
    <label>
      {t('ac_teamFilter')}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="team-filter">
        <option value="">{t('ac_teamFilterAll')}</option>
        {teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
      </select>
    </label>
  )
}

/** Spaces and case do not count when typing the title to confirm. */
function sameTitle(a: string, b: string): boolean {
  const norm = (x: string) => x.trim().replace(/\s+/g, ' ').toLocaleLowerCase()
  return norm(a) === norm(b)
}

/**
 * Erase a case, after typing its title. A modal <dialog>: the rest of the page is inert while it
 * is open (focus stays inside), Escape cancels, and focus returns to where it was on closing.
 */
function EraseDialog({ item, onErased, onCancel }: { item: CaseSummary; onErased: (c: CaseSummary) => void; onCancel: () => void }) {
  const { t } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  const [typed, setTyped] = useState('')
  const [tried, setTried] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (ref.current && !ref.current.open) ref.current.showModal()
  }, [])
  const matches = sameTitle(typed, item.title)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (!matches || busy) return
    setBusy(true)
    setError(null)
    try {
      await api.eraseCase(item.id)
      onErased(item)
    } catch (err) {
      setError(errorMessage(err, t))
      setBusy(false)
    }
  }
  return (
    <dialog ref={ref} className="dialog" onClose={onCancel} aria-labelledby="erase-title" aria-describedby="erase-explain" data-testid="erase-dialog">
      <h2 id="erase-title">{t('cm_eraseTitle')}</h2>
      <p id="erase-explain">{t('cm_eraseExplain')}</p>
      <form className="form" onSubmit={submit}>
        <p>{fill(t('cm_eraseType'), { title: item.title })}</p>
        <label>
          {t('cm_eraseTypeLabel')}
          <input autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false}
            aria-invalid={tried && !matches} aria-describedby={tried && !matches ? 'erase-mismatch' : undefined} data-testid="erase-type" />
        </label>
        {tried && !matches && <p id="erase-mismatch" className="error" role="alert">{t('cm_eraseMismatch')}</p>}
        {error && <p role="alert" className="error">{error}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={() => ref.current?.close()} data-testid="erase-cancel">{t('cm_eraseCancel')}</button>
          <button type="submit" className="danger" disabled={busy} data-testid="erase-confirm">{t('cm_eraseConfirm')}</button>
        </div>
      </form>
    </dialog>
  )
}
