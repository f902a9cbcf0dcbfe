/**
 * One case: header (who is here, connection, invite, resident mode, 'Inwoner aan het woord'), the
 * board and the plan view side by side on a wide screen, or the plan view as the main view with
 * the board one tab away on a phone or at 200 % zoom. Provides the meeting view (client/meeting).
 */
import { startTransition, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { Me } from '../../shared/api.ts'
import type { Role } from '../../shared/schema.ts'
import { colorFor, type PresenceUser } from '../../shared/awareness.ts'
import { loadBoard, takeCaseAccess } from '../casePrefetch.ts'
import { dropEarlyConnection, useCaseConnection } from '../connection.ts'
import { useI18n, type MessageKey } from '../i18n.ts'
import { hasJoined, loadIdentity, rememberNext, type Identity } from '../identity.ts'
import { PageShell } from '../components/PageShell.tsx'
import { ACCESS_PROBLEM_TEXT, accessProblem, type AccessProblem } from '../access.ts'
import { CloseCode } from '../../shared/closeCodes.ts'
import { navigate } from '../router.ts'
import { ConnectionBadge } from '../components/ConnectionBadge.tsx'
import { InviteDialog } from '../components/InviteDialog.tsx'
import { LocaleSwitch } from '../components/LocaleSwitch.tsx'
import { NameForm } from '../components/NameForm.tsx'
import { PlanView } from '../plan/PlanView.tsx'
import { Switch } from '../plan/Switch.tsx'
import { ViewTabs, type ViewTab } from '../plan/ViewTabs.tsx'
import { MeetingViewContext, type MeetingView } from '../meeting/view.ts'
import '../plan/page.css'
import { PresenceList } from '../components/PresenceList.tsx'
import { SnapshotPanel } from '../components/SnapshotPanel.tsx'
import { MeetingBar } from '../components/MeetingBar.tsx'
import { ExportImageButton } from '../components/ExportImage.tsx'
import { ArchivedBanner } from '../components/ArchivedBanner.tsx'
import type { Editor } from 'tldraw'

export function BoardPage({ caseId, licenseKey }: { caseId: string; licenseKey?: string }) {
  const { t } = useI18n()
  // The browser authenticates with cookies only (session, or this case's case session): no token.
  const token = null
  const [access, setAccess] = useState<{ me: CaseMe; title: string; archivedAt: string | null } | { problem: AccessProblem } | 'loading'>('loading')
  const [attempt, setAttempt] = useState(0)
  const [identity, setIdentity] = useState<Identity | null>(loadIdentity)

  useEffect(() => {
    let live = true
    setAccess('loading')
    // The first time, the check started with the page (client/casePrefetch.ts); a retry asks anew.
    takeCaseAccess(caseId)
      .then(([me, c]) => {
        if (!live) return
        // Administrators and data-protection officers have no role in a case's document.
        if (me.role === null) dropEarlyConnection(caseId)
        setAccess(me.role === null ? { problem: 'forbidden' } : { me: { ...me, role: me.role }, title: c.title, archivedAt: c.archivedAt ?? null })
      })
      .catch((err: unknown) => {
        if (!live) return
        // Without a valid session: a browser that joined this case by invite is told the
        // invitation is no longer valid; anyone else is asked to log in.
        dropEarlyConnection(caseId)
        const problem = accessProblem(err, false)
        setAccess({ problem: problem === 'login' && hasJoined(caseId) ? 'expired' : problem })
      })
    return () => { live = false }
  }, [caseId, attempt])

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
  return <LiveBoard caseId={caseId} token={token} me={access.me} title={access.title} archivedAt={access.archivedAt} identity={identity} licenseKey={licenseKey} />
}

/** Who is on the board: an access with a role in the case's document. */
type CaseMe = Me & { role: Role }

function LiveBoard(props: { caseId: string; token: string | null; me: CaseMe; title: string; archivedAt: string | null; identity: Identity; licenseKey?: string }) {
  const { caseId, token, me, title, archivedAt, identity, licenseKey } = props
  const { t, locale } = useI18n()
  const conn = useCaseConnection(caseId, token)
  const boardCode = useBoardCode(locale)
  const [inviting, setInviting] = useState(false)
  const wide = useMediaQuery(WIDE_LAYOUT)
  const [tab, setTab] = useState<BoardTab>('plan')
  const [editor, setEditor] = useState<Editor | null>(null)
  // Resident mode: on by default on a resident's link; a shared screen's choice lasts for this tab.
  const modeKey = `kt:residentMode:${caseId}`
  const [residentMode, setResidentModeState] = useState(() => readSession(modeKey) ?? me.role === 'resident')
  const setResidentMode = useCallback((on: boolean) => {
    setResidentModeState(on)
    try { sessionStorage.setItem(modeKey, on ? '1' : '0') } catch { /* storage off: the choice lasts until reload */ }
  }, [modeKey])
  const [residentSpeaking, setResidentSpeaking] = useState(false)
  // While this screen presents, the board gets the whole width (the side column folds away).
  const [presenting, setPresenting] = useState(false)
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
  const canSpeakForResident = me.role === 'professional' && me.canWrite
  const speaking = canSpeakForResident && residentSpeaking
  const view: MeetingView = useMemo(() => ({
    residentMode, setResidentMode, residentSpeaking: speaking, setResidentSpeaking,
    me: { name: identity.name, org: identity.org, role: me.role },
  }), [residentMode, setResidentMode, speaking, identity.name, identity.org, me.role])
  // The board is a tab of its own only in the narrow layout; in the wide one it is always there.
  const shown = wide && tab === 'board' ? 'plan' : tab
  const tabs: ViewTab<BoardTab>[] = [
    { key: 'plan' as const, label: t('pb_viewPlan'), testId: 'tab-plan' },
    ...(wide ? [] : [{ key: 'board' as const, label: t('pb_viewBoard'), testId: 'tab-board' }]),
    { key: 'snapshots' as const, label: t('tabSnapshots'), testId: 'tab-snapshots' },
  ]
  const live = conn && conn.synced && !conn.fatalCode ? conn : null
  // The board (tldraw) mounts after the page with the plan view is drawn (and once its code is
  // there): separate main-thread tasks instead of one long one when the document arrives, and
  // the canvas measures a page that is laid out already.
  const boardShown = useAfterPaint(!!live && !!boardCode && boardCode !== 'failed')
  const Board = boardCode && boardCode !== 'failed' ? boardCode.Board : null
  const board = live && (
    <div className="board-area">
      {boardShown && Board && (
        <Board doc={live.doc} awareness={live.provider.awareness} me={user} readOnly={readOnly} locale={locale} licenseKey={licenseKey} onEditor={setEditor} onPresentingChange={setPresenting} />
      )}
      {boardCode === 'failed' && (
        <p role="alert" className="error centered" data-testid="board-load-error">
          {t('error')} <button type="button" onClick={() => location.reload()}>{t('reload')}</button>
        </p>
      )}
    </div>
  )
  return (
    <MeetingViewContext.Provider value={view}>
      <div className={`board-page${residentMode ? ' resident-mode' : ''}${wide ? ' layout-wide' : ' layout-narrow'}`}>
        <a className="skip-link" href="#plan-view" onClick={(e) => {
          e.preventDefault()
          setTab('plan')
          requestAnimationFrame(() => document.getElementById('plan-view')?.focus())
        }}>{t('pb_skipToPlan')}</a>
        <header className="topbar board-topbar">
          <div className="topbar-row">
            {me.scope === 'org' && (
              <a href="/" className="back" onClick={(e) => { e.preventDefault(); navigate('/') }}>← {t('backToCases')}</a>
            )}
            <h1 className="case-title" data-testid="case-title" title={title}>{title}</h1>
            {readOnly && <span className="badge">{t('readOnlyNote')}</span>}
            {!conn?.fatalCode && (
              <MeetingBar caseId={caseId} token={token} awareness={conn?.provider.awareness ?? null} myName={identity.name} canRun={me.canWrite && me.role === 'professional'} />
            )}
            <span className="spacer" />
            <ConnectionBadge state={conn?.state ?? 'connecting'} />
            {me.scope === 'org' && me.role === 'professional' && !conn?.fatalCode && (
              <button type="button" data-testid="invite-button" onClick={() => setInviting(true)}>{t('invite')}</button>
            )}
            <LocaleSwitch />
          </div>
          {!conn?.fatalCode && (
            <Collapsible narrow={!wide} summary={t('pb_more')}>
            <div className="topbar-row subbar">
              <div className="presence-wrap">
                <span className="present-label" aria-hidden="true">{t('present')}:</span>
                {conn && <PresenceList awareness={conn.provider.awareness} />}
              </div>
              <div className="header-actions">
                <Switch on={residentMode} onChange={setResidentMode} label={t('pb_residentMode')} testId="resident-mode-switch" />
                {canSpeakForResident && (
                  <Switch on={speaking} onChange={setResidentSpeaking} label={t('pb_residentSpeaking')} testId="resident-speaking-switch" />
                )}
                {me.scope === 'org' && (
                  <a className="button-link" href="/review" onClick={(e) => { e.preventDefault(); navigate('/review') }} data-testid="review-link">{t('reviewButton')}</a>
                )}
                <a className="button-link" href={`/cases/${caseId}/print`} target="_blank" rel="noopener" data-testid="print-link">{t('printButton')}</a>
                {(wide || shown === 'board') && <ExportImageButton editor={editor} title={title} />}
              </div>
            </div>
            </Collapsible>
          )}
          <ArchivedBanner caseId={caseId} title={title} archivedAt={archivedAt} canReopen={me.role === 'professional'} token={token} />
          {speaking && (
            <p className="speaking-bar" data-testid="resident-speaking-bar">{t('pb_residentSpeakingBar')}</p>
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
        ) : !live ? (
          <main className="centered"><p>{t('loading')}</p></main>
        ) : (
          <main className="board-layout">
            {wide && board}
            <div className="side-column" hidden={wide && presenting}>
              <ViewTabs<BoardTab> tabs={tabs} selected={shown} onSelect={setTab} label={t('pb_views')} idPrefix="board-view" />
              <div className="side-panel" role="tabpanel" id="board-view-panel" aria-labelledby={`board-view-tab-${shown}`}>
                {shown === 'plan' ? (
                  <PlanView doc={live.doc} awareness={live.provider.awareness} readOnly={readOnly} />
                ) : shown === 'board' ? (
                  board
                ) : (
                  <SnapshotPanel caseId={caseId} token={token} canSave={me.canWrite && me.role === 'professional'} savedBy={identity.name} awareness={live.provider.awareness} />
                )}
              </div>
            </div>
          </main>
        )}
        {inviting && <InviteDialog caseId={caseId} onClose={() => setInviting(false)} />}
      </div>
    </MeetingViewContext.Provider>
  )
}

type BoardTab = 'plan' | 'board' | 'snapshots'

/**
 * On a phone the header's second row (who takes part, the view switches, review, print) folds
 * into one disclosure, so the plan starts near the top of the screen; on a wide screen it is open.
 */
function Collapsible({ narrow, summary, children }: { narrow: boolean; summary: string; children: ReactNode }) {
  if (!narrow) return <>{children}</>
  return (
    <details className="header-more" data-testid="header-more">
      <summary>{summary}</summary>
      {children}
    </details>
  )
}

/** Board and plan side by side from this width (CSS px); below it (phones, 200 % zoom) the plan view is the main view. */
const WIDE_LAYOUT = '(min-width: 1000px)'

type BoardModule = Awaited<ReturnType<typeof loadBoard>>

/**
 * The board's code (tldraw: a chunk of its own, started beside this page's, client/casePrefetch.ts),
 * or null while it loads. Not React.lazy: a lazy component suspends even when its code is there,
 * and React then holds the new content back for a moment. Once it is there, tldraw's interface
 * texts are asked for and the board's store schema is made in a task of its own (often while
 * the document is still on its way).
 */
function useBoardCode(locale: 'nl' | 'en'): BoardModule | 'failed' | null {
  const [code, setCode] = useState<BoardModule | 'failed' | null>(null)
  useEffect(() => {
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    loadBoard().then((m) => {
      if (!live) return
      setCode(m)
      m.preloadBoardTexts(locale)
      timer = setTimeout(m.boardSchema, 0)
    }, (err: unknown) => {
      console.warn('[board] code did not load', err)
      if (live) setCode('failed')
    })
    return () => {
      live = false
      if (timer !== undefined) clearTimeout(timer)
    }
  }, []) // eslint-disable-line react-hooks/exhaustive-deps -- the texts of the language shown first
  return code
}

/** True from the first task after the next frame was drawn once `on` is true (false again when it is not). */
function useAfterPaint(on: boolean): boolean {
  const [after, setAfter] = useState(false)
  useEffect(() => {
    if (!on) {
      setAfter(false)
      return
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    // requestAnimationFrame runs just before the frame is drawn; a timeout set there runs after it.
    // As a transition, React renders the new part in slices (only its commit is one task).
    const frame = requestAnimationFrame(() => { timer = setTimeout(() => startTransition(() => setAfter(true)), 0) })
    return () => {
      cancelAnimationFrame(frame)
      if (timer !== undefined) clearTimeout(timer)
    }
  }, [on])
  return on && after
}

function readSession(key: string): boolean | null {
  try {
    const v = sessionStorage.getItem(key)
    return v === '1' ? true : v === '0' ? false : null
  } catch {
    return null
  }
}

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => typeof window.matchMedia === 'function' ? window.matchMedia(query).matches : true)
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return
    const mq = window.matchMedia(query)
    const on = () => setMatches(mq.matches)
    on()
    mq.addEventListener('change', on)
    return () => mq.removeEventListener('change', on)
  }, [query])
  return matches
}

/** Final close codes where reloading cannot help (only a new link, login or another case can). */
const NO_RELOAD: readonly number[] = [CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.CaseNotFound, CloseCode.CaseErased, CloseCode.CaseTooLarge, CloseCode.CaseDamaged]

function fatalMessage(code: number, t: (k: MessageKey) => string): string {
  const key = `fatal_${code}` as MessageKey
  return key in { fatal_4400: 1, fatal_4401: 1, fatal_4403: 1, fatal_4404: 1, fatal_4410: 1, fatal_4413: 1, fatal_4414: 1, fatal_4422: 1, fatal_4426: 1, fatal_4429: 1 } ? t(key) : `${t('error')} (${code})`
}
