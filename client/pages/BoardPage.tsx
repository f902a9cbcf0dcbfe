/** One case: header (who is here, connection, invite), the board, and the plan panel. */
import { useEffect, useMemo, useState } from 'react'
import type { Me } from '../../shared/api.ts'
import { colorFor, type PresenceUser } from '../../shared/awareness.ts'
import { api } from '../api.ts'
import { useCaseConnection } from '../connection.ts'
import { useI18n, type MessageKey } from '../i18n.ts'
import { forgetInviteToken, loadIdentity, loadInviteToken, rememberNext, type Identity } from '../identity.ts'
import { PageShell } from '../components/PageShell.tsx'
import { ACCESS_PROBLEM_TEXT, accessProblem, type AccessProblem } from '../access.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { navigate } from '../router.ts'
import { Board } from '../board/Board.tsx'
import { ConnectionBadge } from '../components/ConnectionBadge.tsx'
import { InviteDialog } from '../components/InviteDialog.tsx'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { NameForm } from '../components/NameForm.tsx'
import { PlanPanel } from '../components/PlanPanel.tsx'
import { PresenceList } from '../components/PresenceList.tsx'
import { SnapshotPanel } from '../components/SnapshotPanel.tsx'
import { ExportImageButton } from '../components/ExportImage.tsx'
import type { Editor } from 'tldraw'

export function BoardPage({ caseId, licenseKey }: { caseId: string; licenseKey?: string }) {
  const { t } = useI18n()
  const [token, setToken] = useState(() => loadInviteToken(caseId))
  const [inviteExpired, setInviteExpired] = useState(false)
  const [access, setAccess] = useState<{ me: Me; title: string } | { problem: AccessProblem } | 'loading'>('loading')
  const [attempt, setAttempt] = useState(0)
  const [identity, setIdentity] = useState<Identity | null>(loadIdentity)

  useEffect(() => {
    let live = true
    setAccess('loading')
    Promise.all([api.me(token), api.getCase(caseId, token)])
      .then(([me, c]) => { if (live) setAccess({ me, title: c.title }) })
      .catch((err: unknown) => {
        if (!live) return
        const problem = accessProblem(err, token !== null)
        if (problem === 'expired') {
          // A dead invite is of no use any more: forget it and try once more with the session
          // cookie (a professional may have both); without a session, say the invite expired.
          forgetInviteToken(caseId)
          setInviteExpired(true)
          setToken(null)
          return
        }
        setAccess({ problem: problem === 'login' && inviteExpired ? 'expired' : problem })
      })
    return () => { live = false }
  }, [caseId, token, attempt, inviteExpired])

  if (access === 'loading') return <PageShell><p className="centered">{t('loading')}</p></PageShell>
  if ('problem' in access) {
    return (
      <PageShell>
        <main className="centered">
          <p role="alert" className="error" data-testid="access-problem" data-problem={access.problem}>{t(ACCESS_PROBLEM_TEXT[access.problem])}</p>
          {access.problem === 'offline' && <button type="button" className="primary" onClick={() => setAttempt((n) => n + 1)}>{t('retry')}</button>}
          {access.problem === 'login' && (
            <button type="button" className="primary" onClick={() => { rememberNext(`/cases/${caseId}`); navigate('/') }}>{t('loginButton')}</button>
          )}
          {(access.problem === 'forbidden' || access.problem === 'notFound') && (
            <button type="button" onClick={() => navigate('/')}>{t('toHome')}</button>
          )}
        </main>
      </PageShell>
    )
  }
  if (!identity) {
    return (
      <PageShell>
        <main className="narrow">
          <h2 className="case-name">{access.title}</h2>
          <p>{t('nameExplain')}</p>
          <NameForm askOrg={access.me.role !== 'resident'} onDone={setIdentity} />
        </main>
      </PageShell>
    )
  }
  return <LiveBoard caseId={caseId} token={token} me={access.me} title={access.title} identity={identity} licenseKey={licenseKey} />
}

function LiveBoard(props: { caseId: string; token: string | null; me: Me; title: string; identity: Identity; licenseKey?: string }) {
  const { caseId, token, me, title, identity, licenseKey } = props
  const { t, locale } = useI18n()
  const conn = useCaseConnection(caseId, token)
  const [inviting, setInviting] = useState(false)
  const [tab, setTab] = useState<'plan' | 'snapshots'>('plan')
  const [editor, setEditor] = useState<Editor | null>(null)
  const user: PresenceUser = useMemo(
    () => ({ name: identity.name, org: identity.org, role: me.role, color: colorFor(`${identity.name}|${identity.org}|${me.role}`) }),
    [identity.name, identity.org, me.role],
  )
  useEffect(() => {
    conn?.provider.awareness.setLocalStateField('user', user)
  }, [conn?.provider, user])
  useEffect(() => {
    document.title = `${title} — Keukentafel`
    return () => { document.title = 'Keukentafel' }
  }, [title])

  const readOnly = !me.canWrite
  return (
    <div className="board-page">
      <header className="topbar board-topbar">
        <div className="topbar-row">
          {me.scope === 'org' && (
            <a href="/" className="back" onClick={(e) => { e.preventDefault(); navigate('/') }}>← {t('backToCases')}</a>
          )}
          <h1 className="case-title" data-testid="case-title" title={title}>{title}</h1>
          {readOnly && <span className="badge">{t('readOnlyNote')}</span>}
          <span className="spacer" />
          <ConnectionBadge state={conn?.state ?? 'connecting'} />
          {me.scope === 'org' && me.role === 'professional' && !conn?.fatalCode && (
            <button type="button" data-testid="invite-button" onClick={() => setInviting(true)}>{t('invite')}</button>
          )}
          <LocaleSwitch />
        </div>
        {!conn?.fatalCode && (
          <div className="topbar-row subbar">
            <span className="present-label" aria-hidden="true">{t('present')}:</span>
            {conn && <PresenceList awareness={conn.provider.awareness} />}
            {me.scope === 'org' && (
              <a className="button-link" href="/review" onClick={(e) => { e.preventDefault(); navigate('/review') }} data-testid="review-link">{t('reviewButton')}</a>
            )}
            <a className="button-link" href={`/cases/${caseId}/print`} target="_blank" rel="noopener" data-testid="print-link">{t('printButton')}</a>
            <ExportImageButton editor={editor} title={title} />
          </div>
        )}
      </header>
      {conn?.fatalCode ? (
        <main className="centered">
          <p role="alert" className="error" data-testid="fatal-error" data-code={conn.fatalCode}>{fatalMessage(conn.fatalCode, t)}</p>
          {NO_RELOAD.includes(conn.fatalCode) ? (
            me.scope === 'org' && <button type="button" onClick={() => navigate('/')}>{t('toHome')}</button>
          ) : (
            <button type="button" className="primary" onClick={() => location.reload()}>{t('reload')}</button>
          )}
        </main>
      ) : !conn || !conn.synced ? (
        <p className="centered">{t('loading')}</p>
      ) : (
        <div className="board-layout">
          <div className="board-area">
            <Board doc={conn.doc} awareness={conn.provider.awareness} me={user} readOnly={readOnly} locale={locale} licenseKey={licenseKey} onEditor={setEditor} />
          </div>
          <div className="side-column">
            <div className="tabs" role="tablist">
              <button type="button" role="tab" aria-selected={tab === 'plan'} onClick={() => setTab('plan')} data-testid="tab-plan">{t('tabPlan')}</button>
              <button type="button" role="tab" aria-selected={tab === 'snapshots'} onClick={() => setTab('snapshots')} data-testid="tab-snapshots">{t('tabSnapshots')}</button>
            </div>
            {tab === 'plan' ? (
              <PlanPanel doc={conn.doc} readOnly={readOnly} />
            ) : (
              <SnapshotPanel caseId={caseId} token={token} canSave={me.canWrite && me.role === 'professional'} savedBy={identity.name} />
            )}
          </div>
        </div>
      )}
      {inviting && <InviteDialog caseId={caseId} onClose={() => setInviting(false)} />}
    </div>
  )
}

/** Final close codes where reloading cannot help (only a new link, login or another case can). */
const NO_RELOAD: readonly number[] = [CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.CaseNotFound, CloseCode.CaseErased, CloseCode.CaseTooLarge, CloseCode.CaseDamaged]

function fatalMessage(code: number, t: (k: MessageKey) => string): string {
  const key = `fatal_${code}` as MessageKey
  return key in { fatal_4400: 1, fatal_4401: 1, fatal_4403: 1, fatal_4404: 1, fatal_4410: 1, fatal_4413: 1, fatal_4414: 1, fatal_4422: 1, fatal_4426: 1, fatal_4429: 1 } ? t(key) : `${t('error')} (${code})`
}
