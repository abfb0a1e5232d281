import type { MessageDTO, VisitorConversationDTO } from '@kefu/protocol'
import { describe, expect, test } from 'vitest'
import { markListRead, noteMessage, resolveInList, unreadElsewhere } from './conversations'

const item = (
  id: string,
  unreadCount = 0,
  status: VisitorConversationDTO['status'] = 'open',
): VisitorConversationDTO => ({ id, status, createdAt: 1, lastMessage: null, unreadCount })

const message = (conversationId: string, direction: MessageDTO['direction']): MessageDTO => ({
  id: `m-${conversationId}`,
  conversationId,
  direction,
  author: { type: direction === 'incoming' ? 'contact' : 'agent', id: null, name: null },
  text: '  line one\n line two ',
  clientId: null,
  createdAt: 9,
  seq: 9,
})

describe('the visitor conversation list', () => {
  test('a file alone previews as its name, like the inbox', () => {
    const file = {
      ...message('a', 'incoming'),
      text: '',
      attachments: [
        { id: 'u1', filename: 'a.png', contentType: 'image/png', size: 1, image: true, url: null },
      ],
    }
    expect(noteMessage([item('a')], file, true)?.[0]?.lastMessage?.text).toBe('📎 a.png')
  })

  test('a resolution elsewhere shows in the list', () => {
    const list = [item('a'), item('b')]
    expect(resolveInList(list, 'b').map((c) => c.status)).toEqual(['open', 'resolved'])
  })

  test('a message moves its conversation to the top as its preview', () => {
    const list = [item('a'), item('b', 0, 'resolved')]
    const next = noteMessage(list, message('b', 'outgoing'), true)
    expect(next?.map((c) => c.id)).toEqual(['b', 'a'])
    expect(next?.[0]).toMatchObject({
      unreadCount: 1,
      status: 'resolved',
      lastMessage: { text: '  line one\n line two ', direction: 'outgoing', createdAt: 9 },
    })
  })

  test("a reply the visitor saw is not unread; the visitor's own message reopens", () => {
    const list = [item('a', 0, 'resolved')]
    expect(noteMessage(list, message('a', 'outgoing'), false)?.[0]?.unreadCount).toBe(0)
    expect(noteMessage(list, message('a', 'incoming'), true)?.[0]).toMatchObject({
      status: 'open',
      unreadCount: 0,
    })
  })

  test('an unknown conversation asks for the list again', () => {
    expect(noteMessage([item('a')], message('z', 'outgoing'), true)).toBeNull()
  })

  test('reading and the badge', () => {
    const list = [item('a', 2), item('b', 3)]
    expect(unreadElsewhere(list, 'a')).toBe(3)
    expect(unreadElsewhere(list, null)).toBe(5)
    expect(unreadElsewhere(null, 'a')).toBe(0)
    const read = markListRead(list, 'b')
    expect(read.map((c) => c.unreadCount)).toEqual([2, 0])
    expect(markListRead(read, 'b')).toBe(read)
  })
})
