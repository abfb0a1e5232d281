import type { FileKind } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import {
  addOrigin,
  addPreChatField,
  DEFAULT_COLOR,
  formFromSettings,
  maskSecret,
  movePreChatField,
  normalizeColor,
  normalizeOrigin,
  type PreChatRow,
  preChatProblems,
  previewModel,
  readableOn,
  removePreChatField,
  settingsFromForm,
  type WidgetForm,
} from './widget-settings'

const blank = formFromSettings({})

describe('origin validation', () => {
  test('scheme and host, with an optional port, are an origin', () => {
    expect(normalizeOrigin('https://shop.example.com')).toBe('https://shop.example.com')
    expect(normalizeOrigin(' https://Shop.Example.com/ ')).toBe('https://shop.example.com')
    expect(normalizeOrigin('https://shop.example.com:8443')).toBe('https://shop.example.com:8443')
    expect(normalizeOrigin('https://shop.example.com:443')).toBe('https://shop.example.com')
    expect(normalizeOrigin('http://localhost:5173')).toBe('http://localhost:5173')
    expect(normalizeOrigin('https://商店.例子')).toBe('https://xn--czrs0t.xn--fsqu00a')
  })

  test('paths, queries, fragments, credentials and other schemes are not', () => {
    for (const bad of [
      '',
      'shop.example.com',
      '//shop.example.com',
      'https://',
      'https://shop.example.com/path',
      'https://shop.example.com?x=1',
      'https://shop.example.com#top',
      'https://user:pw@shop.example.com',
      'ftp://shop.example.com',
      'javascript:alert(1)',
      'https://shop example.com',
      'https://shop.example.com:99999',
    ]) {
      expect(normalizeOrigin(bad), bad).toBeNull()
    }
  })

  test('adding keeps the list canonical and refuses repeats', () => {
    const first = addOrigin([], 'https://Shop.example.com/')
    expect(first).toEqual({ ok: true, origins: ['https://shop.example.com'] })
    expect(addOrigin(['https://shop.example.com'], 'https://shop.example.com:443')).toEqual({
      ok: false,
      reason: 'duplicate',
    })
    expect(addOrigin([], 'shop.example.com')).toEqual({ ok: false, reason: 'invalid' })
    const full = Array.from({ length: 50 }, (_, i) => `https://s${i}.example.com`)
    expect(addOrigin(full, 'https://one-more.example.com')).toEqual({ ok: false, reason: 'full' })
  })
})

const defaultFiles = { maxMb: '10', kinds: ['image', 'pdf', 'office', 'text', 'zip'] as FileKind[] }

describe('settings form → request body', () => {
  test('stored settings fill the form; absent ones get the defaults', () => {
    expect(blank).toEqual({
      color: DEFAULT_COLOR,
      position: 'right',
      launcherText: '',
      greeting: '',
      locale: '',
      allowedOrigins: [],
      preChat: [],
      emailInboxId: '',
      files: defaultFiles,
      sound: true,
    })
    expect(
      formFromSettings({
        color: '#AA3300',
        position: 'left',
        launcherText: 'Chat',
        greeting: 'Hi',
        locale: 'zh-TW',
        allowedOrigins: ['https://a.example'],
      }),
    ).toEqual({
      color: '#aa3300',
      position: 'left',
      launcherText: 'Chat',
      greeting: 'Hi',
      locale: 'zh-TW',
      allowedOrigins: ['https://a.example'],
      preChat: [],
      emailInboxId: '',
      files: defaultFiles,
      sound: true,
    })
  })

  test('the whole object is sent, trimmed, blank texts and "browser decides" left out', () => {
    const form: WidgetForm = {
      color: '#E11D48',
      position: 'left',
      launcherText: '  有问题？问我们  ',
      greeting: ' 你好！ ',
      locale: 'zh-CN',
      allowedOrigins: ['https://shop.example.com', 'https://SHOP.example.com/'],
      preChat: [],
      emailInboxId: '',
      files: defaultFiles,
      sound: true,
    }
    expect(settingsFromForm(form)).toEqual({
      ok: true,
      settings: {
        color: '#e11d48',
        position: 'left',
        launcherText: '有问题？问我们',
        greeting: '你好！',
        locale: 'zh-CN',
        allowedOrigins: ['https://shop.example.com'],
      },
    })
    expect(settingsFromForm({ ...blank, launcherText: '   ' })).toEqual({
      ok: true,
      settings: { color: DEFAULT_COLOR, position: 'right', allowedOrigins: [] },
    })
  })

  test('the email continuity inbox survives a save, and "off" leaves it out', () => {
    const form = formFromSettings({ emailContinuity: { emailInboxId: 'mail-1' } })
    expect(form.emailInboxId).toBe('mail-1')
    const on = settingsFromForm(form)
    expect(on.ok && on.settings.emailContinuity).toEqual({ emailInboxId: 'mail-1' })
    const off = settingsFromForm({ ...form, emailInboxId: '' })
    expect(off.ok && 'emailContinuity' in off.settings).toBe(false)
  })

  test('short colours are expanded; bad fields are named', () => {
    const short = settingsFromForm({ ...blank, color: 'f80' })
    expect(short.ok && short.settings.color).toBe('#ff8800')
    expect(normalizeColor('#12345g')).toBeNull()
    expect(
      settingsFromForm({
        ...blank,
        color: 'red',
        launcherText: 'x'.repeat(61),
        greeting: 'y'.repeat(501),
        allowedOrigins: ['https://ok.example', 'nope'],
      }),
    ).toEqual({ ok: false, fields: ['color', 'launcherText', 'greeting', 'allowedOrigins'] })
    expect(settingsFromForm({ ...blank, launcherText: 'x'.repeat(60) }).ok).toBe(true)
  })
})

describe('preview model', () => {
  test('follows the form as typed', () => {
    const model = previewModel(
      { ...blank, color: '#0f766e', position: 'left', launcherText: ' Chat ', greeting: ' Hi ' },
      'Acme Shop',
      'en',
    )
    expect(model).toEqual({
      color: '#0f766e',
      onColor: '#ffffff',
      position: 'left',
      title: 'Acme Shop',
      replyTime: null,
      greeting: 'Hi',
      launcherText: 'Chat',
      locale: 'en',
    })
  })

  test('keeps the last good colour mid-typing, and writes in the chosen language', () => {
    const model = previewModel({ ...blank, color: '#0f7', locale: 'zh-TW' }, 'A', 'en', '#123456')
    expect(model.color).toBe('#00ff77')
    expect(model.locale).toBe('zh-TW')
    const typing = previewModel({ ...blank, color: '#0f76' }, 'A', 'zh-CN', '#123456')
    expect(typing.color).toBe('#123456')
    expect(typing.locale).toBe('zh-CN')
    expect(typing.launcherText).toBeNull()
    expect(typing.greeting).toBeNull()
  })

  test('the header shows the team name and reply time from the business hours', () => {
    const hours = { teamName: ' Acme Care ', replyTime: 'hours' as const }
    const model = previewModel(blank, 'Acme Shop', 'en', undefined, hours)
    expect(model.title).toBe('Acme Care')
    expect(model.replyTime).toBe('hours')
    // No team name: the inbox name, as in the widget.
    expect(
      previewModel(blank, 'Acme Shop', 'en', undefined, { ...hours, teamName: ' ' }).title,
    ).toBe('Acme Shop')
  })

  test('text on the colour stays readable', () => {
    expect(readableOn('#1f6feb')).toBe('#ffffff')
    expect(readableOn('#000000')).toBe('#ffffff')
    expect(readableOn('#ffffff')).toBe('#111827')
    expect(readableOn('#fde047')).toBe('#111827')
  })

  test('the secret mask shows nothing of the secret', () => {
    expect(maskSecret('ab'.repeat(32))).toBe('•'.repeat(32))
    expect(maskSecret('abc')).toBe('•••')
  })
})

describe('pre-chat form editor', () => {
  const row = (key: string, extra: Partial<PreChatRow> = {}): PreChatRow => ({
    key,
    type: 'text',
    required: false,
    label: { en: '', 'zh-CN': '', 'zh-TW': '' },
    ...extra,
  })

  test('stored fields fill the rows, and the rows go back unchanged', () => {
    const fields = [
      {
        key: 'name',
        type: 'text' as const,
        required: true,
        label: { en: 'Name', 'zh-CN': '姓名' },
      },
      { key: 'order_no', type: 'text' as const, required: false },
    ]
    const form = formFromSettings({ color: '#1f6feb', preChat: { fields } })
    expect(form.preChat[0]).toEqual({
      key: 'name',
      type: 'text',
      required: true,
      label: { en: 'Name', 'zh-CN': '姓名', 'zh-TW': '' },
    })
    const result = settingsFromForm(form)
    expect(result.ok && result.settings.preChat).toEqual({ fields })
  })

  test('adding offers the built-in fields first, then a blank custom key, up to 10', () => {
    let rows: PreChatRow[] = []
    for (let i = 0; i < 3; i++) rows = addPreChatField(rows) ?? rows
    expect(rows.map((r) => [r.key, r.type, r.required])).toEqual([
      ['name', 'text', true],
      ['email', 'email', true],
      ['phone', 'tel', false],
    ])
    rows = addPreChatField(rows) ?? rows
    expect(rows[3]?.key).toBe('')
    const full = Array.from({ length: 10 }, (_, i) => row(`f${i}`))
    expect(addPreChatField(full)).toBeNull()
  })

  test('rows move and are removed; moving past either end changes nothing', () => {
    const rows = [row('a'), row('b'), row('c')]
    expect(movePreChatField(rows, 2, -1).map((r) => r.key)).toEqual(['a', 'c', 'b'])
    expect(movePreChatField(rows, 0, 1).map((r) => r.key)).toEqual(['b', 'a', 'c'])
    expect(movePreChatField(rows, 0, -1).map((r) => r.key)).toEqual(['a', 'b', 'c'])
    expect(movePreChatField(rows, 2, 1).map((r) => r.key)).toEqual(['a', 'b', 'c'])
    expect(removePreChatField(rows, 1).map((r) => r.key)).toEqual(['a', 'c'])
  })

  test('keys and labels are checked as the server checks them', () => {
    const long = 'x'.repeat(101)
    expect(
      preChatProblems([
        row('order_no'),
        row('Order No'),
        row(''),
        row('1st'),
        row('order_no'),
        row('a'.repeat(33)),
        row('note', { label: { en: long, 'zh-CN': '', 'zh-TW': '' } }),
      ]),
    ).toEqual([[], ['key'], ['key'], ['key'], ['duplicate'], ['key'], ['label']])
    expect(settingsFromForm({ ...blank, preChat: [row('Bad')] })).toEqual({
      ok: false,
      fields: ['preChat'],
    })
    const eleven = Array.from({ length: 11 }, (_, i) => row(`f${i}`))
    expect(settingsFromForm({ ...blank, preChat: eleven }).ok).toBe(false)
  })

  test('blank labels are left out and no rows means no form', () => {
    const result = settingsFromForm({
      ...blank,
      preChat: [
        row(' company ', { required: true, label: { en: ' Company ', 'zh-CN': ' ', 'zh-TW': '' } }),
      ],
    })
    expect(result.ok && result.settings.preChat).toEqual({
      fields: [{ key: 'company', type: 'text', required: true, label: { en: 'Company' } }],
    })
    const none = settingsFromForm(blank)
    expect(none.ok && 'preChat' in none.settings).toBe(false)
  })
})

test('the reply tone is on unless turned off, and only "off" is stored', () => {
  expect(formFromSettings({}).sound).toBe(true)
  expect(formFromSettings({ notify: { sound: false } }).sound).toBe(false)
  expect(settingsFromForm({ ...blank, sound: true })).toMatchObject({ ok: true })
  const on = settingsFromForm({ ...blank, sound: true })
  expect(on.ok && on.settings.notify).toBeUndefined()
  const off = settingsFromForm({ ...blank, sound: false })
  expect(off.ok && off.settings.notify).toEqual({ sound: false })
})
