import type { ActivityDTO } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import {
  activityText,
  agoText,
  contactName,
  durationText,
  fileSize,
  initial,
  linkify,
  newClientId,
  relativeTime,
  shortId,
} from './format'

describe('linkify', () => {
  test('only http and https become links; everything else stays text', () => {
    expect(linkify('see https://kefu.example/help.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://kefu.example/help', href: 'https://kefu.example/help' },
      { kind: 'text', text: '.' },
    ])
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      '<img src=x onerror=1>',
    ]) {
      expect(linkify(text)).toEqual([{ kind: 'text', text }])
    }
  })

  test('a link inside Chinese text stops at full-width punctuation', () => {
    expect(linkify('请看http://kefu.example/a，谢谢')).toEqual([
      { kind: 'text', text: '请看' },
      { kind: 'link', text: 'http://kefu.example/a', href: 'http://kefu.example/a' },
      { kind: 'text', text: '，谢谢' },
    ])
  })
})

describe('names', () => {
  test('an anonymous visitor is "Visitor" plus a short id', () => {
    const id = '0199a3b2-7c1e-7d00-8f3a-1b2c3d4e5f60'
    expect(shortId(id)).toBe('4E5F60')
    expect(
      contactName(
        { id, name: null, email: null, phone: null, attributes: {}, createdAt: 0 },
        'Visitor',
      ),
    ).toBe('Visitor 4E5F60')
    expect(
      contactName(
        { id, name: '  ', email: 'a@b.cn', phone: null, attributes: {}, createdAt: 0 },
        'Visitor',
      ),
    ).toBe('a@b.cn')
    expect(
      contactName(
        { id, name: '张伟', email: null, phone: null, attributes: {}, createdAt: 0 },
        '访客',
      ),
    ).toBe('张伟')
  })

  test('initials take a whole character', () => {
    expect(initial('张伟')).toBe('张')
    expect(initial('😀 fan')).toBe('😀')
    expect(initial('li')).toBe('L')
  })
})

describe('relative time', () => {
  const words = { now: 'now', yesterday: 'Yesterday' }
  test('recent, today, yesterday and older', () => {
    const now = new Date(2025, 5, 10, 15, 0).getTime()
    expect(relativeTime(now - 10_000, now, 'en', words)).toBe('now')
    expect(relativeTime(now - 5 * 60_000, now, 'en', words)).toMatch(/5/)
    expect(relativeTime(now - 3 * 3_600_000, now, 'en', words)).toMatch(/3/)
    expect(relativeTime(new Date(2025, 5, 9, 1, 0).getTime(), now, 'en', words)).toBe('Yesterday')
    expect(relativeTime(new Date(2025, 2, 3).getTime(), now, 'en', words)).toMatch(/Mar/)
    expect(relativeTime(new Date(2025, 2, 3).getTime(), now, 'zh-CN', words)).toMatch(/3月3日/)
  })
})

test('client ids look like UUIDs', () => {
  expect(newClientId()).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  )
})

describe('activity lines', () => {
  const line = (activity: ActivityDTO | undefined, text = 'server text') => ({ text, activity })
  const assigned: ActivityDTO = { kind: 'assigned', actorName: '李娜', assigneeName: '王芳' }
  const unassigned: ActivityDTO = { kind: 'unassigned', actorName: '李娜' }
  const resolved: ActivityDTO = { kind: 'resolved', actorName: '李娜' }
  const reopened: ActivityDTO = { kind: 'reopened', actorName: '李娜' }

  test("are written in the agent's language from the structured activity", () => {
    expect(activityText(line(assigned), 'zh-CN')).toBe('李娜 将会话分配给 王芳')
    expect(activityText(line(unassigned), 'zh-CN')).toBe('李娜 取消了分配')
    expect(activityText(line(resolved), 'zh-CN')).toBe('李娜 已解决会话')
    expect(activityText(line(reopened), 'zh-CN')).toBe('李娜 重新打开了会话')

    expect(activityText(line(assigned), 'zh-TW')).toBe('李娜 將對話指派給 王芳')
    expect(activityText(line(unassigned), 'zh-TW')).toBe('李娜 取消了指派')
    expect(activityText(line(resolved), 'zh-TW')).toBe('李娜 已解決對話')
    expect(activityText(line(reopened), 'zh-TW')).toBe('李娜 重新開啟了對話')

    const en = { kind: 'assigned', actorName: 'Li Na', assigneeName: 'Wang Fang' } as const
    expect(activityText(line(en), 'en')).toBe('Li Na assigned the conversation to Wang Fang')
    expect(activityText(line({ kind: 'unassigned', actorName: 'Li Na' }), 'en')).toBe(
      'Li Na unassigned the conversation',
    )
    expect(activityText(line({ kind: 'resolved', actorName: 'Li Na' }), 'en')).toBe(
      'Li Na resolved the conversation',
    )
    expect(activityText(line({ kind: 'reopened', actorName: 'Li Na' }), 'en')).toBe(
      'Li Na reopened the conversation',
    )
  })

  test('an email sent to a visitor who left says how many replies went to whom', () => {
    const one: ActivityDTO = { kind: 'emailed', actorName: null, to: 'mei@example.com', count: 1 }
    const two: ActivityDTO = { ...one, count: 2 }
    expect(activityText(line(one), 'en')).toBe('Reply emailed to mei@example.com')
    expect(activityText(line(two), 'en')).toBe('2 replies emailed to mei@example.com')
    expect(activityText(line(two), 'zh-CN')).toBe('已将 2 条回复通过邮件发给 mei@example.com')
    expect(activityText(line(two), 'zh-TW')).toBe('已將 2 則回覆以郵件寄給 mei@example.com')
  })

  test('without an actor (the system did it) they still read as a sentence', () => {
    expect(
      activityText(line({ kind: 'assigned', actorName: null, assigneeName: '王芳' }), 'zh-CN'),
    ).toBe('会话已分配给 王芳')
    expect(activityText(line({ kind: 'resolved', actorName: null }), 'zh-CN')).toBe('会话已解决')
    expect(activityText(line({ kind: 'unassigned', actorName: ' ' }), 'en')).toBe(
      'The conversation was unassigned',
    )
  })

  test('names are inserted as they are, never read as placeholders', () => {
    const tricky: ActivityDTO = {
      kind: 'assigned',
      actorName: '{assignee}',
      assigneeName: '{actor}',
    }
    expect(activityText(line(tricky), 'en')).toBe('{assignee} assigned the conversation to {actor}')
  })

  test('fall back to the server text without a (known) activity', () => {
    expect(activityText(line(undefined, 'Li Na resolved the conversation'), 'zh-CN')).toBe(
      'Li Na resolved the conversation',
    )
    const future = { kind: 'snoozed', actorName: '李娜' } as unknown as ActivityDTO
    expect(activityText(line(future, 'Li Na snoozed the conversation'), 'zh-CN')).toBe(
      'Li Na snoozed the conversation',
    )
  })
})

describe('health times', () => {
  test('agoText counts seconds, then minutes, hours and days', () => {
    const now = 1_700_000_000_000
    expect(agoText(now - 12_000, now, 'en')).toBe('12 sec. ago')
    expect(agoText(now - 3 * 60_000, now, 'en')).toBe('3 min. ago')
    expect(agoText(now - 2 * 3_600_000, now, 'en')).toBe('2 hr. ago')
    expect(agoText(now - 3 * 86_400_000, now, 'en')).toBe('3 days ago')
    expect(agoText(now - 12_000, now, 'zh-CN')).toBe('12秒前')
    // A server clock slightly ahead never shows a time in the future.
    expect(agoText(now + 5_000, now, 'en')).toBe('now')
  })

  test('durationText uses the largest whole unit', () => {
    expect(durationText(45_000, 'en')).toBe('45 sec')
    expect(durationText(3 * 60_000 + 5_000, 'en')).toBe('3 min')
    expect(durationText(2 * 86_400_000, 'en')).toBe('2 days')
    expect(durationText(45_000, 'zh-TW')).toBe('45 秒')
  })
})

test('file sizes read in the largest sensible unit', () => {
  expect(fileSize(820, 'en')).toBe('820 B')
  expect(fileSize(12_480, 'en')).toBe('12 kB')
  expect(fileSize(3_240_000, 'en')).toBe('3.2 MB')
  expect(fileSize(3_240_000, 'zh-CN')).toBe('3.2 MB')
})
