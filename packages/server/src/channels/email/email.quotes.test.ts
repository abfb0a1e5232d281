import { describe, expect, test } from 'vitest'
import { exceedsNesting, htmlToText } from './email.html.js'
import { splitQuoted, splitQuotedText } from './email.quotes.js'

describe('plain text', () => {
  test('a top-posted reply keeps the reply and drops the attribution and the quote', () => {
    const split = splitQuotedText(
      'Thanks, that works.\n\nOn Thu, Nov 20, 2025 at 10:31 AM Kefu <support@kefu.example> wrote:\n> Try again.\n',
    )
    expect(split.newText).toBe('Thanks, that works.')
    expect(split.quotedText).toBe(
      'On Thu, Nov 20, 2025 at 10:31 AM Kefu <support@kefu.example> wrote:\n> Try again.',
    )
  })

  test('inline answers between quotes are all new text', () => {
    const split = splitQuotedText('> Which plan?\nBusiness.\n\n> Since when?\nMarch.\n')
    expect(split.newText).toBe('Business.\n\nMarch.')
  })

  test('the "-- " signature and everything below it is removed', () => {
    const split = splitQuotedText('See you.\n-- \nAlice\n+1 555 0100\n')
    expect(split).toEqual({ newText: 'See you.', quotedText: '--\nAlice\n+1 555 0100' })
  })

  test('device footers go only when nothing new follows them', () => {
    expect(splitQuotedText('OK\n\nSent from my iPhone').newText).toBe('OK')
    expect(splitQuotedText('好的\n\n发自我的iPhone').newText).toBe('好的')
    expect(
      splitQuotedText('好的\n\n发自我的华为手机\n\n在 2025年11月20日 写道：\n> 原文').newText,
    ).toBe('好的')
    // a line that only starts like a footer, followed by more text, stays
    expect(
      splitQuotedText('Sent from my iPhone, sorry for typos.\nThe order is 7781.').newText,
    ).toBe('Sent from my iPhone, sorry for typos.\nThe order is 7781.')
  })

  test('Chinese headers end the new text: 原始邮件, 邮件原件, 发件人 blocks', () => {
    const qq =
      '收到\n\n------------------ 原始邮件 ------------------\n发件人: "客服"<s@k.example>;\n发送时间: 2025年11月20日\n收件人: "张三"<z@qq.com>;\n主题: 订单\n\n原文'
    expect(splitQuotedText(qq).newText).toBe('收到')
    expect(splitQuotedText('好的\n-----邮件原件-----\n发件人: 客服\n原文').newText).toBe('好的')
    const outlook =
      '好的\n\n发件人: 客服中心 <s@k.example>\n发送时间: 2025年11月20日 10:31\n收件人: 张三\n主题: 订单\n\n原文'
    expect(splitQuotedText(outlook).newText).toBe('好的')
    const padded =
      '可以\n------------------------------\n发件人：客服\n发送时间：今天\n主　题：合同\n原文'
    expect(splitQuotedText(padded).newText).toBe('可以')
  })

  test('"在 … 写道：" attributions are recognised, and "在吗" is not one', () => {
    const text =
      '在吗？\n在么，三天了还没发货。\n\n在 2025-12-02 18:05:11，"客服中心" <support@kefu.example> 写道：\n>明天发出。'
    expect(splitQuotedText(text).newText).toBe('在吗？\n在么，三天了还没发货。')
  })

  test('an attribution wrapped over two lines is taken whole', () => {
    const gmail =
      'Fine.\n\nOn Tue, Nov 25, 2025 at 9:55 AM Kefu Customer Support Team <\ncustomer-support-team@kefu.example> wrote:\n\n> Hello\n'
    expect(splitQuotedText(gmail).newText).toBe('Fine.')
    const gmailZh =
      '好的\n\n客服中心 <support@kefu.example> 于2025年11月20日周四\n10:31写道：\n\n> 您好\n'
    expect(splitQuotedText(gmailZh).newText).toBe('好的')
  })

  test('a sentence that merely mentions someone writing is not cut', () => {
    const text = 'On Monday my colleague wrote:\nthe invoice is wrong.\nPlease check.'
    expect(splitQuotedText(text).newText).toBe(text)
    const zh = '上次你们客服写道：七天无理由退货。\n现在为什么不行？'
    expect(splitQuotedText(zh).newText).toBe(zh)
    for (const opening of ['关于2025年的订单，你们写道：', '在2025年双十一的页面上你们写道：']) {
      const text = `${opening}\n七天无理由退货。\n现在为什么不行？`
      expect(splitQuotedText(text).newText).toBe(text)
    }
  })

  test('a header-like line in the customer text is not a header block', () => {
    const text = 'Subject: my refund\nI still have not received it.\nFrom: Alice'
    expect(splitQuotedText(text).newText).toBe(text)
  })

  test('a message that is only a forward has no new text', () => {
    const split = splitQuotedText(
      '---------- Forwarded message ---------\nFrom: Shop <s@shop.example>\nDate: today\nSubject: Receipt\n\nThanks for your order.',
    )
    expect(split.newText).toBe('')
    expect(split.quotedText).toContain('Thanks for your order.')
  })

  test('very long lines do not slow the patterns down', () => {
    const long = `在${'x'.repeat(200_000)}写道：\n> quote`
    const started = performance.now()
    splitQuotedText(`${long}\n`.repeat(5))
    expect(performance.now() - started).toBeLessThan(500)
  })
})

describe('HTML', () => {
  test('Gmail: gmail_quote is history, the signature goes, inline answers stay', () => {
    const html = `<div dir="ltr">Answer one.<br><span class="gmail_signature_prefix">-- </span><br><div class="gmail_signature">Alice</div></div>
      <div class="gmail_quote"><div class="gmail_attr">On Thu, Nov 20, 2025 at 10:31 AM Kefu wrote:<br></div>
      <blockquote class="gmail_quote" style="border-left:1px solid #ccc">Question?</blockquote></div>`
    expect(splitQuoted({ text: '', html }).newText).toBe('Answer one.')
    const inline = `<div>See below.</div><div class="gmail_quote"><div class="gmail_attr">On … wrote:</div>
      <blockquote class="gmail_quote">Q1</blockquote><div>A1</div><blockquote class="gmail_quote">Q2</blockquote><div>A2</div></div>`
    expect(splitQuoted({ text: '', html: inline }).newText).toBe('See below.\n\nA1\n\nA2')
  })

  test('Outlook: #divRplyFwdMsg and the #E1E1E1 border start the history', () => {
    const owa = `<div>Thanks!</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Kefu</div><div>old</div>`
    expect(splitQuoted({ text: '', html: owa }).newText).toBe('Thanks!')
    const desktop = `<div class=WordSection1><p class=MsoNormal>好的</p><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>发件人:</b> 客服</p></div><p class=MsoNormal>原文</p></div>`
    expect(splitQuoted({ text: '', html: desktop })).toEqual({
      newText: '好的',
      quotedText: '发件人: 客服\n原文',
    })
  })

  test('Apple Mail and Thunderbird: blockquote type=cite with its attribution', () => {
    const apple = `Yes.<div><br><blockquote type="cite"><div>On 30 Nov 2025, at 17:12, Kefu &lt;s@k.example&gt; wrote:</div><div>Q</div></blockquote></div>`
    expect(splitQuoted({ text: '', html: apple }).newText).toBe('Yes.')
    const thunderbird = `<p>Done.</p><div class="moz-cite-prefix">On 02/12/2025 09:30, Kefu wrote:<br></div><blockquote type="cite">Q</blockquote>`
    expect(splitQuoted({ text: '', html: thunderbird }).newText).toBe('Done.')
  })

  test('a bare blockquote used for indentation is new text, not history', () => {
    const html = `<div>Steps:</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px"><div>1. Open settings</div></blockquote><div>Thanks</div>`
    expect(splitQuoted({ text: '', html }).newText).toBe('Steps:\n\n1. Open settings\n\nThanks')
  })

  test('hidden elements, scripts and styles are not text', () => {
    const html = `<style>p{color:red}</style><script>alert(1)</script><p>Visible</p><div style="display: none">preheader</div>`
    expect(htmlToText(html)).toBe('Visible')
  })

  test('HTML nested too deep for a DOM falls back to the plain text', () => {
    const html = `${'<div>'.repeat(1000)}deep${'</div>'.repeat(1000)}`
    expect(exceedsNesting(html)).toBe(true)
    expect(splitQuoted({ text: 'plain version\n> quoted', html }).newText).toBe('plain version')
    expect(htmlToText(html)).toBe('deep')
  })

  test('unclosed paragraphs and table cells do not count as nesting', () => {
    expect(exceedsNesting('<p>a'.repeat(5000))).toBe(false)
    expect(exceedsNesting(`<table>${'<tr><td>x'.repeat(5000)}</table>`)).toBe(false)
  })

  test('text inside private-use marks cannot forge a quote', () => {
    const html = '<div>\uE002real text</div><div>more</div>'
    expect(splitQuoted({ text: '', html }).newText).toBe('real text\nmore')
  })
})
