/** The start: login for professionals, then the case list with 'new case'. */
import { useEffect, useState, type FormEvent } from 'react'
import type { CaseSummary, Me } from '../../shared/api.ts'
import { MAX_TITLE_CHARS } from '../../shared/limits.ts'
import { DEFAULT_TEMPLATE_ID, type LifeDomainTemplate } from '../../shared/templates.ts'
import { api, ApiFailure } from '../api.ts'
import { useI18n } from '../i18n.ts'
import { navigate } from '../router.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'

export function HomePage() {
  const { t } = useI18n()
  const [me, setMe] = useState<Me | null | 'unknown'>('unknown')
  const refresh = () => api.me().then((m) => setMe(m.scope === 'org' ? m : null), () => setMe(null))
  useEffect(() => {
    void refresh()
  }, [])
  // A coordinator's work is the review: they land there after logging in.
  const afterLogin = () => api.me().then((m) => {
    if (m.role === 'coordinator') navigate('/review')
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
      setError(err instanceof ApiFailure && err.status !== 0 ? err.message : t('offline'))
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

function CaseList({ me }: { me: Me }) {
  const { t, locale } = useI18n()
  const [cases, setCases] = useState<CaseSummary[] | null>(null)
  const [templates, setTemplates] = useState<LifeDomainTemplate[]>([])
  const [title, setTitle] = useState('')
  const [template, setTemplate] = useState(DEFAULT_TEMPLATE_ID)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api.cases().then(setCases, (e: unknown) => setError(e instanceof Error ? e.message : String(e)))
    api.templates().then(setTemplates, () => {})
  }, [])
  const create = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      const c = await api.createCase(title.trim(), template)
      navigate(`/cases/${c.id}`)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }
  const dateFmt = new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })
  const canCreate = me.role === 'professional'
  return (
    <main className="narrow wide">
      <h2>{t('casesTitle')}</h2>
      {me.role === 'coordinator' && <p className="note">{t('readOnlyNote')}</p>}
      <p>
        <a href="/review" className={me.role === 'coordinator' ? 'button-link primary-link' : undefined}
          onClick={(e) => { e.preventDefault(); navigate('/review') }} data-testid="review-link">{t('reviewLink')}</a>
      </p>
      {cases === null ? (
        <p>{t('loading')}</p>
      ) : cases.length === 0 ? (
        <p className="empty">{t('casesEmpty')}</p>
      ) : (
        <ul className="case-list" data-testid="case-list">
          {cases.map((c) => (
            <li key={c.id}>
              <a href={`/cases/${c.id}`} onClick={(e) => { e.preventDefault(); navigate(`/cases/${c.id}`) }}>
                <strong>{c.title}</strong>
              </a>
              <span className="muted">
                {templates.find((x) => x.id === c.template)?.name[locale] ?? c.template} · {t('lastChanged')} {dateFmt.format(new Date(c.updatedAt))}
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
          <button type="submit" className="primary">{t('createCase')}</button>
        </form>
      )}
    </main>
  )
}
