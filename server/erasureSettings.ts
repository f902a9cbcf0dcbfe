/**
 * The settings of encryption at rest and erasure (README, "Master key and backups"), read by
 * config.ts with the others: problems are added to its list, so an invalid value stops the start
 * with a message naming the setting.
 *
 *   MASTER_KEY           64 hex characters, or 32 bytes as base64url (43) / base64 (44)
 *   MASTER_KEY_FILE      a file holding such a key (instead of MASTER_KEY)
 *   MASTER_KEY_PREVIOUS  the master key before a rotation: its key files are re-wrapped at start
 *   KEY_DIR              where the case key files live (default DATA_DIR/keys)
 *   RETENTION_DAYS       erase cases without activity for this many days (30..3650; unset: never)
 *   RETENTION_WARN_DAYS  warn in the case list this many days before (1..90, default 14)
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseMasterKey } from './storage/caseKeys.ts'

export interface ErasureSettings {
  /** Null: the generated DATA_DIR/master.key (with a warning at start). */
  masterKey: Buffer | null
  masterKeyPrevious: Buffer | null
  keyDir: string
  /** Null: cases are never erased automatically. */
  retentionDays: number | null
  retentionWarnDays: number
}

const MASTER_KEY_FORMAT = '64 hex characters, or 32 bytes as base64url (43 characters) or base64 (44 characters); e.g. generate one with `openssl rand -hex 32`'

export function readErasureSettings(env: NodeJS.ProcessEnv, dataDir: string, problems: string[]): ErasureSettings {
  const rawKey = env.MASTER_KEY?.trim() || ''
  const keyFile = env.MASTER_KEY_FILE?.trim() || ''
  let masterKey: Buffer | null = null
  if (rawKey && keyFile) problems.push('Set MASTER_KEY or MASTER_KEY_FILE, not both.')
  else if (rawKey) masterKey = masterKeyOf('MASTER_KEY', rawKey, problems)
  else if (keyFile) {
    let content: string | null = null
    try {
      content = fs.readFileSync(keyFile, 'utf8')
    } catch (err) {
      problems.push(`MASTER_KEY_FILE cannot be read (${(err as { code?: string }).code ?? 'error'}): ${keyFile}.`)
    }
    if (content !== null) masterKey = masterKeyOf(`MASTER_KEY_FILE (${keyFile})`, content, problems)
  }
  const rawPrevious = env.MASTER_KEY_PREVIOUS?.trim() || ''
  const masterKeyPrevious = rawPrevious ? masterKeyOf('MASTER_KEY_PREVIOUS', rawPrevious, problems) : null
  if (rawPrevious && !masterKey) problems.push('MASTER_KEY_PREVIOUS needs MASTER_KEY (or MASTER_KEY_FILE): the key to re-wrap the case keys with.')
  if (masterKey && masterKeyPrevious && masterKey.equals(masterKeyPrevious)) problems.push('MASTER_KEY_PREVIOUS must differ from MASTER_KEY.')

  const keyDir = env.KEY_DIR?.trim() ? path.resolve(env.KEY_DIR.trim()) : path.join(dataDir, 'keys')
  const retentionDays = env.RETENTION_DAYS?.trim() ? wholeNumber('RETENTION_DAYS', env.RETENTION_DAYS, 30, 3650, problems, 'or leave it empty to never erase cases automatically') : null
  const retentionWarnDays = env.RETENTION_WARN_DAYS?.trim() ? wholeNumber('RETENTION_WARN_DAYS', env.RETENTION_WARN_DAYS, 1, 90, problems) ?? 14 : 14
  return { masterKey, masterKeyPrevious, keyDir, retentionDays, retentionWarnDays }
}

function masterKeyOf(name: string, raw: string, problems: string[]): Buffer | null {
  const key = parseMasterKey(raw)
  if (!key) problems.push(`${name} must be ${MASTER_KEY_FORMAT} (got ${raw.trim().length} characters that are not such a key).`)
  return key
}

function wholeNumber(name: string, raw: string, min: number, max: number, problems: string[], hint = ''): number | null {
  const v = raw.trim()
  const n = Number(v)
  if (/^\d+$/.test(v) && n >= min && n <= max) return n
  problems.push(`${name} must be a whole number of days from ${min} to ${max}${hint ? `, ${hint}` : ''} (got "${raw}").`)
  return null
}
