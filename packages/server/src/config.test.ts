import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kefu-config-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

test('defaults give an embedded SQLite database under DATA_DIR and a persisted secret', () => {
  const dir = tempDir()
  const first = loadConfig({ DATA_DIR: dir })
  expect(first.port).toBe(3000)
  expect(first.databaseUrl).toBe(`sqlite:${join(dir, 'kefu.db')}`)
  expect(first.publicUrl).toBe('http://localhost:3000')
  expect(first.secretSource).toBe('generated')
  expect(existsSync(join(dir, 'secret'))).toBe(true)
  expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600)
  const second = loadConfig({ DATA_DIR: dir })
  expect(second.secret).toBe(first.secret)
  expect(second.secretSource).toBe('file')
  expect(readFileSync(join(dir, 'secret'), 'utf8').trim()).toBe(first.secret)
})

test('invalid settings stop start-up with a message naming each variable', () => {
  const dir = tempDir()
  const attempt = () =>
    loadConfig({ DATA_DIR: dir, PORT: 'eighty', DATABASE_URL: 'mysql://x', KEFU_SECRET: 'short' })
  expect(attempt).toThrow(ConfigError)
  try {
    attempt()
  } catch (err) {
    const message = (err as Error).message
    for (const name of ['PORT', 'DATABASE_URL', 'KEFU_SECRET']) expect(message).toContain(name)
    expect(message).not.toContain('short')
  }
})
