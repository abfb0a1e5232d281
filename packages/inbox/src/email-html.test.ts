import { describe, expect, test } from 'vitest'
import { buildEmailFrame, EMAIL_FRAME_CSP } from './email-html'
import { type FakeElement, parseFake } from './test-dom'

const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${EMAIL_FRAME_CSP}">`

function frame(html: string, loadImages = false) {
  return buildEmailFrame(html, { loadImages }, parseFake)
}

/** The body the srcdoc carries, parsed back so tests look at elements, not at spelling. */
function bodyOf(srcdoc: string): FakeElement[] {
  const start = srcdoc.indexOf('<body>')
  const end = srcdoc.lastIndexOf('</body>')
  return parseFake(srcdoc.slice(start + '<body>'.length, end)).body.descendants()
}

describe('email frame srcdoc', () => {
  test('opens with the CSP meta, before anything from the email', () => {
    const { srcdoc } = frame('<p>Hello <b>王先生</b></p>')
    expect(srcdoc.startsWith(CSP_META)).toBe(true)
    expect(EMAIL_FRAME_CSP).toBe(
      "default-src 'none'; img-src data: cid: https: http:; style-src 'unsafe-inline'",
    )
    expect(srcdoc).toContain('<meta name="referrer" content="no-referrer">')
    expect(srcdoc).toContain('<body><p>Hello <b>王先生</b></p></body>')
  })

  test('scripts, handlers and active elements in the input stay neutralised', () => {
    const { srcdoc } = frame(
      [
        '<p onclick="alert(1)" onmouseover=alert(2)>hi</p>',
        '<script>alert(3)</script>',
        '<img src="x" onerror="alert(4)">',
        '<a href="javascript:alert(5)">click</a>',
        '<a href=" JaVaScRiPt:alert(6)">again</a>',
        '<iframe src="https://evil.example/"></iframe>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<form action="https://evil.example/"><input name="password"><button>Go</button></form>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<base href="https://evil.example/">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<style>body{background:url(https://tracker.example/a.gif)}</style>',
        '<svg><script>alert(7)</script></svg>',
        '<div style="background-image:url(https://tracker.example/b.gif)">styled</div>',
        '<table background="https://tracker.example/c.gif"><tr><td>cell</td></tr></table>',
        '<a href="https://shop.example/order/1" target="_blank">order</a>',
        '<a href="mailto:help@shop.example">mail</a>',
      ].join(''),
    )
    const elements = bodyOf(srcdoc)
    const tags = elements.map((e) => e.tagName.toLowerCase())
    for (const tag of ['script', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'meta']) {
      expect(tags).not.toContain(tag)
    }
    for (const tag of ['base', 'link', 'style', 'svg']) expect(tags).not.toContain(tag)
    for (const element of elements) {
      for (const { name, value } of Array.from(element.attributes)) {
        expect(name.startsWith('on'), `${name} on <${element.tagName}>`).toBe(false)
        expect(value.toLowerCase()).not.toContain('javascript:')
        expect(value).not.toContain('tracker.example')
      }
    }
    // Only our own CSP meta is left, and only once; harmless content survives.
    expect(srcdoc.split('http-equiv').length).toBe(2)
    expect(srcdoc).not.toContain('alert(')
    expect(srcdoc).toContain('>hi</p>')
    expect(srcdoc).toContain('>styled</div>')
    expect(srcdoc).toContain('<a href="https://shop.example/order/1" target="_blank">order</a>')
    expect(srcdoc).toContain('<a href="mailto:help@shop.example">mail</a>')
  })

  test('markup in text and attribute values stays text', () => {
    const { srcdoc } = frame(
      '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&lt;b&gt;</p>',
    )
    const [p] = bodyOf(srcdoc)
    expect(p?.getAttribute('title')).toBe('"><script>alert(1)</script>')
    expect(bodyOf(srcdoc).map((e) => e.tagName)).toEqual(['P'])
    expect(srcdoc).toContain('&lt;b&gt;')
  })

  test('remote images stay parked until loaded, and are counted', () => {
    const html =
      '<img data-kefu-src="https://cdn.example/logo.png" alt="logo">' +
      '<img data-kefu-src="http://img.example/a.gif">' +
      '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">'
    const blocked = frame(html)
    expect(blocked.remoteImages).toBe(2)
    const imgs = bodyOf(blocked.srcdoc)
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual([
      null,
      null,
      'data:image/png;base64,iVBORw0KGgo=',
    ])

    const loaded = frame(html, true)
    expect(loaded.remoteImages).toBe(0)
    const shown = bodyOf(loaded.srcdoc)
    expect(shown.map((i) => i.getAttribute('src'))).toEqual([
      'https://cdn.example/logo.png',
      'http://img.example/a.gif',
      'data:image/png;base64,iVBORw0KGgo=',
    ])
    expect(shown.every((i) => i.getAttribute('data-kefu-src') === null)).toBe(true)
    expect(shown[0]?.getAttribute('alt')).toBe('logo')
  })

  test('the data-kefu-src swap only ever sets img src, and only to http(s)', () => {
    const html =
      '<div data-kefu-src="https://x.example/div.png">div</div>' +
      '<a href="https://shop.example/" data-kefu-src="https://x.example/a.png">link</a>' +
      '<iframe data-kefu-src="https://x.example/frame"></iframe>' +
      '<img data-kefu-src="javascript:alert(1)">' +
      '<img data-kefu-src="data:image/svg+xml,<svg onload=alert(1)>">' +
      '<img data-kefu-src="https://x.example/ok.png" onerror="alert(2)">'
    const { srcdoc, remoteImages } = frame(html, true)
    expect(remoteImages).toBe(0)
    const elements = bodyOf(srcdoc)
    const div = elements.find((e) => e.tagName === 'DIV')
    const link = elements.find((e) => e.tagName === 'A')
    expect(div?.getAttribute('src')).toBeNull()
    expect(div?.getAttribute('data-kefu-src')).toBe('https://x.example/div.png')
    expect(link?.getAttribute('src')).toBeNull()
    expect(link?.getAttribute('href')).toBe('https://shop.example/')
    expect(elements.some((e) => e.tagName === 'IFRAME')).toBe(false)
    const imgs = elements.filter((e) => e.tagName === 'IMG')
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual([null, null, 'https://x.example/ok.png'])
    expect(imgs[2]?.getAttribute('onerror')).toBeNull()
    expect(srcdoc).not.toContain('alert(')
  })

  test('a remote src the server let through is parked too', () => {
    const blocked = frame('<img src="https://tracker.example/open.gif?u=1">')
    expect(blocked.remoteImages).toBe(1)
    expect(bodyOf(blocked.srcdoc)[0]?.getAttribute('src')).toBeNull()
    expect(
      bodyOf(
        frame('<img src="https://tracker.example/open.gif?u=1">', true).srcdoc,
      )[0]?.getAttribute('src'),
    ).toBe('https://tracker.example/open.gif?u=1')
  })
})
