import { describe, expect, test, vi } from 'vitest'
import { emitter, isColor, isLang, langOf, lookOf, replay } from './util'

describe('loader helpers', () => {
  test('only #rrggbb colours reach the CSS', () => {
    expect(isColor('#0f9d58')).toBe(true)
    expect(isColor('#ABCDEF')).toBe(true)
    for (const bad of ['#0a7', 'red', '#0f9d58;x:y', '#0f9d5g', ' #0f9d58', 'url(x)', 0, null])
      expect(isColor(bad)).toBe(false)
  })

  test('the look of the inbox, with defaults for anything malformed', () => {
    expect(
      lookOf({ inbox: { color: '#0f9d58', position: 'left', launcherText: ' 在线客服 ' } }),
    ).toEqual({ color: '#0f9d58', left: true, text: '在线客服' })
    expect(lookOf({ inbox: { color: 'red;}', position: 'top', launcherText: 5 } })).toEqual({
      color: undefined,
      left: false,
      text: '',
    })
    expect(lookOf(null)).toEqual({ color: undefined, left: false, text: '' })
    expect(lookOf(false)).toEqual({ color: undefined, left: false, text: '' })
  })

  test('launcher language from the browser; setLocale accepts only the three', () => {
    expect(langOf('zh-HK')).toBe('zh-TW')
    expect(langOf('zh-Hant-SG')).toBe('zh-TW')
    expect(langOf('zh')).toBe('zh-CN')
    expect(langOf('fr-FR')).toBe('en')
    expect(langOf('')).toBe('en')
    expect(['en', 'zh-CN', 'zh-TW', 'zh', 'fr', null].map(isLang)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ])
  })

  test('queued calls replay in order with all their arguments; unknown ones are skipped', () => {
    const calls: unknown[][] = []
    const fn = () => {}
    const api = {
      open: (...args: unknown[]) => calls.push(['open', ...args]),
      on: (...args: unknown[]) => calls.push(['on', ...args]),
      setLocale: (...args: unknown[]) => calls.push(['setLocale', ...args]),
    }
    replay(
      ['open', ['setLocale', 'zh-CN'], ['on', 'open', fn], ['nope', 1], ['toString'], 42, []],
      api,
    )
    expect(calls).toEqual([['open'], ['setLocale', 'zh-CN'], ['on', 'open', fn]])
  })

  test('listeners get their argument, can be removed, and one that throws stops nothing', () => {
    const events = emitter()
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const got: unknown[] = []
    const bad = () => {
      throw new Error('host bug')
    }
    const good = (count?: unknown) => got.push(count)
    events.on('unread', bad)
    events.on('unread', good)
    events.on('unread', 'not a function' as never)
    expect(() => events.emit('unread', 3)).not.toThrow()
    expect(got).toEqual([3])
    expect(error).toHaveBeenCalledOnce()
    events.off('unread', good)
    events.emit('unread', 4)
    expect(got).toEqual([3])
    events.emit('open')
    error.mockRestore()
  })
})
