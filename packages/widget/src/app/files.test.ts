import type { MessageDTO } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import { ApiError } from './api'
import { attachmentIds, formatSize, problemText, uploadProblem } from './files'
import { dictionary } from './i18n'
import { addPending, confirmMessage, createTimeline, listMessages } from './timeline'

describe('chat files', () => {
  test("the server's refusals become problems the visitor reads in their language", () => {
    expect(uploadProblem(new ApiError(413, 'file.too_large', ''))).toBe(0)
    expect(
      uploadProblem(new ApiError(415, 'file.type_not_allowed', '', { reason: 'forbidden' })),
    ).toBe(1)
    expect(
      uploadProblem(new ApiError(415, 'file.type_not_allowed', '', { reason: 'mismatch' })),
    ).toBe(2)
    expect(uploadProblem(new TypeError('network'))).toBe(3)
    const zh = dictionary['zh-CN'].files
    expect(problemText(zh, 0, 10 * 1024 * 1024)).toBe('文件太大。上限：10 MB')
    expect(problemText(zh, 2, 0)).toBe('文件内容与文件名不符，未发送。')
    expect(problemText(dictionary.en.files, 1, 0)).toBe('This file type is not accepted.')
    expect(problemText(dictionary.en.files, 0, 1024)).toBe('File too large. Limit: 1 KB')
    for (const strings of Object.values(dictionary)) expect(strings.files).toHaveLength(6)
  })

  test('sizes read like people write them; upload ids go with the message', () => {
    expect(formatSize(900)).toBe('900 B')
    expect(formatSize(2048)).toBe('2 KB')
    expect(formatSize(10 * 1024 * 1024)).toBe('10 MB')
    expect(formatSize(1.5 * 1024 * 1024)).toBe('1.5 MB')
    expect(attachmentIds({})).toEqual({})
    expect(attachmentIds({ attachments: [{ id: 'a' }, { id: 'b' }] })).toEqual({
      attachmentIds: ['a', 'b'],
    })
  })

  test("the stored message's files replace the local preview once it is confirmed", () => {
    const local = { id: 'u1', filename: 'a.png', contentType: 'image/png', size: 3, image: true }
    let timeline = addPending(createTimeline(), {
      clientId: 'c1',
      text: '',
      createdAt: 1,
      attachments: [{ ...local, url: 'blob:x' }],
    })
    expect(listMessages(timeline)[0]?.attachments?.[0]?.url).toBe('blob:x')
    const stored: MessageDTO = {
      id: 'm1',
      conversationId: 'conv',
      direction: 'incoming',
      author: { type: 'contact', id: 'ct', name: null },
      text: '',
      clientId: 'c1',
      createdAt: 2,
      seq: 5,
      attachments: [{ ...local, url: '/files/u1?exp=1&sig=s' }],
    }
    timeline = confirmMessage(timeline, stored)
    const [message] = listMessages(timeline)
    expect(message?.state).toBe('sent')
    expect(message?.attachments?.[0]?.url).toBe('/files/u1?exp=1&sig=s')
  })
})
