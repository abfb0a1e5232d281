import type { Locale, ReplyTime } from '@kefu/protocol'
import type { FileStrings } from './files'

export interface Strings {
  placeholder: string
  send: string
  close: string
  conversation: string
  /** From the list back to the conversation. */
  back: string
  typing: (name: string | null) => string
  sending: string
  failed: string
  retry: string
  connecting: string
  online: string
  offline: string
  empty: string
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
  // ---------- availability and the offline form (see ./away) ----------
  /** How soon the team replies: "in a few hours". */
  replies: Record<ReplyTime, string>
  typically: (replies: string) => string
  /** Nobody is in, no time known: "We're away" and the usual reply time. */
  away: (replies: string) => string
  awayUntil: (when: string) => string
  /** A later day's opening: the time and the day, in the language's order. */
  at: (time: string, day: string) => string
  offlineTitle: string
  offlineEmail: string
  offlineName: string
  offlineMessage: string
  offlineThanks: (email: string) => string
  /** Files: [attach, uploading, too large, kind refused, disguised, failed] (see ./files). */
  files: FileStrings
}

const en: Strings = {
  placeholder: 'Write a message…',
  send: 'Send',
  close: 'Close chat',
  conversation: 'Conversation',
  back: 'Back',
  typing: (name) => `${name ?? 'Support'} is typing…`,
  sending: 'Sending…',
  failed: 'Not sent.',
  retry: 'Retry',
  connecting: 'Connecting…',
  online: 'Connected',
  offline: 'You are offline. Messages will be sent when the connection is back.',
  empty: 'Ask us anything. We will reply right here.',
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
  replies: { minutes: 'in a few minutes', hours: 'in a few hours', day: 'in a day' },
  typically: (replies) => `Typically replies ${replies}`,
  away: (replies) => `We’re away — we reply ${replies}`,
  awayUntil: (when) => `We’re away — back at ${when}`,
  at: (time, day) => `${time} (${day})`,
  offlineTitle: 'Leave your email and a message; we’ll reply by email.',
  offlineEmail: 'Email',
  offlineName: 'Name (optional)',
  offlineMessage: 'Message',
  offlineThanks: (email) => `Thanks — we’ll reply by email to ${email}`,
  files: [
    'Attach a file',
    'Uploading',
    'File too large. Limit: ',
    'This file type is not accepted.',
    'This file is not what its name says.',
    'Could not send the file.',
  ],
}

const zhCN: Strings = {
  placeholder: '输入消息…',
  send: '发送',
  close: '关闭对话',
  conversation: '对话记录',
  back: '返回',
  typing: (name) => `${name ?? '客服'}正在输入…`,
  sending: '发送中…',
  failed: '发送失败。',
  retry: '重试',
  connecting: '正在连接…',
  online: '已连接',
  offline: '网络已断开，恢复连接后将自动发送消息。',
  empty: '有任何问题都可以问我们，我们会在这里回复您。',
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
  replies: { minutes: '几分钟内', hours: '几小时内', day: '一天内' },
  typically: (replies) => `通常${replies}回复`,
  away: (replies) => `我们暂时不在，通常${replies}回复`,
  awayUntil: (when) => `我们暂时不在，${when} 回来`,
  at: (time, day) => `${day} ${time}`,
  offlineTitle: '请留下邮箱和留言，我们会通过邮件回复您。',
  offlineEmail: '邮箱',
  offlineName: '姓名（选填）',
  offlineMessage: '留言',
  offlineThanks: (email) => `谢谢！我们会通过邮件回复到 ${email}`,
  files: [
    '添加文件',
    '正在上传',
    '文件太大。上限：',
    '不支持发送此类型的文件。',
    '文件内容与文件名不符，未发送。',
    '文件发送失败，请重试。',
  ],
}

const zhTW: Strings = {
  placeholder: '輸入訊息…',
  send: '傳送',
  close: '關閉對話',
  conversation: '對話紀錄',
  back: '返回',
  typing: (name) => `${name ?? '客服'}正在輸入…`,
  sending: '傳送中…',
  failed: '傳送失敗。',
  retry: '重試',
  connecting: '正在連線…',
  online: '已連線',
  offline: '網路已中斷，恢復連線後將自動傳送訊息。',
  empty: '有任何問題都可以問我們，我們會在這裡回覆您。',
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
  replies: { minutes: '幾分鐘內', hours: '幾小時內', day: '一天內' },
  typically: (replies) => `通常${replies}回覆`,
  away: (replies) => `我們暫時不在，通常${replies}回覆`,
  awayUntil: (when) => `我們暫時不在，${when} 回來`,
  at: (time, day) => `${day} ${time}`,
  offlineTitle: '請留下電子郵件和留言，我們會透過郵件回覆您。',
  offlineEmail: '電子郵件',
  offlineName: '姓名（選填）',
  offlineMessage: '留言',
  offlineThanks: (email) => `謝謝！我們會透過郵件回覆到 ${email}`,
  files: [
    '附加檔案',
    '正在上傳',
    '檔案太大。上限：',
    '不支援傳送此類型的檔案。',
    '檔案內容與檔名不符，未傳送。',
    '檔案傳送失敗，請重試。',
  ],
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
