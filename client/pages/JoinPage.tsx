/** /join#<token>: an invited participant gives their name and goes to the case's board. */
import { useEffect, useState } from 'react'
import type { Me } from '../../shared/api.ts'
import { api } from '../api.ts'
import { useI18n } from '../i18n.ts'
import { saveInviteToken, tokenFromHash } from '../identity.ts'
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
    api.me(token)
      .then(async (me) => {
        if (me.scope !== 'case' || !me.caseId) throw new Error('not an invite')
        const c = await api.getCase(me.caseId, token)
        setState({ me, title: c.title })
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
            <NameForm
              askOrg={state.me.role !== 'resident'}
              onDone={() => {
                saveInviteToken(state.me.caseId as string, token as string)
                navigate(`/cases/${state.me.caseId}`, { replace: true })
              }}
            />
          </>
        )}
      </main>
    </div>
  )
}
