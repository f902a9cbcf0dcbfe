/**
 * /activate#<token>: a new (or reset) account is set up by its owner. The token leaves the address
 * bar at once (history, screen sharing) and travels only in POST bodies. The page shows whose
 * account it is, the authenticator app's QR code (drawn here, from the otpauth:// URI: nothing goes
 * to another site) with the secret to type in, asks the password twice and the first code, and
 * lands signed in on the start page.
 */
import { useEffect, useState, type FormEvent } from 'react'
import QRCode from 'qrcode'
import { MIN_PASSWORD_CHARS } from '../../shared/api.ts'
import { accountApi, type ActivationStarted } from '../accountApi.ts'
import { ApiFailure } from '../api.ts'
import { errorMessage } from '../access.ts'
import { fill, useI18n, type T } from '../i18n.ts'
import { tokenFromHash } from '../identity.ts'
import { navigate } from '../router.ts'
import { PageShell } from '../components/PageShell.tsx'
import './accounts.css'

export function ActivatePage() {
  const { t } = useI18n()
  const [token] = useState(() => tokenFromHash(location.hash))
  const [state, setState] = useState<ActivationStarted | 'loading' | 'invalid' | { error: string }>('loading')
  useEffect(() => {
    history.replaceState(null, '', '/activate')
    if (!token) {
      setState('invalid')
      return
    }
    accountApi.startActivation(token).then(setState, (err: unknown) => {
      setState(err instanceof ApiFailure && err.status === 401 ? 'invalid' : { error: errorMessage(err, t) })
    })
  }, [token]) // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <PageShell>
      <main className="narrow">
        <h1>{t('ac_actTitle')}</h1>
        {state === 'loading' && <p>{t('loading')}</p>}
        {state === 'invalid' && <p role="alert" className="error" data-testid="activate-invalid">{t('ac_actInvalid')}</p>}
        {typeof state === 'object' && 'error' in state && <p role="alert" className="error">{state.error}</p>}
        {typeof state === 'object' && 'username' in state && token && <ActivateForm token={token} started={state} />}
      </main>
    </PageShell>
  )
}

function ActivateForm({ token, started }: { token: string; started: ActivationStarted }) {
  const { t } = useI18n()
  const [password, setPassword] = useState('')
  const [password2, setPassword2] = useState('')
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const mfa = started.totpUri !== null
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const c = code.replace(/\s/g, '')
    const problem = passwordProblem(password, password2, started.username, t) ?? (mfa && !/^\d{6}$/.test(c) ? t('codeFormat') : null)
    setError(problem)
    if (problem || busy) return
    setBusy(true)
    try {
      await accountApi.completeActivation(token, password, mfa ? c : null)
      navigate('/', { replace: true })
    } catch (err) {
      setError(activationError(err, t))
      setCode('')
      setBusy(false)
    }
  }
  return (
    <>
      <p data-testid="activate-for">{fill(t('ac_actFor'), { name: started.displayName, username: started.username })}</p>
      <form className="card form" onSubmit={submit} data-testid="activate-form">
        {mfa && <TotpSetup uri={started.totpUri as string} secret={started.totpSecret ?? ''} />}
        <h2>{mfa ? t('ac_actStep2') : t('ac_actStep2').replace(/^2\. /, '')}</h2>
        <p className="muted" id="activate-pw-help">{fill(t('ac_actPasswordHelp'), { n: MIN_PASSWORD_CHARS })}</p>
        {/* The user name helps password managers store the new password under the right name. */}
        <input type="text" name="username" autoComplete="username" value={started.username} readOnly hidden />
        <label>
          {t('ac_actPassword')}
          <input type="password" required minLength={MIN_PASSWORD_CHARS} autoComplete="new-password" aria-describedby="activate-pw-help"
            value={password} onChange={(e) => setPassword(e.target.value)} data-testid="activate-password" />
        </label>
        <label>
          {t('ac_actPassword2')}
          <input type="password" required autoComplete="new-password" value={password2} onChange={(e) => setPassword2(e.target.value)}
            data-testid="activate-password2" />
        </label>
        {mfa && (
          <>
            <h2>{t('ac_actStep3')}</h2>
            <label>
              {t('codeLabel')}
              <input inputMode="numeric" autoComplete="one-time-code" maxLength={7} required value={code}
                onChange={(e) => setCode(e.target.value)} data-testid="activate-code" />
            </label>
          </>
        )}
        {error && <p role="alert" className="error" data-testid="activate-error">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{t('ac_actSubmit')}</button>
      </form>
    </>
  )
}

/** The QR code for the authenticator app, and the same secret as text to type in (in groups of four). */
function TotpSetup({ uri, secret }: { uri: string; secret: string }) {
  const { t } = useI18n()
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    QRCode.toDataURL(uri, { margin: 2, width: 220, errorCorrectionLevel: 'M' }).then((url) => { if (live) setSrc(url) }, () => {})
    return () => { live = false }
  }, [uri])
  return (
    <section aria-labelledby="activate-step1" className="totp-setup">
      <h2 id="activate-step1">{t('ac_actStep1')}</h2>
      <p>{t('ac_actStep1Explain')}</p>
      {src && <img src={src} width={220} height={220} alt={t('ac_actQrAlt')} data-testid="totp-qr" />}
      <p>
        {t('ac_actSecret')}:{' '}
        <code className="totp-secret" data-testid="totp-secret">{secret.match(/.{1,4}/g)?.join(' ') ?? secret}</code>
      </p>
    </section>
  )
}

/** The password rules the server checks too, said before sending. */
export function passwordProblem(password: string, again: string, username: string, t: T): string | null {
  if (password.length < MIN_PASSWORD_CHARS) return fill(t('ac_pwTooShort'), { n: MIN_PASSWORD_CHARS })
  if (password.toLowerCase().includes(username.toLowerCase())) return t('ac_pwHasName')
  if (password !== again) return t('ac_pwMismatch')
  return null
}

/** 401: the link no longer works; 400: the code (the password rules are checked before sending). */
function activationError(err: unknown, t: T): string {
  if (err instanceof ApiFailure && err.status === 401) return t('ac_actInvalid')
  if (err instanceof ApiFailure && err.status === 400) return err.message.startsWith('password:') ? t('ac_pwHasName') : t('ac_codeWrong')
  return errorMessage(err, t)
}
