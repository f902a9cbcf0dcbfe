/**
 * The administrator's list of accounts: per account its name, user name, role and team (changed in
 * place), its status, and 'Uitschakelen' / 'Inschakelen' and 'Nieuwe activatielink'. An
 * administrator cannot disable themselves or take away their own role (the server refuses it too).
 */
import { useState } from 'react'
import { ACCOUNT_ROLES } from '../../shared/api.ts'
import { accountApi, type AccountChange, type AccountListed, type AccountRole, type ActivationIssued, type TeamInfo } from '../accountApi.ts'
import { errorMessage } from '../access.ts'
import { fill, formatDateTime, useI18n, type MessageKey } from '../i18n.ts'

export function AccountTable({ accounts, teams, myId, onChanged, onIssued }: {
  accounts: AccountListed[] | null
  teams: TeamInfo[]
  myId: string | null
  onChanged: () => Promise<void>
  onIssued: (i: ActivationIssued) => void
}) {
  const { t, locale } = useI18n()
  const [done, setDone] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const act = async (a: AccountListed, run: () => Promise<unknown>) => {
    setDone(null)
    setError(null)
    try {
      await run()
      setDone(fill(t('ac_saved'), { name: a.displayName }))
      await onChanged()
    } catch (err) {
      setError(errorMessage(err, t))
    }
  }
  const change = (a: AccountListed, c: AccountChange) => act(a, () => accountApi.updateAccount(a.id, c))
  const reset = (a: AccountListed) => act(a, async () => onIssued(await accountApi.resetAccount(a.id)))
  const status = (a: AccountListed): MessageKey => (a.disabledAt ? 'ac_statusDisabled' : a.pendingActivation ? 'ac_statusPending' : 'ac_statusActive')
  return (
    <section className="card form" aria-labelledby="accounts-title">
      <h3 id="accounts-title">{t('ac_accountsTitle')}</h3>
      <p role="status" className={done ? 'ok' : 'visually-hidden'} data-testid="account-done">{done ?? ''}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {accounts === null ? <p className="muted">{t('loading')}</p> : accounts.length === 0 ? <p className="empty">{t('ac_accountsNone')}</p> : (
        <table className="review-table account-table" data-testid="account-table">
          <thead>
            <tr>
              <th scope="col">{t('ac_displayName')}</th>
              <th scope="col">{t('ac_role')}</th>
              <th scope="col">{t('ac_team')}</th>
              <th scope="col">{t('ac_status')}</th>
              <th scope="col"><span className="visually-hidden">{t('ac_actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => {
              const self = a.id === myId
              return (
                <tr key={a.id} data-testid="account-row" data-username={a.username} data-status={a.disabledAt ? 'disabled' : a.pendingActivation ? 'pending' : 'active'}>
                  <th scope="row">
                    {a.displayName}
                    <div className="muted">{a.username}</div>
                  </th>
                  <td data-label={t('ac_role')}>
                    <label>
                      <span className="visually-hidden">{fill(t('ac_roleOf'), { name: a.displayName })}</span>
                      <select value={a.role} disabled={self} onChange={(e) => void change(a, { role: e.target.value as AccountRole })} data-testid="account-row-role">
                        {ACCOUNT_ROLES.map((r) => <option key={r} value={r}>{roleName(t, r)}</option>)}
                      </select>
                    </label>
                  </td>
                  <td data-label={t('ac_team')}>
                    <TeamChoice teams={teams} value={a.team?.id ?? ''} onChange={(id) => void change(a, { teamId: id || null })}
                      label={fill(t('ac_teamOf'), { name: a.displayName })} hideLabel testid="account-row-team" />
                  </td>
                  <td data-label={t('ac_status')}>
                    {t(status(a))}
                    {a.lastLoginAt && <div className="muted">{fill(t('ac_lastLogin'), { date: formatDateTime(locale, a.lastLoginAt) })}</div>}
                  </td>
                  <td>
                    <div className="snapshot-actions">
                      {!self && (
                        <button type="button" onClick={() => void change(a, { disabled: !a.disabledAt })} data-testid={a.disabledAt ? 'account-enable' : 'account-disable'}
                          aria-label={fill(t('ac_actionLabel'), { action: t(a.disabledAt ? 'ac_enable' : 'ac_disable'), name: a.displayName })}>
                          {t(a.disabledAt ? 'ac_enable' : 'ac_disable')}
                        </button>
                      )}
                      {!self && (
                        <button type="button" onClick={() => void reset(a)} data-testid="account-reset"
                          aria-label={fill(t('ac_actionLabel'), { action: t('ac_reset'), name: a.displayName })}>
                          {t('ac_reset')}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** An account role in words. */
export const roleName = (t: (k: MessageKey) => string, r: AccountRole) => t(`ac_role_${r}` as MessageKey)

/** A team for an account, or none ('' = no team). */
export function TeamChoice({ teams, value, onChange, label, testid, hideLabel = false }: {
  teams: TeamInfo[]; value: string; onChange: (id: string) => void; label: string; testid?: string; hideLabel?: boolean
}) {
  const { t } = useI18n()
  return (
    <label>
      {hideLabel ? <span className="visually-hidden">{label}</span> : label}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testid}>
        <option value="">— {t('ac_noTeam')} —</option>
        {teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
      </select>
    </label>
  )
}
