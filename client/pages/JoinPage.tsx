/**
 * /join#<token>: the token leaves the address bar at once and is redeemed (in a POST body) for an
 * HttpOnly case session cookie; nothing of it is kept in the browser's storage. The invited
 * participant then gives their name and goes to the case's board. A resident
 * first reads, in plain words (B1), what is stored, who can see it, how long it is kept and whom to
 * ask — before anything they write is stored (docs/security.md says what the server does).
 */
import { useEffect, useState } from 'react'
import type { Me } from '../../shared/api.ts'
import { api } from '../api.ts'
import { useI18n } from '../i18n.ts'
import { rememberJoined, tokenFromHash } from '../identity.ts'
import { navigate } from '../router.ts'
import { NameForm } from '../components/NameForm.tsx'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'

export function JoinPage() {
  const { t } = useI18n()
  const [token] = useState(() => tokenFromHash(location.hash))
  const [state, setState] = useState<{ me: Me; title: string } | 'loading' | 'invalid'>('loading')
  useEffect(() => {
    // The token leaves the address bar at once (history, screen sharing).
    history.replaceState(null, '', '/join')
    if (!token) {
      setState('invalid')
      return
    }
    api.redeemInvite(token)
      .then(({ title, ...me }) => {
        if (me.scope !== 'case' || !me.caseId) throw new Error('not an invite')
        rememberJoined(me.caseId)
        setState({ me, title })
      })
      .catch(() => setState('invalid'))
  }, [token])

  return (
    <div className="page">
      <header className="topbar">
        <h1 className="brand">{t('appName')}</h1>
        <span className="spacer" />
        <LocaleSwitch />
      </header>
      <main className="narrow">
        {state === 'loading' && <p>{t('loading')}</p>}
        {state === 'invalid' && <p role="alert" className="error" data-testid="join-invalid">{t('joinInvalid')}</p>}
        {typeof state === 'object' && (
          <>
            <h2>{t('joinTitle')}</h2>
            <p className="case-name">{state.title}</p>
            <p>{t('joinExplain')}</p>
            {state.me.role === 'resident' && <PrivacyNote />}
            <NameForm
              autoFocus={state.me.role !== 'resident'}
              askOrg={state.me.role !== 'resident'}
              onDone={() => navigate(`/cases/${state.me.caseId}`, { replace: true })}
            />
          </>
        )}
      </main>
    </div>
  )
}

/** What is stored, who sees it, how long, whom to ask: four short parts, each under its own heading. */
function PrivacyNote() {
  const { t } = useI18n()
  return (
    <section className="join-privacy card" aria-labelledby="join-privacy-title" data-testid="join-privacy">
      <h3 id="join-privacy-title">{t('joinPrivacyTitle')}</h3>
      <h4>{t('joinStoredTitle')}</h4>
      <ul data-testid="join-stored">
        <li>{t('joinStored1')}</li>
        <li>{t('joinStored2')}</li>
        <li>{t('joinStored3')}</li>
      </ul>
      <h4>{t('joinWhoTitle')}</h4>
      <ul data-testid="join-who">
        <li>{t('joinWho1')}</li>
        <li>{t('joinWho2')}</li>
        <li>{t('joinWho3')}</li>
      </ul>
      <h4>{t('joinHowLongTitle')}</h4>
      <p data-testid="join-how-long">{t('joinHowLong')}</p>
      <h4>{t('joinAskTitle')}</h4>
      <p data-testid="join-ask">{t('joinAsk')}</p>
    </section>
  )
}
