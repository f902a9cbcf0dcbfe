/** The start: login for professionals, then the case list with 'new case'. */
import { useEffect, useState, type FormEvent } from 'react'
import type { CaseSummary, Me } from '../../shared/api.ts'
import { MAX_TITLE_CHARS } from '../../shared/limits.ts'
import { DEFAULT_TEMPLATE_ID, type LifeDomainTemplate } from '../../shared/templates.ts'
import { api, ApiFailure } from '../api.ts'
import { formatDateTime, useI18n, type T } from '../i18n.ts'
import { navigate } from '../router.ts'
import { errorMessage } from '../access.ts'
import { takeNext } from '../identity.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'

export function HomePage() {
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
        {me && me !== 'unknown' && (
          <button type="button" onClick={() => api.logout().finally(() => setMe(null))}>{t('logout')}</button>
        )}
      </header>
      {me === 'unknown' ? <p className="centered">{t('loading')}</p> : me ? <CaseList me={me} /> : <Login onLoggedIn={afterLogin} />}
    </div>
  )
}

function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const { t } = useI18n()
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await api.login(key.trim())
      onLoggedIn()
    } catch (err) {
      setError(loginError(err, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <main className="narrow">
      <h2>{t('loginTitle')}</h2>
      <p>{t('loginExplain')}</p>
      <form className="card form" onSubmit={submit}>
        <label>
          {t('keyLabel')}
          <input type="password" required autoFocus autoComplete="current-password" value={key} onChange={(e) => setKey(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{t('loginButton')}</button>
      </form>
    </main>
  )
}

/** A wrong key gets its own plain words; anything else the words for the server's error code. */
export function loginError(err: unknown, t: T): string {
  if (!(err instanceof ApiFailure) || err.status === 0) return t('offline')
  if (err.status === 401 || err.status === 403) return t('wrongKey')
  return errorMessage(err, t)
}

/** Newest case first (the server sends them so; this keeps it so whatever the order). */
export function newestFirst<C extends { createdAt: string }>(cases: C[]): C[] {
  return [...cases].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
}

function CaseList({ me }: { me: Me }) {
  const { t, locale } = useI18n()
  const [cases, setCases] = useState<CaseSummary[] | null>(null)
  const [templates, setTemplates] = useState<LifeDomainTemplate[]>([])
  const [title, setTitle] = useState('')
  const [template, setTemplate] = useState(DEFAULT_TEMPLATE_ID)
  const [error, setError] = useState<string | null>(null)
  const [listError, setListError] = useState<string | null>(null)
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
  const canCreate = me.role === 'professional'
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
        <ul className="case-list" data-testid="case-list">
          {cases.map((c) => (
            <li key={c.id}>
              <a href={`/cases/${c.id}`} onClick={(e) => { e.preventDefault(); navigate(`/cases/${c.id}`) }}>
                <strong>{c.title}</strong>
              </a>
              <span className="muted">
                {templates.find((x) => x.id === c.template)?.name[locale] ?? c.template} · {t('lastChanged')} {formatDateTime(locale, c.updatedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {canCreate && (
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
