import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { readSettings, SettingsError } from '../../../server/config.ts'

const defaults = { clientDir: '/tmp/client' }

describe('settings from the environment', () => {
  it('default to 127.0.0.1:8080 and ./data', () => {
    const s = readSettings({}, defaults)
    expect(s).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: path.resolve('data'), orgKey: null, logLevel: 'info' })
  })

  it('refuse invalid values with a message naming the setting', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT/],
      [{ PORT: '70000' }, /PORT/],
      [{ ORG_KEY: 'short' }, /ORG_KEY.*16/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
      [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
      [{ HOST: 'a b' }, /HOST/],
    ]
    for (const [env, message] of bad) {
      expect(() => readSettings(env, defaults)).toThrow(SettingsError)
      expect(() => readSettings(env, defaults)).toThrow(message)
    }
  })
})
