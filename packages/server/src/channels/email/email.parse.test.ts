import iconv from 'iconv-lite'
import { describe, expect, test } from 'vitest'
import { EmailParseError, parseDateHeader, parseEmail, parseReferences } from './email.parse.js'

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n')
const word = (text: string, charset: string) =>
  `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`

/** A one-part message in the given charset, its body base64-encoded. */
function message(options: { charset: string; subject: string; body: string; from?: string }) {
  const head = crlf(
    [
      `From: ${options.from ?? 'Customer <customer@example.com>'}`,
      'To: support@kefu.example',
      `Subject: ${word(options.subject, options.charset)}`,
      'Date: Thu, 20 Nov 2025 10:31:05 +0800',
      'Message-ID: <charset-test@example.com>',
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset="${options.charset}"`,
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\n'),
  )
  return Buffer.from(
    head + iconv.encode(options.body, options.charset).toString('base64'),
    'latin1',
  )
}

async function refusal(raw: Buffer, limits?: Parameters<typeof parseEmail>[1]) {
  try {
    await parseEmail(raw, limits)
  } catch (err) {
    expect(err).toBeInstanceOf(EmailParseError)
    return (err as EmailParseError).reason
  }
  throw new Error('the message was accepted')
}

describe('charsets', () => {
  test.each([
    ['GBK', '订单没有收到，请查一下物流', '物流查询'],
    ['GB2312', '您好，发票已经收到了', '发票'],
    ['GB18030', '收件人姓名是刘䶮，不是刘岩；还有𠮷字', '生僻字𠮷'],
    ['Big5', '您好，請問退款什麼時候會到帳？', '退款查詢'],
  ])('a %s body and subject decode', async (charset, body, subject) => {
    const email = await parseEmail(message({ charset, subject, body }))
    expect(email.subject).toBe(subject)
    expect(email.text.trim()).toBe(body)
    expect(email.newText).toBe(body)
  })

  test('GB2312-labelled mail with GBK-only characters decodes (clients label GBK as gb2312)', async () => {
    const body = '陈喆和王镕都可以代收'
    const raw = message({ charset: 'GBK', subject: '代收', body })
    const relabelled = Buffer.from(
      raw.toString('latin1').replace('charset="GBK"', 'charset="gb2312"'),
      'latin1',
    )
    expect((await parseEmail(relabelled)).text.trim()).toBe(body)
  })

  test('ISO-2022-JP subjects and bodies decode', async () => {
    // iconv-lite cannot encode ISO-2022-JP: look the JIS X 0208 codes up with the WHATWG decoder
    const decoder = new TextDecoder('iso-2022-jp')
    const codes = new Map<string, number[]>()
    for (let a = 0x21; a < 0x7f; a++) {
      for (let b = 0x21; b < 0x7f; b++) {
        const char = decoder.decode(Uint8Array.from([0x1b, 0x24, 0x42, a, b, 0x1b, 0x28, 0x42]))
        if (!codes.has(char)) codes.set(char, [a, b])
      }
    }
    const jis = (text: string) =>
      Buffer.from([0x1b, 0x24, 0x42, ...[...text].flatMap((c) => codes.get(c)!), 0x1b, 0x28, 0x42])
    const raw = Buffer.concat([
      Buffer.from(
        crlf(
          `From: yamada@example.jp\nSubject: =?ISO-2022-JP?B?${jis('注文').toString('base64')}?=\nContent-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n`,
        ),
      ),
      jis('ありがとう'),
      Buffer.from('\r\n'),
    ])
    const email = await parseEmail(raw)
    expect(email.subject).toBe('注文')
    expect(email.text.trim()).toBe('ありがとう')
  })

  test('sender names in encoded words decode and addresses are lower-cased', async () => {
    const email = await parseEmail(
      message({
        charset: 'GBK',
        subject: 'x',
        body: 'x',
        from: `${word('张三', 'GBK')} <ZhangSan@QQ.com>`,
      }),
    )
    expect(email.from).toEqual({ name: '张三', address: 'zhangsan@qq.com' })
  })

  test('attachment names in RFC 2047 (GBK) and RFC 2231 (GBK, UTF-8 continuations) decode', async () => {
    const percent = (text: string, charset: string) =>
      [...iconv.encode(text, charset)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
    const raw = Buffer.from(
      crlf(`From: a@example.com
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

见附件
--b
Content-Type: application/pdf; name="${word('发票.pdf', 'GBK')}"
Content-Disposition: attachment; filename="${word('发票.pdf', 'GBK')}"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename*=GBK''${percent('合同.pdf', 'GBK')}
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b
Content-Type: application/pdf
Content-Disposition: attachment;
 filename*0*=UTF-8''${percent('订货', 'utf8')};
 filename*1*=${percent('清单.pdf', 'utf8')}
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b--
`),
      'latin1',
    )
    const email = await parseEmail(raw)
    expect(email.attachments.map((a) => a.filename)).toEqual([
      '发票.pdf',
      '合同.pdf',
      '订货清单.pdf',
    ])
  })

  test('an unknown charset label falls back to UTF-8 rather than failing', async () => {
    const raw = Buffer.from(
      crlf(
        'From: a@example.com\nSubject: =?x-bogus?B?5L2g5aW9?=\nContent-Type: text/plain; charset=x-bogus\nContent-Transfer-Encoding: 8bit\n\n你好\n',
      ),
    )
    const email = await parseEmail(raw)
    expect(email.text.trim()).toBe('你好')
  })
})

describe('limits', () => {
  const small = Buffer.from(crlf('From: a@example.com\nSubject: hi\n\nhello\n'))

  test('a message over maxBytes is refused as too_large', async () => {
    expect(await refusal(small, { limits: { maxBytes: 20 } })).toBe('too_large')
  })

  test('a header section with too many lines is a header_bomb', async () => {
    const lines = Array.from({ length: 2_100 }, (_, i) => `X-Filler-${i}: x`).join('\n')
    const raw = Buffer.from(crlf(`From: a@example.com\n${lines}\n\nbody\n`))
    expect(await refusal(raw)).toBe('header_bomb')
  })

  test('one enormous folded header is a header_bomb too', async () => {
    const folded = Array.from({ length: 1_500 }, () => ` ${'x'.repeat(200)}`).join('\n')
    const raw = Buffer.from(crlf(`From: a@example.com\nSubject: big\n${folded}\n\nbody\n`))
    expect(await refusal(raw)).toBe('header_bomb')
  })

  test('a header bomb inside a MIME part is caught as well', async () => {
    const lines = Array.from({ length: 2_100 }, (_, i) => `X-Filler-${i}: x`).join('\n')
    const raw = Buffer.from(
      crlf(
        `From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\n${lines}\n\ntext\n--b--\n`,
      ),
    )
    expect(await refusal(raw)).toBe('header_bomb')
  })

  test('a message without a blank line after its headers is measured as all header', async () => {
    const raw = Buffer.from(`From: a@example.com\r\nSubject: ${'y'.repeat(300 * 1024)}\r\n`)
    expect(await refusal(raw)).toBe('header_bomb')
  })

  test('too many parts are refused', async () => {
    const parts = Array.from({ length: 12 }, (_, i) => `--b\nContent-Type: text/plain\n\n${i}\n`)
    const raw = Buffer.from(
      crlf(
        `From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n${parts.join('')}--b--\n`,
      ),
    )
    expect(await refusal(raw, { limits: { maxParts: 10 } })).toBe('too_many_parts')
    await expect(parseEmail(raw)).resolves.toBeDefined()
  })

  test('multiparts nested too deep are refused', async () => {
    let body = 'Content-Type: text/plain\n\ndeep\n'
    for (let i = 0; i < 25; i++) {
      body = `Content-Type: multipart/mixed; boundary="n${i}"\n\n--n${i}\n${body}--n${i}--\n`
    }
    const raw = Buffer.from(crlf(`From: a@example.com\n${body}`))
    expect(await refusal(raw)).toBe('too_deep')
  })

  test('embedded messages count as nesting', async () => {
    let body = 'Subject: innermost\n\nhello\n'
    for (let i = 0; i < 6; i++) body = `Content-Type: message/rfc822\n\n${body}`
    const raw = Buffer.from(crlf(`From: a@example.com\n${body}`))
    expect(await refusal(raw, { limits: { maxDepth: 4 } })).toBe('too_deep')
  })

  test('a closing boundary of an outer multipart closes the inner ones (no false depth)', async () => {
    let raw = 'From: a@example.com\nContent-Type: multipart/mixed; boundary=outer\n\n'
    for (let i = 0; i < 30; i++) {
      raw += `--outer\nContent-Type: multipart/alternative; boundary=inner${i}\n\n--inner${i}\nContent-Type: text/plain\n\npart ${i}\n`
    }
    raw += '--outer--\n'
    const email = await parseEmail(Buffer.from(crlf(raw)))
    expect(email.text).toContain('part 29')
  })

  test('an attachment over maxAttachmentBytes keeps its metadata but not its content', async () => {
    const content = Buffer.alloc(3000, 7)
    const raw = Buffer.from(
      crlf(`From: a@example.com
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

see attachment
--b
Content-Type: application/octet-stream; name=big.bin
Content-Disposition: attachment; filename=big.bin
Content-Transfer-Encoding: base64

${content.toString('base64')}
--b--
`),
    )
    const email = await parseEmail(raw, { limits: { maxAttachmentBytes: 1000 } })
    expect(email.attachments[0]).toMatchObject({
      filename: 'big.bin',
      size: 3000,
      truncated: true,
    })
    expect(email.attachments[0]!.content.length).toBe(0)
  })

  test('input that has no header at all is unparseable', async () => {
    expect(await refusal(Buffer.alloc(0))).toBe('unparseable')
    expect(await refusal(Buffer.from([0, 1, 2, 255, 254, 10, 13, 0]))).toBe('unparseable')
  })
})

describe('dates', () => {
  const receivedAt = new Date('2025-12-01T08:00:00Z')
  const withDate = (date: string | null) =>
    Buffer.from(
      crlf(`From: a@example.com\n${date === null ? '' : `Date: ${date}\n`}Subject: x\n\nbody\n`),
    )

  test('a missing Date falls back to the arrival time', async () => {
    const email = await parseEmail(withDate(null), { receivedAt })
    expect(email).toMatchObject({ date: receivedAt.toISOString(), dateFromHeader: false })
  })

  test('an unreadable Date falls back to the arrival time', async () => {
    for (const date of ['yesterday', 'Thu, 45 Nov 2025 10:00:00 +0000', '']) {
      const email = await parseEmail(withDate(date), { receivedAt })
      expect(email).toMatchObject({ date: receivedAt.toISOString(), dateFromHeader: false })
    }
  })

  test('RFC 5322 dates with offsets, comments and obsolete forms are read', () => {
    const cases: [string, string][] = [
      ['Thu, 20 Nov 2025 10:31:05 +0800 (CST)', '2025-11-20T02:31:05.000Z'],
      ['20 Nov 2025 10:31 -0500', '2025-11-20T15:31:00.000Z'],
      ['Thu, 20 Nov 25 10:31:05 GMT', '2025-11-20T10:31:05.000Z'],
      ['Thu, 20 Nov 2025 10:31:05 EST', '2025-11-20T15:31:05.000Z'],
      ['Thu,  20 Nov 2025 10:31:05 +0000', '2025-11-20T10:31:05.000Z'],
      ['2025-11-20T10:31:05+08:00', '2025-11-20T02:31:05.000Z'],
    ]
    for (const [value, iso] of cases) expect(parseDateHeader(value)?.toISOString()).toBe(iso)
  })

  test('dates far in the future or before 1970 are not trusted', () => {
    const now = new Date('2025-12-01T00:00:00Z')
    expect(parseDateHeader('Thu, 20 Nov 2031 10:31:05 +0000', now)).toBeNull()
    expect(parseDateHeader('Thu, 01 Jan 1960 00:00:00 +0000', now)).toBeNull()
  })
})

describe('threading headers', () => {
  test('References keep header order, drop duplicates and brackets, and survive folding', async () => {
    const raw = Buffer.from(
      crlf(`From: a@example.com
Message-ID: <m1@example.com>
In-Reply-To: <r3@example.com> (Alice's message of Thu, 20 Nov 2025)
References: <r1@example.com>
  <r2@example.com>
\t<r1@example.com> r3@example.com

body
`),
    )
    const email = await parseEmail(raw)
    expect(email.messageId).toBe('m1@example.com')
    expect(email.inReplyTo).toBe('r3@example.com')
    expect(email.references).toEqual(['r1@example.com', 'r2@example.com', 'r3@example.com'])
  })

  test('references separated by commas or without brackets are read', () => {
    expect(parseReferences(['<a@x>,<b@x>'])).toEqual(['a@x', 'b@x'])
    expect(parseReferences(['a@x b@x', 'c@x'])).toEqual(['a@x', 'b@x', 'c@x'])
    expect(parseReferences([''])).toEqual([])
  })

  test('a missing or unusable Message-ID is null, and the content hash identifies the message', async () => {
    const withoutId = Buffer.from(crlf('From: a@example.com\nSubject: x\n\nbody\n'))
    const unusable = Buffer.from(crlf('From: a@example.com\nMessage-ID: <>\nSubject: x\n\nbody\n'))
    const first = await parseEmail(withoutId)
    expect(first.messageId).toBeNull()
    expect((await parseEmail(unusable)).messageId).toBeNull()
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/)
    expect((await parseEmail(withoutId)).contentHash).toBe(first.contentHash)
  })

  test('the content hash ignores the route (Received, line ends) but not the content', async () => {
    const base = 'From: a@example.com\nSubject: x\nDate: Thu, 20 Nov 2025 10:31:05 +0800\n\nbody\n'
    const a = await parseEmail(Buffer.from(base))
    const b = await parseEmail(
      Buffer.from(crlf(`Received: from relay.example by mx.example; Thu, 20 Nov 2025\n${base}`)),
    )
    const c = await parseEmail(Buffer.from(base.replace('body', 'other body')))
    expect(b.contentHash).toBe(a.contentHash)
    expect(c.contentHash).not.toBe(a.contentHash)
  })
})

describe('addresses and parts', () => {
  test('groups are flattened, empty groups and bare names dropped', async () => {
    const raw = Buffer.from(
      crlf(`From: "Alice" <Alice@Example.COM>
To: undisclosed-recipients:;
Cc: Team: Bob@Example.com, carol@example.com;, dave
Reply-To: billing@example.com

body
`),
    )
    const email = await parseEmail(raw)
    expect(email.from).toEqual({ name: 'Alice', address: 'alice@example.com' })
    expect(email.to).toEqual([])
    expect(email.cc.map((a) => a.address)).toEqual(['bob@example.com', 'carol@example.com'])
    expect(email.replyTo).toEqual([{ name: '', address: 'billing@example.com' }])
  })

  test('inline images keep their Content-ID so that cid: links can be resolved', async () => {
    const raw = Buffer.from(
      crlf(`From: a@example.com
Content-Type: multipart/related; boundary=r

--r
Content-Type: text/html; charset=utf-8

<p>see <img src="cid:logo@kefu"></p>
--r
Content-Type: image/png
Content-ID: <logo@kefu>
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--r--
`),
    )
    const email = await parseEmail(raw)
    expect(email.html).toContain('cid:logo@kefu')
    expect(email.attachments[0]).toMatchObject({
      contentId: 'logo@kefu',
      inline: true,
      filename: 'attachment-1.png',
    })
  })

  test('HTML-only mail gets its text from the HTML', async () => {
    const raw = Buffer.from(
      crlf(
        'From: a@example.com\nContent-Type: text/html; charset=utf-8\n\n<p>Hello</p><p>Second&nbsp;line</p>\n',
      ),
    )
    const email = await parseEmail(raw)
    expect(email.text).toBe('Hello\n\nSecond line')
    expect(email.html).toContain('<p>Hello</p>')
  })
})

test('NUL characters are dropped, so PostgreSQL text columns accept every parsed mail', async () => {
  const parsed = await parseEmail(
    Buffer.from(
      'From: a@b.test\r\nSubject: =?utf-8?q?a=00b?=\r\nMessage-ID: <nul@b.test>\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=00b\r\n',
    ),
  )
  expect(parsed.subject).toBe('ab')
  expect(parsed.text).not.toContain('\u0000')
  expect(parsed.newText).not.toContain('\u0000')
})
