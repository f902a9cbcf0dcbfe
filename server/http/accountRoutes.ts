/**
 * Accounts, teams, personal API tokens, case members and the data-protection export
 * (docs/api.md, "Accounts"):
 *   - account activation (anyone with the link): POST /api/activation, /api/activation/complete
 *   - administrators (no case content): teams and accounts under /api/admin/…
 *   - everyone with an account: their API tokens under /api/me/tokens
 *   - a case's members (accounts of other teams given access): /api/cases/:id/members
 *   - the data-protection officer: GET /api/audit.csv?from=&to= ('Logboek Dataverwerkingen')
 */
import { ApiError } from '../../shared/apiErrors.ts'
import {
  ActivationBody, AddMemberBody, CompleteActivationBody, CreateAccountBody, CreateTokenBody, TeamBody, UpdateAccountBody,
  type ActivationIssued, type ActivationStarted, type ApiTokenCreated, type ApiTokenListed, type CaseMember,
} from '../../shared/api.ts'
import { accountListed, documentRole } from '../auth/accounts.ts'
import { hashToken, newToken } from '../auth/secrets.ts'
import type { Access } from '../auth/access.ts'
import type { AccountRecord, ApiTokenRecord } from '../storage/accountStore.ts'
import { findCase, notFound, P, parse, requireAccess, route, type ApiDeps, type Ctx, type Route } from './apiKit.ts'
import { HttpError, readJson, sendEmpty, sendJson } from './respond.ts'
import type { WebSessions } from './webSessions.ts'
import { auditCsv } from './auditCsv.ts'

const ID = /^[0-9a-f]{32}$/

export function accountRoutes(deps: ApiDeps, web: WebSessions): Route[] {
  const { storage, accounts, access } = deps
  const store = storage.accounts

  function audit(a: Access | null, action: string, caseId: string | null = null): void {
    storage.audit({ at: Date.now(), actor: a?.actor ?? 'anonymous', role: a?.role ?? 'anonymous', action, caseId, ground: 'security' })
  }

  async function issued(req: Ctx['req'], account: AccountRecord, token: string): Promise<ActivationIssued> {
    return {
      account: await accountListed(storage, account), url: `${web.baseUrl(req)}/activate#${token}`,
      expiresAt: new Date(account.activationExpiresAt ?? 0).toISOString(),
    }
  }

  // --- activation (the link holds the token; it travels in the body, never in a URL) ---

  async function startActivation({ req, res }: Ctx): Promise<void> {
    const body = parse(ActivationBody, await readJson(req))
    const started = await accounts.startActivation(body.token)
    if (!started) throw new HttpError(401, ApiError.unauthorized, 'This activation link is not valid (any more). Ask your administrator for a new one.')
    const out: ActivationStarted = {
      username: started.account.username, displayName: started.account.displayName, totpUri: started.totpUri, totpSecret: started.totpSecret,
    }
    sendJson(res, 200, out)
  }

  async function completeActivation({ req, res }: Ctx): Promise<void> {
    const body = parse(CompleteActivationBody, await readJson(req))
    const now = Date.now()
    const account = await accounts.completeActivation(body.token, body.password, body.code, now)
    await web.signedIn(res, account, now, 'account.activate')
  }

  // --- administrators: teams and accounts, never case content ---

  async function listTeams({ res }: Ctx): Promise<void> {
    sendJson(res, 200, (await store.listTeams()).map((t) => ({ id: t.id, name: t.name })))
  }

  async function createTeam({ req, res, who }: Ctx): Promise<void> {
    const body = parse(TeamBody, await readJson(req))
    if (await store.findTeamByName(body.name)) throw new HttpError(409, ApiError.conflict, 'A team with this name exists.')
    const t = await store.createTeam(body.name, Date.now())
    audit(who, 'team.create')
    sendJson(res, 201, { id: t.id, name: t.name })
  }

  async function listAccounts({ res }: Ctx): Promise<void> {
    sendJson(res, 200, await Promise.all((await store.listAccounts()).map((a) => accountListed(storage, a))))
  }

  async function createAccount({ req, res, who }: Ctx): Promise<void> {
    const body = parse(CreateAccountBody, await readJson(req))
    const { account, token } = await accounts.create(body)
    audit(who, `account.create.${account.role}`)
    sendJson(res, 201, await issued(req, account, token))
  }

  async function accountParam(params: string[]): Promise<AccountRecord> {
    const id = params[0] ?? ''
    const a = ID.test(id) ? await store.getAccount(id) : null
    if (!a) throw notFound('No such account.')
    return a
  }

  /**
   * Change an account's name, role or team, or disable / enable it. Disabling ends its sessions;
   * any change of role, team or status closes its sockets (they reconnect with the new rights).
   */
  async function updateAccount({ req, res, who, params }: Ctx): Promise<void> {
    const before = await accountParam(params)
    const body = parse(UpdateAccountBody, await readJson(req))
    const me = requireAccess(who)
    if (before.id === me.accountId && (body.disabled === true || (body.role !== undefined && body.role !== 'admin'))) {
      throw new HttpError(400, ApiError.validation, 'You cannot disable your own account or take away your own administrator role.')
    }
    if (body.teamId && !await store.getTeam(body.teamId)) throw new HttpError(400, ApiError.validation, 'teamId: no such team.')
    const disabledAt = body.disabled === undefined ? undefined : body.disabled ? (before.disabledAt ?? Date.now()) : null
    const after = await store.updateAccount(before.id, { displayName: body.displayName, role: body.role, teamId: body.teamId, disabledAt }) as AccountRecord
    const rightsChanged = after.role !== before.role || after.teamId !== before.teamId || after.disabledAt !== before.disabledAt
    if (rightsChanged) await access.endAccount(after.id, after.disabledAt !== null ? 'the account was disabled' : 'the account\'s rights changed', after.disabledAt !== null)
    audit(who, body.disabled === true ? 'account.disable' : body.disabled === false ? 'account.enable' : 'account.update')
    sendJson(res, 200, await accountListed(storage, after))
  }

  /** A new activation link: password and second factor are cleared, all sessions and sockets end. */
  async function resetAccount({ req, res, who, params }: Ctx): Promise<void> {
    const a = await accountParam(params)
    // An account of the organisation's identity provider has no password here to reset.
    if (a.oidcSubject !== null) throw new HttpError(400, ApiError.validation, 'This account signs in through your organisation (OIDC): reset it there.')
    const done = await accounts.reset(a.id)
    if (!done) throw notFound('No such account.')
    await access.endAccount(a.id, 'the account was reset', true)
    audit(who, 'account.reset')
    sendJson(res, 200, await issued(req, done.account, done.token))
  }

  // --- personal API tokens (Bearer only, hashed, revocable) ---

  function tokenListed(t: ApiTokenRecord): ApiTokenListed {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
    return {
      id: t.id, label: t.label, createdAt: new Date(t.createdAt).toISOString(), expiresAt: new Date(t.expiresAt).toISOString(),
      lastUsedAt: iso(t.lastUsedAt), revokedAt: iso(t.revokedAt),
    }
  }

  async function listTokens({ res, who }: Ctx): Promise<void> {
    const a = requireAccess(who)
    sendJson(res, 200, (await store.listApiTokens(a.accountId as string)).map(tokenListed))
  }

  async function createToken({ req, res, who }: Ctx): Promise<void> {
    const a = requireAccess(who)
    if (a.credential?.kind !== 'session') throw new HttpError(403, ApiError.forbidden, 'API tokens are made while signed in, not with another token.')
    const body = parse(CreateTokenBody, await readJson(req))
    const now = Date.now()
    const token = newToken('apiToken')
    const t = await store.createApiToken({ accountId: a.accountId as string, tokenHash: hashToken(token), label: body.label, createdAt: now, expiresAt: now + body.expiresInDays * 86_400_000 })
    audit(a, 'token.create')
    const out: ApiTokenCreated = { ...tokenListed(t), token }
    sendJson(res, 201, out)
  }

  async function revokeToken({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const id = params[0] ?? ''
    if (!ID.test(id) || !await access.revokeApiToken(a.accountId as string, id)) throw notFound('No such token.')
    audit(a, 'token.revoke')
    sendEmpty(res, 204)
  }

  // --- case members: accounts of other teams that may open a case ---

  async function memberOut(m: { accountId: string; username: string; displayName: string; teamId: string | null; addedAt: number }): Promise<CaseMember> {
    const team = m.teamId ? await store.getTeam(m.teamId) : null
    return {
      accountId: m.accountId, username: m.username, displayName: m.displayName,
      team: team ? { id: team.id, name: team.name } : null, addedAt: new Date(m.addedAt).toISOString(),
    }
  }

  async function listMembers({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'case.member.list', caseId: record.id })
    sendJson(res, 200, await Promise.all((await store.listCaseMembers(record.id)).map(memberOut)))
  }

  async function addMember({ req, res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const body = parse(AddMemberBody, await readJson(req))
    const target = await store.findAccountByUsername(body.username)
    if (!target || target.disabledAt !== null || documentRole(target.role) !== 'professional') {
      throw new HttpError(400, ApiError.validation, 'username: no active professional with this user name.')
    }
    await store.addCaseMember(record.id, target.id, Date.now(), a.actor)
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'case.member.add', caseId: record.id })
    sendJson(res, 201, await Promise.all((await store.listCaseMembers(record.id)).map(memberOut)))
  }

  async function removeMember({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const accountId = params[1] ?? ''
    if (!ID.test(accountId) || !await store.removeCaseMember(record.id, accountId)) throw notFound('No such member.')
    // Their open sockets reconnect and are then refused if they no longer see the case.
    await access.endAccount(accountId, 'access to a case was withdrawn', false)
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action: 'case.member.remove', caseId: record.id })
    sendEmpty(res, 204)
  }

  // --- the data-protection officer's export ---

  async function exportAudit({ res, url, who }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const from = dayParam(url, 'from')
    const to = dayParam(url, 'to')
    if (to < from) throw new HttpError(400, ApiError.validation, 'to: the end of the period comes after its start.')
    // Dutch days: from 00:00 on `from` to 24:00 on `to`, Europe/Amsterdam.
    const start = amsterdamMidnight(from)
    const end = amsterdamMidnight(nextDay(to))
    const text = auditCsv(await storage.exportAudit(start, end), await store.listAccounts())
    audit(a, 'audit.export')
    const body = Buffer.from(text, 'utf8')
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8', 'Content-Length': body.byteLength, 'Cache-Control': 'no-store',
      'Content-Disposition': `attachment; filename="keukentafel-logboek-${from}-${to}.csv"`,
    })
    res.end(body)
  }

  return [
    route('POST', '/api/activation', startActivation, 'anyone'),
    route('POST', '/api/activation/complete', completeActivation, 'anyone'),
    route('GET', '/api/admin/teams', listTeams, ['admin']),
    route('POST', '/api/admin/teams', createTeam, ['admin']),
    route('GET', '/api/admin/accounts', listAccounts, ['admin']),
    route('POST', '/api/admin/accounts', createAccount, ['admin']),
    route('PATCH', '/api/admin/accounts/:account', updateAccount, ['admin']),
    route('POST', '/api/admin/accounts/:account/reset', resetAccount, ['admin']),
    route('GET', '/api/me/tokens', listTokens, P.accounts),
    route('POST', '/api/me/tokens', createToken, P.accounts),
    route('DELETE', '/api/me/tokens/:token', revokeToken, P.accounts),
    route('GET', '/api/cases/:id/members', listMembers, ['professional', 'coordinator', 'invitedProfessional', 'service', 'serviceReader']),
    route('POST', '/api/cases/:id/members', addMember, P.orgProfessionals),
    route('DELETE', '/api/cases/:id/members/:account', removeMember, P.orgProfessionals),
    route('GET', '/api/audit.csv', exportAudit, ['dpo']),
  ]
}

function dayParam(url: URL, name: string): string {
  const v = url.searchParams.get(name)
  if (v === null || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
    throw new HttpError(400, ApiError.validation, `${name}: a date as YYYY-MM-DD.`)
  }
  return v
}

function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/** Milliseconds of 00:00 on this day in the Netherlands (CET or CEST). */
function amsterdamMidnight(day: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`)
  // The Dutch clock's offset at that moment: 60 or 120 minutes.
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(utcMidnight))
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '1')
  return utcMidnight - hour * 3600_000
}
