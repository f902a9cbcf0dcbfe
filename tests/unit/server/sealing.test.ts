/**
 * The sealed format (sealFormat.js) and the case keys (caseKeys.ts): values open only with their
 * key, case and column; legacy plaintext reads as is; erasing a key overwrites its file with zeros
 * (a reader holding it open reads zeros) before unlinking it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { aadOf, isSealedBlob, openBlob, openText, SealError, sealBlob, sealText } from '../../../server/storage/sealFormat.js'
import { CaseKeys, MasterKeyError, parseMasterKey } from '../../../server/storage/caseKeys.ts'

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kt-seal-'))
const CASE = 'AAAAAAAAAAAAAAAAAAAAAA'
const OTHER = 'BBBBBBBBBBBBBBBBBBBBBB'

describe('the sealed format', () => {
  const key = randomBytes(32)
  it('round-trips blobs and texts, with the magic and a fresh IV each time', () => {
    const plain = Buffer.from('Schulden en stress')
    const a = sealBlob(key, aadOf(CASE, 'case_updates.data'), plain)
    const b = sealBlob(key, aadOf(CASE, 'case_updates.data'), plain)
    expect(a.subarray(0, 4).toString('latin1')).toBe('KTE1')
    expect(a.equals(b)).toBe(false)
    expect(a.includes(plain)).toBe(false)
    expect(openBlob(key, aadOf(CASE, 'case_updates.data'), a)).toEqual(plain)
    const t = sealText(key, aadOf(CASE, 'cases.title'), 'Gezin Jansen')
    expect(t.startsWith('kte1:')).toBe(true)
    expect(openText(key, aadOf(CASE, 'cases.title'), t)).toBe('Gezin Jansen')
  })

  it('refuses another key, another case, another column and damaged bytes', () => {
    const sealed = sealBlob(key, aadOf(CASE, 'snapshots.plan'), Buffer.from('plan'))
    expect(() => openBlob(randomBytes(32), aadOf(CASE, 'snapshots.plan'), sealed)).toThrow(SealError)
    expect(() => openBlob(key, aadOf(OTHER, 'snapshots.plan'), sealed)).toThrow(SealError)
    expect(() => openBlob(key, aadOf(CASE, 'snapshots.summary'), sealed)).toThrow(SealError)
    const damaged = Buffer.from(sealed)
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 1, damaged.length - 1)
    expect(() => openBlob(key, aadOf(CASE, 'snapshots.plan'), damaged)).toThrow(SealError)
    expect(isSealedBlob(Buffer.from('plain yjs bytes'))).toBe(false)
  })
})

describe('case keys', () => {
  it('parse master keys in three notations and nothing else', () => {
    const k = randomBytes(32)
    for (const v of [k.toString('hex'), k.toString('base64url'), k.toString('base64'), ` ${k.toString('hex')}\n`]) expect(parseMasterKey(v)).toEqual(k)
    for (const v of ['', 'abc', k.toString('hex').slice(1), `${k.toString('base64url')}x`]) expect(parseMasterKey(v)).toBeNull()
  })

  it('read legacy plaintext as is and seal with the case key', () => {
    const dataDir = tmp()
    const keys = new CaseKeys({ dir: path.join(dataDir, 'keys'), master: randomBytes(32), dataDir })
    keys.create(CASE)
    expect(keys.openText(CASE, 'cases.title', 'Oude titel')).toBe('Oude titel')
    expect(keys.openText(CASE, 'cases.title', keys.sealText(CASE, 'cases.title', 'Nieuw'))).toBe('Nieuw')
    expect(() => keys.sealText(OTHER, 'cases.title', 'x')).toThrow(/missing/)
  })

  it('erase by overwriting the key file with zeros before unlinking it, and forget it', () => {
    const dataDir = tmp()
    const master = randomBytes(32)
    const keys = new CaseKeys({ dir: path.join(dataDir, 'keys'), master, dataDir })
    keys.create(CASE)
    const file = path.join(dataDir, 'keys', `${CASE}.key`)
    const size = fs.statSync(file).size
    const fd = fs.openSync(file, 'r')
    try {
      keys.erase(CASE)
      expect(fs.existsSync(file)).toBe(false)
      const held = Buffer.alloc(size)
      fs.readSync(fd, held, 0, size, 0)
      expect(held.equals(Buffer.alloc(size))).toBe(true)
    } finally {
      fs.closeSync(fd)
    }
    expect(keys.get(CASE)).toBeNull()
    expect(new CaseKeys({ dir: path.join(dataDir, 'keys'), master, dataDir }).get(CASE)).toBeNull()
  })

  it('report a missing key file once, but never for a new case being given its key', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-seal-'))
    const errors: string[] = []
    const log = { warn: () => {}, error: (_o: object, msg: string) => { errors.push(msg) } }
    const keys = new CaseKeys({ dir: path.join(dataDir, 'keys'), master: randomBytes(32), dataDir, log })
    keys.create(CASE)
    expect(errors).toEqual([])
    expect(keys.get('B'.repeat(22))).toBeNull()
    expect(keys.get('B'.repeat(22))).toBeNull()
    expect(errors).toHaveLength(1)
  })

  it('refuse to start on key files of an unknown master key', () => {
    const dataDir = tmp()
    new CaseKeys({ dir: path.join(dataDir, 'keys'), master: randomBytes(32), dataDir }).create(CASE)
    expect(() => new CaseKeys({ dir: path.join(dataDir, 'keys'), master: randomBytes(32), dataDir })).toThrow(MasterKeyError)
  })
})
