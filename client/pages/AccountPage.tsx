/**
 * /account, 'Mijn account': who you are signed in as, whether signing in asks a code from the
 * authenticator app, and your personal API tokens — make one (shown once, with where it goes:
 * the `Authorization: Bearer` header, never a URL), see them, revoke one.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { Me } from '../../shared/api.ts'
import { api } from '../api.ts'
import { accountApi, type ApiTokenCreated, type ApiTokenListed } from '../accountApi.ts'
import { errorMessage } from '../access.ts'
import { countText, fill, formatDateTime, useI18n } from '../i18n.ts'
import { navigate } from '../router.ts'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { AccountBar } from '../components/AccountBar.tsx'
import { CopyField } from '../components/CopyField.tsx'
import { roleName } from '../components/AccountTable.tsx'
import { useLoad } from '../views/caseData.ts'
import './accounts.css'

export function AccountPage() {
  const { t } = useI18n()
  const me = useLoad(() => api.me(), [])
  return (
    <div className="page">
      <header className="topbar">
        <a href="/" className="back" onClick={(e) => { e.preventDefault(); navigate('/') }}>← {t('toHome')}</a>
        <span className="brand" aria-hidden="true">{t('appName')}</span>
        <span className="spacer" />
        <LocaleSwitch />
        {me.state === 'ok' && <AccountBar account={me.value.account} />}
      </header>
      <main className="narrow">
        <h1>{t('ac_accountTitle')}</h1>
        {me.state === 'loading' && <p>{t('loading')}</p>}
        {me.state === 'error' && <p role="alert" className="error">{me.message}</p>}
        {me.state === 'ok' && <AccountDetails me={me.value} />}
      </main>
    </div>
  )
}

function AccountDetails({ me }: { me: Me }) {
  const { t } = useI18n()
  const a = me.account
  if (!a) return <p className="error" role="alert">{t('needLogin')}</p>
  return (
    <>
      <section className="card" data-testid="account-details">
        <p><strong>{a.displayName}</strong></p>
        <p>{fill(t('ac_username'), { username: a.username })}</p>
        <p>{fill(t('ac_roleTeam'), { role: roleName(t, a.role), team: a.team?.name ?? t('ac_noTeam') })}</p>
        <p data-testid="account-mfa" data-mfa={a.totp ? 'on' : 'off'}>{a.external ? t('ac_external') : a.totp ? t('ac_mfaOn') : t('ac_mfaOff')}</p>
      </section>
      <ApiTokens />
    </>
  )
}

const TOKEN_DAYS = [30, 90, 180, 365]

function ApiTokens() {
  const { t, locale } = useI18n()
  const [tokens, setTokens] = useState<ApiTokenListed[] | null>(null)
  const [label, setLabel] = useState('')
  const [days, setDays] = useState(90)
  const [created, setCreated] = useState<ApiTokenCreated | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const reload = useCallback(async () => {
    try {
      setTokens(await accountApi.tokens())
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }, [t])
  useEffect(() => { void reload() }, [reload])
  const create = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    setDone(null)
    try {
      setCreated(await accountApi.createToken(label.trim(), days))
      setLabel('')
      await reload()
    } catch (err) {
      setError(errorMessage(err, t))
    }
  }
  const revoke = async (tok: ApiTokenListed) => {
    setError(null)
    try {
      await accountApi.revokeToken(tok.id)
      if (created?.id === tok.id) setCreated(null)
      setDone(t('ac_tokenRevokedDone'))
      await reload()
    } catch (err) {
      setError(errorMessage(err, t))
    }
  }
  const now = Date.now()
  return (
    <section className="card form" aria-labelledby="tokens-title" data-testid="api-tokens">
      <h2 id="tokens-title">{t('ac_tokensTitle')}</h2>
      <p className="muted">{t('ac_tokensExplain')}</p>
      <form className="form" onSubmit={create}>
        <label>
          {t('ac_tokenLabel')}
          <input required maxLength={80} value={label} onChange={(e) => setLabel(e.target.value)} autoComplete="off" data-testid="token-label" />
        </label>
        <label>
          {t('ac_tokenDays')}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="token-days">
            {TOKEN_DAYS.map((d) => <option key={d} value={d}>{countText(locale, 'days', d)}</option>)}
          </select>
        </label>
        <div><button type="submit" className="primary" data-testid="token-create">{t('ac_tokenCreate')}</button></div>
      </form>
      {created && (
        <div className="issued form" data-testid="token-created">
          <p>{t('ac_tokenOnce')}</p>
          <CopyField key={created.id} value={created.token} label={t('ac_tokenValue')} testId="token" />
        </div>
      )}
      <p role="status" className={done ? 'ok' : 'visually-hidden'}>{done ?? ''}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {tokens === null ? <p className="muted">{t('loading')}</p> : tokens.length === 0 ? <p className="empty">{t('ac_tokensNone')}</p> : (
        <ul className="snapshot-list" data-testid="token-list">
          {tokens.map((tok) => {
            const expired = Date.parse(tok.expiresAt) <= now
            return (
              <li key={tok.id} data-testid="token-row" data-status={tok.revokedAt ? 'revoked' : expired ? 'expired' : 'active'}>
                <span>
                  <strong>{tok.label}</strong>
                  {' · '}{fill(t('ac_tokenMeta'), { created: formatDateTime(locale, tok.createdAt), expires: formatDateTime(locale, tok.expiresAt) })}
                </span>
                <span className={tok.revokedAt || expired ? 'error' : 'muted'}>
                  {tok.revokedAt ? fill(t('ac_tokenRevoked'), { date: formatDateTime(locale, tok.revokedAt) })
                    : expired ? t('ac_tokenExpired')
                    : tok.lastUsedAt ? fill(t('ac_tokenUsed'), { date: formatDateTime(locale, tok.lastUsedAt) }) : t('ac_tokenNeverUsed')}
                </span>
                {!tok.revokedAt && !expired && (
                  <div className="snapshot-actions">
                    <button type="button" onClick={() => void revoke(tok)} data-testid="token-revoke"
                      aria-label={fill(t('ac_tokenRevokeLabel'), { label: tok.label })}>{t('ac_tokenRevoke')}</button>
                  </div>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
