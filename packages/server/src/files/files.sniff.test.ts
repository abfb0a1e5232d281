import { describe, expect, test } from 'vitest'
import { cleanFilename, contentDisposition, judgeFile, sniffFile } from './files.sniff.js'

const all = ['image', 'pdf', 'office', 'text', 'zip'] as const
const ZIP = Buffer.from('504b0304140000000800', 'hex')

describe('what a file is, from its bytes', () => {
  test('text is text unless it is markup or binary; GBK text counts as text', async () => {
    expect(await sniffFile(Buffer.from('订单 1024\n'), 'a.txt')).toEqual({
      mime: 'text/plain',
      kind: 'text',
    })
    expect(await sniffFile(Buffer.from('a,b\n1,2\n'), 'a.csv')).toEqual({
      mime: 'text/csv',
      kind: 'text',
    })
    expect(await sniffFile(Buffer.from([0xb6, 0xa9, 0xb5, 0xa5, 0x0a]), 'gbk.txt')).toMatchObject({
      kind: 'text',
    })
    expect(await sniffFile(Buffer.from('\uFEFF  <svg onload=x>'), 'a.txt')).toEqual({
      mime: 'text/html',
      kind: null,
    })
    expect((await sniffFile(Buffer.from([1, 2, 3, 0, 5]), 'a.bin')).kind).toBeNull()
  })

  test('a name that promises a kind must get it; a zip may stand for an office file', async () => {
    const zip = await sniffFile(ZIP, 'x')
    expect(judgeFile({ sniffed: zip, filename: 'report.docx', allowed: all })).toMatchObject({
      ok: true,
      kind: 'office',
    })
    expect(judgeFile({ sniffed: zip, filename: 'photo.jpg', allowed: all })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    })
    expect(judgeFile({ sniffed: zip, filename: 'bundle.zip', allowed: ['image'] })).toMatchObject({
      ok: false,
      reason: 'forbidden',
    })
    expect(judgeFile({ sniffed: zip, filename: 'noext', allowed: all })).toMatchObject({ ok: true })
  })

  test('a name that runs or renders is refused, whatever the bytes', async () => {
    const text = await sniffFile(Buffer.from('hello\n'), 'x')
    const zip = await sniffFile(ZIP, 'x')
    for (const name of ['page.html', 'logo.SVG', 'app.js', 'run.bat', 'a.ps1', 'x.hta', 'y.cmd']) {
      expect(judgeFile({ sniffed: text, filename: name, allowed: all }), name).toMatchObject({
        ok: false,
        reason: 'mismatch',
      })
    }
    expect(judgeFile({ sniffed: zip, filename: 'setup.exe', allowed: all })).toMatchObject({
      ok: false,
    })
    expect(judgeFile({ sniffed: zip, filename: 'a.jar', allowed: all })).toMatchObject({
      ok: false,
    })
  })

  test('a name with no extension of its kind gets the kind’s own', async () => {
    const judge = async (bytes: Buffer, filename: string) =>
      judgeFile({ sniffed: await sniffFile(bytes, filename), filename, allowed: all })
    const PNG = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    )
    expect(await judge(Buffer.from('订单\n'), '说明')).toMatchObject({
      ok: true,
      filename: '说明.txt',
    })
    expect(await judge(ZIP, 'backup.dat')).toMatchObject({ ok: true, filename: 'backup.dat.zip' })
    expect(await judge(PNG, 'screenshot')).toMatchObject({ ok: true, filename: 'screenshot.png' })
    expect(await judge(Buffer.from('a\n'), 'notes.txt')).toMatchObject({ filename: 'notes.txt' })
    expect(await judge(ZIP, 'report.docx')).toMatchObject({ filename: 'report.docx' })
    const long = await judge(Buffer.from('a\n'), 'x'.repeat(200))
    expect(long).toMatchObject({ ok: true })
    expect(long.ok && long.filename.length).toBe(200)
    expect(long.ok && long.filename.endsWith('.txt')).toBe(true)
  })

  test('file names lose format characters that disguise them, and trailing dots', () => {
    // U+202E shows "invoice\u202Efdp.exe" as "invoiceexe.pdf".
    expect(cleanFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe')
    expect(cleanFilename('\u200Bphoto\u2066\u0085\u2028.png')).toBe('photo.png')
    expect(cleanFilename('page.html. .')).toBe('page.html')
    expect(cleanFilename('\u202E')).toBe('file')
  })

  test('file names lose paths and control characters, keep Chinese, and stay short', () => {
    expect(cleanFilename('C:\\Users\\li\\桌面\\发票.pdf')).toBe('发票.pdf')
    expect(cleanFilename('../../etc/passwd')).toBe('passwd')
    expect(cleanFilename('a\r\nb".png')).toBe('ab.png')
    expect(cleanFilename('..')).toBe('file')
    const long = cleanFilename(`${'长'.repeat(300)}.pdf`)
    expect(long.length).toBeLessThanOrEqual(200)
    expect(long.endsWith('.pdf')).toBe(true)
  })

  test('Content-Disposition carries an ASCII fallback and the exact UTF-8 name (RFC 6266/5987)', () => {
    expect(contentDisposition('attachment', "报价单 (v2)'s.pdf")).toBe(
      `attachment; filename="___ (v2)'s.pdf"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95%20%28v2%29%27s.pdf`,
    )
    expect(contentDisposition('inline', 'a\\b%.png')).toBe(
      `inline; filename="a_b_.png"; filename*=UTF-8''a%5Cb%25.png`,
    )
  })
})
