import type { Locale } from '@kefu/protocol'

export interface Strings {
  placeholder: string
  send: string
  close: string
  conversation: string
  typing: (name: string | null) => string
  sending: string
  failed: string
  retry: string
  connecting: string
  online: string
  offline: string
  empty: string
  away: string
  loading: string
  unavailable: string
  support: string
  /** Read receipt under the visitor's own message. */
  read: string
  /** The list of the visitor's conversations, and the button that opens it. */
  conversations: string
  newConversation: string
  resolved: string
  unreadReplies: (count: number) => string
  mute: string
  unmute: string
  charactersLeft: (count: number) => string
  rateAsk: string
  /** A star button's name: the score it gives. */
  stars: (score: number) => string
  rateComment: string
  rateThanks: string
  /** The score the visitor gave, beside the thanks. */
  rated: (score: number) => string
  rateChange: string
  rateFailed: string
  /** The pre-chat form: its heading, button and messages. */
  preChatTitle: string
  preChatStart: string
  required: string
  invalidEmail: string
  invalidPhone: string
  tooLong: string
  invalidField: string
  preChatFailed: string
}

const en: Strings = {
  placeholder: 'Write a message…',
  send: 'Send',
  close: 'Close chat',
  conversation: 'Conversation',
  typing: (name) => `${name ?? 'Support'} is typing…`,
  sending: 'Sending…',
  failed: 'Not sent.',
  retry: 'Retry',
  connecting: 'Connecting…',
  online: 'Connected',
  offline: 'You are offline. Messages will be sent when the connection is back.',
  empty: 'Ask us anything. We will reply right here.',
  away: 'We are away right now. Leave a message and we will get back to you.',
  loading: 'Loading…',
  unavailable: 'Chat is not available right now.',
  support: 'Support',
  read: 'Read',
  conversations: 'Your conversations',
  newConversation: 'Start a new conversation',
  resolved: 'Resolved',
  unreadReplies: (count) => (count === 1 ? '1 new reply' : `${count} new replies`),
  mute: 'Mute sound',
  unmute: 'Turn sound on',
  charactersLeft: (count) => `${count} characters left`,
  rateAsk: 'How did we do?',
  stars: (score) => (score === 1 ? '1 star' : `${score} stars`),
  rateComment: 'Tell us more (optional)',
  rateThanks: 'Thanks for your feedback',
  rated: (score) => `You rated us ${score} out of 5`,
  rateChange: 'Change',
  rateFailed: 'Your rating was not sent. Please try again.',
  preChatTitle: 'Before we start, please tell us about yourself.',
  preChatStart: 'Start chat',
  required: 'Please fill in this field',
  invalidEmail: 'Please enter a valid email address',
  invalidPhone: 'Please enter a valid phone number',
  tooLong: 'At most 200 characters',
  invalidField: 'Please check this field',
  preChatFailed: 'Your details were not sent. Please try again.',
}

const zhCN: Strings = {
  placeholder: '输入消息…',
  send: '发送',
  close: '关闭对话',
  conversation: '对话记录',
  typing: (name) => `${name ?? '客服'}正在输入…`,
  sending: '发送中…',
  failed: '发送失败。',
  retry: '重试',
  connecting: '正在连接…',
  online: '已连接',
  offline: '网络已断开，恢复连接后将自动发送消息。',
  empty: '有任何问题都可以问我们，我们会在这里回复您。',
  away: '我们暂时不在线，请留言，我们会尽快回复您。',
  loading: '加载中…',
  unavailable: '在线客服暂时无法使用。',
  support: '客服',
  read: '已读',
  conversations: '我的会话',
  newConversation: '发起新会话',
  resolved: '已解决',
  unreadReplies: (count) => `${count} 条新回复`,
  mute: '关闭提示音',
  unmute: '开启提示音',
  charactersLeft: (count) => `还可输入 ${count} 字`,
  rateAsk: '您对本次服务满意吗？',
  stars: (score) => `${score} 星`,
  rateComment: '还有什么想告诉我们的吗？（选填）',
  rateThanks: '感谢您的评价',
  rated: (score) => `您的评分：${score} 星（满分 5 星）`,
  rateChange: '修改',
  rateFailed: '评价未能提交，请重试。',
  preChatTitle: '开始对话前，请留下您的信息。',
  preChatStart: '开始对话',
  required: '请填写此项',
  invalidEmail: '请输入有效的邮箱地址',
  invalidPhone: '请输入有效的电话号码',
  tooLong: '最多 200 个字',
  invalidField: '请检查此项',
  preChatFailed: '信息未能提交，请重试。',
}

const zhTW: Strings = {
  placeholder: '輸入訊息…',
  send: '傳送',
  close: '關閉對話',
  conversation: '對話紀錄',
  typing: (name) => `${name ?? '客服'}正在輸入…`,
  sending: '傳送中…',
  failed: '傳送失敗。',
  retry: '重試',
  connecting: '正在連線…',
  online: '已連線',
  offline: '網路已中斷，恢復連線後將自動傳送訊息。',
  empty: '有任何問題都可以問我們，我們會在這裡回覆您。',
  away: '我們暫時不在線上，請留言，我們會盡快回覆您。',
  loading: '載入中…',
  unavailable: '線上客服暫時無法使用。',
  support: '客服',
  read: '已讀',
  conversations: '我的對話',
  newConversation: '開始新對話',
  resolved: '已解決',
  unreadReplies: (count) => `${count} 則新回覆`,
  mute: '關閉提示音',
  unmute: '開啟提示音',
  charactersLeft: (count) => `還可輸入 ${count} 字`,
  rateAsk: '您對本次服務滿意嗎？',
  stars: (score) => `${score} 星`,
  rateComment: '還有什麼想告訴我們的嗎？（選填）',
  rateThanks: '感謝您的評價',
  rated: (score) => `您的評分：${score} 星（滿分 5 星）`,
  rateChange: '修改',
  rateFailed: '評價未能送出，請重試。',
  preChatTitle: '開始對話前，請留下您的資料。',
  preChatStart: '開始對話',
  required: '請填寫此欄位',
  invalidEmail: '請輸入有效的電子郵件地址',
  invalidPhone: '請輸入有效的電話號碼',
  tooLong: '最多 200 個字',
  invalidField: '請檢查此欄位',
  preChatFailed: '資料未能送出，請重試。',
}

export const dictionary: Record<Locale, Strings> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW }

/** The inbox's configured locale wins; otherwise the first browser language Kefu speaks. */
export function pickLocale(
  configured: Locale | null | undefined,
  languages: readonly string[],
): Locale {
  if (configured && configured in dictionary) return configured
  for (const language of languages) {
    const locale = localeOf(language)
    if (locale) return locale
  }
  return 'en'
}

function localeOf(language: string): Locale | undefined {
  const tag = language.toLowerCase()
  if (tag === 'zh' || tag.startsWith('zh-')) {
    // Traditional script: Taiwan, Hong Kong, Macau, or an explicit Hant tag.
    return /^zh-(tw|hk|mo)\b|\bhant\b/.test(tag) ? 'zh-TW' : 'zh-CN'
  }
  if (tag === 'en' || tag.startsWith('en-')) return 'en'
  return undefined
}
