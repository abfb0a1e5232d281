import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { runEmailCommand } from './email.cli.js'
import { corpusDir } from './email.corpus.js'

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk))
    return true
  })
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk))
    return true
  })
  return { stdout: () => out.join(''), stderr: () => err.join('') }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('kefu email parse', () => {
  test('--json prints one object with exactly the documented keys', async () => {
    const io = capture()
    const code = await runEmailCommand(['parse', join(corpusDir(), 'qqmail-reply.eml'), '--json'])
    expect(code).toBe(0)
    const result = JSON.parse(io.stdout())
    expect(Object.keys(result)).toEqual([
      'subject',
      'from',
      'to',
      'cc',
      'date',
      'messageId',
      'inReplyTo',
      'references',
      'text',
      'newText',
      'quotedText',
      'html',
      'attachments',
      'isAutomatic',
    ])
    expect(result.from).toEqual({ name: '张喆', address: '1093847562@qq.com' })
    expect(result.newText).toBe('好的，我收到了，谢谢！\n另外能开发票吗？抬头：个人。')
  })

  test('without --json it prints a short summary', async () => {
    const io = capture()
    expect(await runEmailCommand(['parse', join(corpusDir(), 'attachments-outlook.eml')])).toBe(0)
    expect(io.stdout()).toContain('From:        Pieter de Vries <p.devries@vriesbouw.example>')
    expect(io.stdout()).toContain('  - delivery-note-signed.pdf (application/pdf, 125 B)')
  })

  test('a missing file is an error on stderr with exit code 2', async () => {
    const io = capture()
    expect(await runEmailCommand(['parse', '/nonexistent/mail.eml', '--json'])).toBe(2)
    expect(io.stderr()).toContain('no such file')
    expect(io.stdout()).toBe('')
  })

  test('a refused message prints a coded error with exit code 1', async () => {
    const io = capture()
    const code = await runEmailCommand(['parse', join(corpusDir(), 'deep-nesting.eml'), '--json'])
    expect(code).toBe(1)
    expect(JSON.parse(io.stdout())).toEqual({
      error: { code: 'email.too_deep', message: expect.any(String) },
    })
  })

  test('an empty file is unparseable', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kefu-email-')), 'empty.eml')
    writeFileSync(file, '')
    const io = capture()
    expect(await runEmailCommand(['parse', file, '--json'])).toBe(1)
    expect(JSON.parse(io.stdout()).error.code).toBe('email.unparseable')
  })

  test('usage errors exit with 2', async () => {
    const io = capture()
    expect(await runEmailCommand(['parse'])).toBe(2)
    expect(await runEmailCommand(['parse', 'a.eml', '--bogus'])).toBe(2)
    expect(await runEmailCommand(['frobnicate'])).toBe(2)
    expect(io.stderr()).toContain('Usage: kefu email parse FILE.eml [--json]')
  })
})
