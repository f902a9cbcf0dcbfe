/**
 * `npm run user -- <command>`: manage accounts and teams from the server's shell, for the first
 * administrator and for scripts (README, "Accounts"). Works on DATA_DIR's database, also while the
 * server runs (SQLite WAL); reads the same settings as the server.
 *
 *   add <username> --name "<name>" --role professional|coordinator|admin|dpo [--team "<team>"]
 *   reset <username>            new activation link; password and second factor are cleared
 *   disable <username> | enable <username>
 *   list                        accounts with role, team and status
 *   team add "<name>" | team list
 *   assign-cases "<team>"       give every case without a team to this team (after upgrading)
 *
 * An activation link is printed once; nobody else ever sees the password. A disabled account's
 * open sockets close when the server next checks them (within its session checks) — disabling
 * from the admin page closes them at once.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { ACCOUNT_ROLES, CreateAccountBody } from '../../shared/api.ts'
import { readSettings, SettingsError } from '../config.ts'
import { Accounts } from '../auth/accounts.ts'
import { CredentialLimiter } from '../auth/rateLimit.ts'
import { openSqliteStorage } from '../storage/sqlite.ts'
import { openPgStorage } from '../storage/pg/pgStorage.ts'
import type { Storage } from '../storage/storage.ts'

const USAGE = `Usage: npm run user -- <command>
  add <username> --name "<name>" --role ${ACCOUNT_ROLES.join('|')} [--team "<team>"]
  reset <username>
  disable <username>
  enable <username>
  list
  team add "<name>"
  team list
  assign-cases "<team>"`

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string' }, team: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help || positionals.length === 0) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const settings = readSettings(process.env, { clientDir: path.resolve('dist/client') })
  const storage = settings.databaseUrl ? await openPgStorage(settings.databaseUrl, settings.dataDir) : openSqliteStorage(settings.dataDir)
  const base = settings.publicUrl ?? `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}`
  const accounts = new Accounts(storage, new CredentialLimiter(), { passwordN: settings.passwordScryptN, requireMfa: settings.requireMfa })
  try {
    return await run(storage, accounts, base, positionals, values)
  } finally {
    await storage.close()
  }
}

async function run(storage: Storage, accounts: Accounts, base: string, args: string[], opts: { name?: string; role?: string; team?: string }): Promise<number> {
  const store = storage.accounts
  const [command, arg, third] = args
  const account = async (username: string | undefined) => {
    const a = username ? await store.findAccountByUsername(username) : null
    if (!a) throw new UsageError(`No account with user name "${username ?? ''}".`)
    return a
  }
  const team = async (name: string | undefined) => {
    const t = name ? await store.findTeamByName(name.trim()) : null
    if (!t) throw new UsageError(`No team named "${name ?? ''}". Create it first: npm run user -- team add "<name>".`)
    return t
  }
  const link = (token: string, expiresAt: number | null) =>
    console.log(`Activation link (valid until ${new Date(expiresAt ?? 0).toISOString()}; give it to the account's owner only):\n${base}/activate#${token}`)

  switch (command) {
    case 'add': {
      const parsed = CreateAccountBody.safeParse({
        username: arg ?? '', displayName: opts.name ?? '', role: opts.role ?? '', teamId: opts.team ? (await team(opts.team)).id : null,
      })
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('\n'))
      const { account: a, token } = await accounts.create(parsed.data)
      storage.audit({ at: Date.now(), actor: 'cli', role: 'admin', action: `account.create.${a.role}`, caseId: null, ground: 'security' })
      console.log(`Account ${a.username} (${a.role}) created.`)
      link(token, a.activationExpiresAt)
      return 0
    }
    case 'reset': {
      const done = await accounts.reset((await account(arg)).id)
      if (!done) return 1
      storage.audit({ at: Date.now(), actor: 'cli', role: 'admin', action: 'account.reset', caseId: null, ground: 'security' })
      link(done.token, done.account.activationExpiresAt)
      return 0
    }
    case 'disable':
    case 'enable': {
      const a = await account(arg)
      await store.updateAccount(a.id, { disabledAt: command === 'disable' ? Date.now() : null })
      if (command === 'disable') await store.deleteSessionsOf(a.id)
      storage.audit({ at: Date.now(), actor: 'cli', role: 'admin', action: `account.${command}`, caseId: null, ground: 'security' })
      console.log(`Account ${a.username} ${command}d.`)
      return 0
    }
    case 'list': {
      const teams = new Map((await store.listTeams()).map((t) => [t.id, t.name]))
      for (const a of await store.listAccounts()) {
        const status = a.disabledAt !== null ? 'disabled' : a.activationHash !== null ? 'waiting for activation' : 'active'
        console.log(`${a.username}\t${a.role}\t${a.teamId ? teams.get(a.teamId) : '(no team)'}\t${status}\t${a.displayName}`)
      }
      return 0
    }
    case 'team': {
      if (arg === 'list') {
        for (const t of await store.listTeams()) console.log(t.name)
        return 0
      }
      if (arg === 'add' && third && third.trim().length >= 2) {
        if (await store.findTeamByName(third.trim())) throw new UsageError(`A team named "${third}" exists.`)
        await store.createTeam(third.trim(), Date.now())
        storage.audit({ at: Date.now(), actor: 'cli', role: 'admin', action: 'team.create', caseId: null, ground: 'security' })
        console.log(`Team "${third.trim()}" created.`)
        return 0
      }
      throw new UsageError('team add "<name>" (at least 2 characters) | team list')
    }
    case 'assign-cases': {
      const t = await team(arg)
      const n = await store.assignUnassignedCases(t.id)
      storage.audit({ at: Date.now(), actor: 'cli', role: 'admin', action: 'cases.assign', caseId: null, ground: 'security' })
      console.log(`${n} case(s) without a team now belong to "${t.name}".`)
      return 0
    }
    default:
      throw new UsageError(`Unknown command "${command}".`)
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof SettingsError) {
      console.error(err.message)
      if (err instanceof UsageError) console.error(`\n${USAGE}`)
    } else {
      pino().error({ err: err instanceof Error ? err.message : String(err) }, 'the command failed')
    }
    process.exitCode = 1
  },
)
