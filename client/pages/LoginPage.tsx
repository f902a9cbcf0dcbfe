/**
 * Signing in with a personal account: user name, password and the code from the authenticator
 * app, in ONE step (the server gives one answer for any wrong part, so the form never tells which
 * part was wrong). When the installation has the municipality's identity provider, a button
 * 'Inloggen via …' goes there instead.
 */
import { useState, type FormEvent } from 'react'
import { api, ApiFailure } from '../api.ts'
import { accountApi } from '../accountApi.ts'
import { errorMessage } from '../access.ts'
import { fill, useI18n, type MessageKey, type T } from '../i18n.ts'
import './accounts.css'

const CODE = /^\d{6}$/
const OIDC_ERRORS = ['oidc_failed', 'oidc_no_role', 'oidc_disabled']

/** Why a sign-in through the identity provider failed (`/?login_error=<code>`), read once: the address is cleaned. */
function takeLoginError(): MessageKey | null {
  const code = new URLSearchParams(location.search).get('login_error')
  if (code === null) return null
  history.replaceState(null, '', location.pathname)
  return OIDC_ERRORS.includes(code) ? (`loginError_${code}` as MessageKey) : 'loginError_oidc_failed'
}

export function Login({ onLoggedIn, oidc }: { onLoggedIn: () => void; oidc: { name: string } | null }) {
  const { t } = useI18n()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [oidcError] = useState(takeLoginError)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const c = code.replace(/\s/g, '')
    if (c && !CODE.test(c)) {
      setError(t('codeFormat'))
      return
    }
    setBusy(true)
    setError(null)
    try {
      await api.login({ username: username.trim(), password, ...(c ? { code: c } : {}) })
      onLoggedIn()
    } catch (err) {
      setError(loginError(err, t))
      // A code counts once: the next try needs the next one.
      setCode('')
    } finally {
      setBusy(false)
    }
  }
  return (
    <main className="narrow">
      <h2>{t('loginTitle')}</h2>
      <p>{t('loginExplain')}</p>
      {oidcError && !error && <p role="alert" className="error" data-testid="login-oidc-error">{t(oidcError)}</p>}
      {oidc && (
        <>
          <p><a className="button-link primary-link" href={accountApi.oidcLoginUrl} data-testid="login-oidc">{fill(t('loginOidc'), { name: oidc.name })}</a></p>
          <p>{t('loginOr')}</p>
        </>
      )}
      <form className="card form" onSubmit={submit} data-testid="login-form">
        <label>
          {t('usernameLabel')}
          <input name="username" required autoFocus autoComplete="username" autoCapitalize="none" spellCheck={false}
            value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          {t('passwordLabel')}
          <input name="password" type="password" required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label>
          {t('codeLabel')}
          <input name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} aria-describedby="login-code-help"
            value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <span id="login-code-help" className="muted field-help">{t('codeHelp')}</span>
        {error && <p role="alert" className="error" data-testid="login-error">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{t('loginButton')}</button>
      </form>
    </main>
  )
}

/** Any wrong part gets the same plain words; anything else (a lock-out, old keys) the words for its code. */
export function loginError(err: unknown, t: T): string {
  if (!(err instanceof ApiFailure) || err.status === 0) return t('offline')
  if (err.status === 401 || err.status === 403) return t('wrongKey')
  return errorMessage(err, t)
}
