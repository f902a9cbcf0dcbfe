/**
 * Per-case data keys ('crypto-shredding'). Each case's content is sealed at rest with its own
 * random 32-byte key (sealFormat.js); the key is wrapped with the master key (AES-256-GCM, AAD =
 * the case id) and kept OUTSIDE the database, one small file per case in the key directory
 * (`<caseId>.key`, JSON). Erasing a case overwrites its key file with zeros, syncs and unlinks
 * it and drops the key from memory: every copy of the case's ciphertext — database file, WAL,
 * any backup — is undecryptable from then on. A database backup never holds a key.
 *
 * The master key comes from MASTER_KEY / MASTER_KEY_FILE (config.ts); without them one is
 * generated into DATA_DIR/master.key. MASTER_KEY_PREVIOUS lets key files wrapped with the old
 * master key be re-wrapped at start (rotation); a key file wrapped with an unknown master key
 * stops the start, so no data is ever silently lost.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createHash, hkdfSync, randomBytes } from 'node:crypto'
import { caseRef } from '../log.ts'
import { aadOf, isSealedBlob, isSealedText, openBlob, openText, sealBlob, sealText } from './sealFormat.js'

const KEY_BYTES = 32
const KEY_FILE_VERSION = 1
const GENERATED_MASTER_FILE = 'master.key'
/** Case ids as key file names (ids.ts makes 22 base64url characters; nothing that could leave the directory). */
const KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/

/** A problem with the master key or the key directory that must stop the start; the message says what to do. */
export class MasterKeyError extends Error {
  override name = 'MasterKeyError'
}

/** The case's key file is missing (the case was not erased through Keukentafel): its content cannot be read. */
export class CaseKeyMissingError extends Error {
  override name = 'CaseKeyMissingError'
  constructor() {
    super('the key of this case is missing')
  }
}

/** The key for accounts' small secrets (TOTP), derived from a master key. */
function accountSecretsKey(master: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'keukentafel account secrets', KEY_BYTES))
}

/** What the column of an account secret is called in its AAD. */
const ACCOUNT_SECRET_COLUMN = 'account.totp_secret'

/** A master key in one of the accepted notations (64 hex characters, or 32 bytes base64url/base64), or null. */
export function parseMasterKey(raw: string): Buffer | null {
  const v = raw.trim()
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex')
  if (/^[A-Za-z0-9_-]{43}$/.test(v)) return Buffer.from(v, 'base64url')
  if (/^[A-Za-z0-9+/]{43}=$/.test(v)) return Buffer.from(v, 'base64')
  return null
}

/** What a master key is known by in key files (never the key itself). */
export function fingerprintOf(master: Uint8Array): string {
  return createHash('sha256').update('keukentafel master key\u0000').update(master).digest('hex').slice(0, 16)
}

export interface KeyLog {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface CaseKeysOptions {
  /** The key directory (KEY_DIR; default DATA_DIR/keys). */
  dir: string
  /** MASTER_KEY / MASTER_KEY_FILE; null: the generated DATA_DIR/master.key. */
  master: Buffer | null
  /** MASTER_KEY_PREVIOUS: key files wrapped with it are re-wrapped at start. */
  previous?: Buffer | null
  /** Where a generated master key lives (DATA_DIR). */
  dataDir: string
  log?: KeyLog
}

interface KeyFile { v: number; mk: string; key: string }

/** The master key in use: the configured one, or the one generated into DATA_DIR/master.key. */
function resolveMaster(opts: CaseKeysOptions): Buffer {
  if (opts.master) return opts.master
  const file = path.join(opts.dataDir, GENERATED_MASTER_FILE)
  let raw: string | null = null
  try {
    raw = fs.readFileSync(file, 'utf8')
  } catch { /* first start */ }
  if (raw !== null) {
    const key = parseMasterKey(raw)
    if (!key) throw new MasterKeyError(`${file} does not hold a master key (64 hex characters or 32 bytes base64url). Restore it, or set MASTER_KEY.`)
    return key
  }
  if (fs.readdirSync(opts.dir).some((n) => n.endsWith('.key'))) {
    throw new MasterKeyError(`MASTER_KEY is not set and ${file} does not exist, but ${opts.dir} holds case keys: start with the master key they were made with (MASTER_KEY or MASTER_KEY_FILE).`)
  }
  const key = randomBytes(KEY_BYTES)
  writeFileDurably(file, key.toString('hex') + '\n')
  opts.log?.warn({ file }, 'MASTER_KEY is not set: generated a master key into DATA_DIR/master.key. In production set MASTER_KEY (or MASTER_KEY_FILE) and keep it outside DATA_DIR and its backups (README, "Master key and backups").')
  return key
}

/** Write a small file atomically: temp file, fsync, rename, fsync of the directory; mode 0600. */
function writeFileDurably(file: string, content: string): void {
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    fs.writeSync(fd, content)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
  syncDir(path.dirname(file))
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

export class CaseKeys {
  readonly dir: string
  private readonly master: Buffer
  private readonly fingerprint: string
  private readonly cache = new Map<string, Buffer>()
  /** Accounts' TOTP secrets are sealed with this (from the master key); the previous one opens old ones. */
  private readonly accountKey: Buffer
  private readonly previousAccountKey: Buffer | null
  /** Cases whose missing key was already logged (once each). */
  private readonly reportedMissing = new Set<string>()

  constructor(private readonly opts: CaseKeysOptions) {
    this.dir = opts.dir
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    this.master = resolveMaster(opts)
    this.fingerprint = fingerprintOf(this.master)
    this.accountKey = accountSecretsKey(this.master)
    this.previousAccountKey = opts.previous ? accountSecretsKey(opts.previous) : null
    this.rewrapAll()
  }

  /**
   * At start: re-wrap key files of the previous master key with the current one; refuse key files
   * of any other master key (starting would make those cases unreadable without a word).
   */
  private rewrapAll(): void {
    const previous = this.opts.previous ?? null
    const previousPrint = previous ? fingerprintOf(previous) : null
    const unknown: string[] = []
    for (const name of fs.readdirSync(this.dir)) {
      const caseId = name.endsWith('.key') ? name.slice(0, -4) : ''
      if (!KEY_NAME.test(caseId)) continue
      const file = this.readFile(caseId)
      if (!file || file.mk === this.fingerprint) continue
      if (previous && file.mk === previousPrint) {
        const key = openBlob(previous, aadOf(caseId, 'key'), Buffer.from(file.key, 'base64url'))
        this.writeKey(caseId, key)
      } else {
        unknown.push(file.mk)
      }
    }
    if (unknown.length > 0) {
      throw new MasterKeyError(`${unknown.length} case key file(s) in ${this.dir} are wrapped with another master key (fingerprint ${[...new Set(unknown)].join(', ')}), ` +
        `not with this MASTER_KEY (fingerprint ${this.fingerprint}). Start with the master key they were made with, or set that one as MASTER_KEY_PREVIOUS to re-wrap them (README, "Master key and backups").`)
    }
  }

  private fileOf(caseId: string): string {
    if (!KEY_NAME.test(caseId)) throw new Error('not a case id')
    return path.join(this.dir, `${caseId}.key`)
  }

  private readFile(caseId: string): KeyFile | null {
    let raw: string
    try {
      raw = fs.readFileSync(this.fileOf(caseId), 'utf8')
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return null
      throw err
    }
    try {
      const f = JSON.parse(raw) as KeyFile
      if (f.v === KEY_FILE_VERSION && typeof f.mk === 'string' && typeof f.key === 'string') return f
    } catch { /* below */ }
    // An erased file read mid-way (zeros) or a damaged one: no key.
    return null
  }

  private writeKey(caseId: string, key: Buffer): void {
    const file: KeyFile = { v: KEY_FILE_VERSION, mk: this.fingerprint, key: sealBlob(this.master, aadOf(caseId, 'key'), key).toString('base64url') }
    writeFileDurably(this.fileOf(caseId), JSON.stringify(file) + '\n')
  }

  /** Whether the case has a key file. */
  has(caseId: string): boolean {
    return this.cache.has(caseId) || fs.existsSync(this.fileOf(caseId))
  }

  /** A new key for a new case (or the existing one: creating twice never replaces a key). */
  create(caseId: string): Buffer {
    // A new case has no key file yet: that is no lost key, so nothing is reported.
    const existing = this.has(caseId) ? this.get(caseId) : null
    if (existing) return existing
    const key = randomBytes(KEY_BYTES)
    this.writeKey(caseId, key)
    this.cache.set(caseId, key)
    this.reportedMissing.delete(caseId)
    return key
  }

  /** The case's key, or null when its key file is missing or unreadable (logged once, without content). */
  get(caseId: string): Buffer | null {
    const cached = this.cache.get(caseId)
    if (cached) return cached
    const file = this.readFile(caseId)
    let key: Buffer | null = null
    if (file && file.mk === this.fingerprint) {
      try {
        key = openBlob(this.master, aadOf(caseId, 'key'), Buffer.from(file.key, 'base64url'))
      } catch { /* below */ }
    }
    if (!key) {
      if (!this.reportedMissing.has(caseId)) {
        this.reportedMissing.add(caseId)
        this.opts.log?.error({ case: caseRef(caseId), dir: this.dir }, 'the key file of a case is missing or unreadable: its content cannot be read (was the key directory restored without it?)')
      }
      return null
    }
    this.cache.set(caseId, key)
    return key
  }

  /** Destroy the case's key: zeros over the file's bytes, fsync, unlink, and out of memory. */
  erase(caseId: string): void {
    // Requests that still name the erased case are no lost key: nothing to report.
    this.reportedMissing.add(caseId)
    const cached = this.cache.get(caseId)
    if (cached) cached.fill(0)
    this.cache.delete(caseId)
    const file = this.fileOf(caseId)
    let fd: number
    try {
      fd = fs.openSync(file, 'r+')
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return
      throw err
    }
    try {
      fs.writeSync(fd, Buffer.alloc(fs.fstatSync(fd).size), 0, undefined, 0)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.unlinkSync(file)
    syncDir(this.dir)
  }

  /**
   * Cases whose key this instance holds in memory although its key file is gone: another instance
   * erased them while the message about it could not reach this one (relay down).
   */
  vanished(): string[] {
    return [...this.cache.keys()].filter((id) => !fs.existsSync(this.fileOf(id)))
  }

  /** Seal an account's TOTP secret for storage (a database backup never holds it readable). */
  sealAccountSecret(accountId: string, secret: string): string {
    return sealText(this.accountKey, aadOf(accountId, ACCOUNT_SECRET_COLUMN), secret)
  }

  /**
   * An account's TOTP secret as stored: opened with the master key, or with MASTER_KEY_PREVIOUS
   * during a rotation; plaintext from before sealing as is. `current` is false when it should be
   * sealed again with the current master key. Throws SealError when no key opens it.
   */
  openAccountSecret(accountId: string, stored: string): { secret: string; current: boolean } {
    if (!isSealedText(stored)) return { secret: stored, current: false }
    const aad = aadOf(accountId, ACCOUNT_SECRET_COLUMN)
    try {
      return { secret: openText(this.accountKey, aad, stored), current: true }
    } catch (err) {
      if (!this.previousAccountKey) throw err
      return { secret: openText(this.previousAccountKey, aad, stored), current: false }
    }
  }

  /** Seal a text column's value for storage. Throws CaseKeyMissingError without a key. */
  sealText(caseId: string, column: string, text: string): string {
    return sealText(this.require(caseId), aadOf(caseId, column), text)
  }

  /** A stored text value as written (legacy plaintext as is). Throws CaseKeyMissingError or SealError. */
  openText(caseId: string, column: string, stored: string): string {
    if (!isSealedText(stored)) return stored
    return openText(this.require(caseId), aadOf(caseId, column), stored)
  }

  sealBlob(caseId: string, column: string, plain: Uint8Array): Buffer {
    return sealBlob(this.require(caseId), aadOf(caseId, column), plain)
  }

  openBlob(caseId: string, column: string, stored: Uint8Array): Uint8Array {
    if (!isSealedBlob(stored)) return stored
    return openBlob(this.require(caseId), aadOf(caseId, column), stored)
  }

  private require(caseId: string): Buffer {
    const key = this.get(caseId)
    if (!key) throw new CaseKeyMissingError()
    return key
  }
}
