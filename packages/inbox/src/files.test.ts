import { describe, expect, test } from 'vitest'
import { fileFormFromSettings, fileSettingsFromForm, toggleKind, uploadErrorKey } from './files'

describe('file limits form', () => {
  test('an inbox without limits shows the defaults: 10 MB, every kind', () => {
    expect(fileFormFromSettings(undefined)).toEqual({
      maxMb: '10',
      kinds: ['image', 'pdf', 'office', 'text', 'zip'],
    })
    expect(
      fileFormFromSettings({ maxBytes: 2.5 * 1024 * 1024, allowedTypes: ['zip', 'image'] }),
    ).toEqual({ maxMb: '2.5', kinds: ['image', 'zip'] })
  })

  test('the size must be 1 to 25 MB and at least one kind must stay', () => {
    const kinds = ['image' as const]
    expect(fileSettingsFromForm({ maxMb: '5', kinds })).toEqual({
      maxBytes: 5 * 1024 * 1024,
      allowedTypes: ['image'],
    })
    expect(fileSettingsFromForm({ maxMb: '1,5', kinds })?.maxBytes).toBe(1.5 * 1024 * 1024)
    for (const maxMb of ['', '0', '26', 'ten']) {
      expect(fileSettingsFromForm({ maxMb, kinds })).toBeNull()
    }
    expect(fileSettingsFromForm({ maxMb: '5', kinds: [] })).toBeNull()
  })

  test('kinds keep their order when toggled, and refusals map to readable messages', () => {
    expect(toggleKind(['zip'], 'image', true)).toEqual(['image', 'zip'])
    expect(toggleKind(['image', 'zip'], 'image', false)).toEqual(['zip'])
    expect(uploadErrorKey('file.too_large')).toBe('files.tooLarge')
    expect(uploadErrorKey('file.type_not_allowed')).toBe('files.typeNotAllowed')
    expect(uploadErrorKey('conversation.not_found')).toBeNull()
  })
})

describe('file limits in the widget settings', () => {
  test('limits survive a save, and the defaults are left out', async () => {
    const { formFromSettings, settingsFromForm } = await import('./widget-settings')
    const form = formFromSettings({ files: { maxBytes: 5 * 1024 * 1024, allowedTypes: ['pdf'] } })
    expect(form.files).toEqual({ maxMb: '5', kinds: ['pdf'] })
    const saved = settingsFromForm(form)
    expect(saved.ok && saved.settings.files).toEqual({
      maxBytes: 5 * 1024 * 1024,
      allowedTypes: ['pdf'],
    })
    const reset = settingsFromForm({ ...form, files: fileFormFromSettings(undefined) })
    expect(reset.ok && 'files' in reset.settings).toBe(false)
    expect(settingsFromForm({ ...form, files: { maxMb: '30', kinds: ['pdf'] } })).toEqual({
      ok: false,
      fields: ['files'],
    })
  })
})

describe('list previews', () => {
  test('a message of files alone previews as their names', async () => {
    const { previewText } = await import('./files')
    expect(previewText({ text: 'hi', attachments: [{ filename: 'a.png' }] })).toBe('hi')
    expect(
      previewText({ text: '', attachments: [{ filename: 'a.png' }, { filename: 'b.pdf' }] }),
    ).toBe('📎 a.png 📎 b.pdf')
    expect(previewText({ text: '' })).toBe('')
  })
})
