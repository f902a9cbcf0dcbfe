/**
 * 'Beheer', the administrator's start page: teams (list, make one) and accounts (make one — its
 * activation link is shown once —, change role or team, disable / enable, a new activation link).
 * Administrators see no case content: nothing here loads a case.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { ACCOUNT_ROLES, type Me } from '../../shared/api.ts'
import { accountApi, type AccountListed, type AccountRole, type ActivationIssued, type TeamInfo } from '../accountApi.ts'
import { errorMessage } from '../access.ts'
import { fill, formatDateTime, useI18n } from '../i18n.ts'
import { CopyField } from '../components/CopyField.tsx'
import { AccountTable, roleName, TeamChoice } from '../components/AccountTable.tsx'
import './accounts.css'

export function AdminPanel({ me }: { me: Me }) {
  const { t } = useI18n()
  const [teams, setTeams] = useState<TeamInfo[] | null>(null)
  const [accounts, setAccounts] = useState<AccountListed[] | null>(null)
  const [issued, setIssued] = useState<ActivationIssued | null>(null)
  const [error, setError] = useState<string | null>(null)
  const reload = useCallback(async () => {
    try {
      const [tm, ac] = await Promise.all([accountApi.teams(), accountApi.accounts()])
      setTeams(tm)
      setAccounts(ac)
    } catch (e) {
      setError(errorMessage(e, t))
    }
  }, [t])
  useEffect(() => { void reload() }, [reload])
  const onIssued = (i: ActivationIssued) => {
    setIssued(i)
    void reload()
  }
  return (
    <main className="narrow wide admin" data-testid="admin-page">
      <h2>{t('ac_adminTitle')}</h2>
      <p>{t('ac_adminExplain')}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {issued && <IssuedLink issued={issued} onHide={() => setIssued(null)} />}
      <Teams teams={teams} onCreated={reload} />
      <NewAccount teams={teams ?? []} onIssued={onIssued} />
      <AccountTable accounts={accounts} teams={teams ?? []} myId={me.account?.id ?? null} onChanged={reload} onIssued={onIssued} />
    </main>
  )
}

/** The activation link, once: copy it and give it only to this person. */
function IssuedLink({ issued, onHide }: { issued: ActivationIssued; onHide: () => void }) {
  const { t, locale } = useI18n()
  const name = issued.account.displayName
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => { heading.current?.focus() }, [issued.url])
  return (
    <section className="card form issued" aria-labelledby="issued-title" data-testid="activation-link">
      <h3 id="issued-title" tabIndex={-1} ref={heading}>{fill(t('ac_linkTitle'), { name })}</h3>
      <p>{fill(t('ac_linkOnce'), { name, date: formatDateTime(locale, issued.expiresAt) })}</p>
      <CopyField key={issued.url} value={issued.url} label={fill(t('ac_linkTitle'), { name })} testId="activation" />
      <div><button type="button" onClick={onHide}>{t('ac_linkHide')}</button></div>
    </section>
  )
}

function Teams({ teams, onCreated }: { teams: TeamInfo[] | null; onCreated: () => Promise<void> }) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const create = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    setDone(null)
    try {
      const team = await accountApi.createTeam(name.trim())
      setDone(fill(t('ac_teamCreated'), { name: team.name }))
      setName('')
      await onCreated()
    } catch (err) {
      setError(errorMessage(err, t))
    }
  }
  return (
    <section className="card form" aria-labelledby="teams-title">
      <h3 id="teams-title">{t('ac_teamsTitle')}</h3>
      {teams === null ? <p className="muted">{t('loading')}</p> : teams.length === 0 ? <p className="empty">{t('ac_teamsNone')}</p> : (
        <ul className="team-list" data-testid="team-list">{teams.map((x) => <li key={x.id}>{x.name}</li>)}</ul>
      )}
      <form className="copy-row inline-form" onSubmit={create}>
        <label>
          {t('ac_teamName')}
          <input required minLength={2} maxLength={80} value={name} onChange={(e) => setName(e.target.value)} data-testid="team-name" />
        </label>
        <button type="submit" data-testid="team-create">{t('ac_teamCreate')}</button>
      </form>
      <p role="status" className={done ? 'ok' : 'visually-hidden'}>{done ?? ''}</p>
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  )
}

function NewAccount({ teams, onIssued }: { teams: TeamInfo[]; onIssued: (i: ActivationIssued) => void }) {
  const { t } = useI18n()
  const [username, setUsername] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [role, setRole] = useState<AccountRole>('professional')
  const [teamId, setTeamId] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const create = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    setError(null)
    try {
      onIssued(await accountApi.createAccount({ username: username.trim().toLowerCase(), displayName: displayName.trim(), role, teamId: teamId || null }))
      setUsername('')
      setDisplayName('')
    } catch (err) {
      setError(errorMessage(err, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="card form" onSubmit={create} aria-labelledby="new-account-title" data-testid="new-account-form">
      <h3 id="new-account-title">{t('ac_newAccount')}</h3>
      <label>
        {t('ac_displayName')}
        <input required maxLength={80} value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" data-testid="account-name" />
      </label>
      <label>
        {t('usernameLabel')}
        <input required pattern="[a-z0-9][a-z0-9._@\-]{1,63}" value={username} onChange={(e) => setUsername(e.target.value)}
          autoComplete="off" autoCapitalize="none" spellCheck={false} data-testid="account-username" />
      </label>
      <label>
        {t('ac_role')}
        <select value={role} onChange={(e) => setRole(e.target.value as AccountRole)} data-testid="account-role">
          {ACCOUNT_ROLES.map((r) => <option key={r} value={r}>{roleName(t, r)}</option>)}
        </select>
      </label>
      <TeamChoice teams={teams} value={teamId} onChange={setTeamId} label={t('ac_team')} testid="account-team" />
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" className="primary" disabled={busy} data-testid="account-create">{t('ac_accountCreate')}</button>
    </form>
  )
}
