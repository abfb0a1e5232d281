// Every string the inbox shows. English is the reference; the other dictionaries must have the
// same keys (the type says so), so a missing translation fails typecheck instead of showing a key.
import type { Locale } from '@kefu/protocol'
import { signal } from '@preact/signals'

const en = {
  'app.name': 'Kefu 客服',
  'app.loading': 'Loading…',
  'app.tagline': 'Customer support, in one inbox',

  'error.network': 'Cannot reach the server. Check your connection and try again.',
  'error.generic': 'Something went wrong. Please try again.',
  'error.code.auth.invalid_credentials': 'Wrong email or password.',
  'error.code.auth.rate_limited': 'Too many attempts. Please wait a minute and try again.',
  'error.code.auth.forbidden': 'You do not have permission to do that.',
  'error.code.setup.conflict': 'Kefu is already set up. Sign in instead.',
  'error.code.conversation.not_found':
    'This conversation does not exist or is not in your inboxes.',

  'login.title': 'Sign in',
  'login.subtitle': 'Sign in to answer your customers.',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.needsSetup': 'Kefu is not set up yet. Open the setup link printed by the server to begin.',

  'setup.title': 'Set up Kefu',
  'setup.subtitle': 'Create your organisation and the first administrator account.',
  'setup.accountName': 'Organisation name',
  'setup.name': 'Your name',
  'setup.email': 'Email',
  'setup.password': 'Password',
  'setup.passwordHint': 'At least 10 characters.',
  'setup.passwordShort': 'The password must be at least 10 characters.',
  'setup.submit': 'Create organisation',
  'setup.submitting': 'Creating…',
  'setup.done': 'Kefu is already set up.',
  'setup.goToSignIn': 'Go to sign in',
  'setup.noToken':
    'This setup link has no token. Use the full link printed by the server when it started.',

  'header.availability': 'Availability',
  'header.language': 'Language',
  'header.logout': 'Sign out',
  'availability.online': 'Online',
  'availability.away': 'Away',
  'availability.offline': 'Offline',
  'role.admin': 'Administrator',
  'role.supervisor': 'Supervisor',
  'role.agent': 'Agent',
  'connection.online': 'Live',
  'connection.connecting': 'Connecting…',
  'connection.offline': 'Offline, reconnecting…',

  'list.title': 'Conversations',
  'view.mine': 'Mine',
  'view.unassigned': 'Unassigned',
  'view.all': 'All',
  'status.filter': 'Status',
  'status.open': 'Open',
  'status.resolved': 'Resolved',
  'status.pending': 'Pending',
  'status.snoozed': 'Snoozed',
  'list.empty.open': 'No open conversations here. Nice work.',
  'list.empty.resolved': 'No resolved conversations yet.',
  'list.error': 'Could not load conversations.',
  'list.retry': 'Try again',
  'list.unread': '{count} unread',
  'list.you': 'You: ',
  'list.noMessages': 'No messages yet',
  'list.unassigned': 'Unassigned',
  'list.assignedTo': 'Assigned to {name}',

  'contact.visitor': 'Visitor',
  'conversation.none': 'Select a conversation to start.',
  'conversation.noneHint': 'New chats appear here the moment customers write.',
  'conversation.back': 'Back to conversations',
  'conversation.loading': 'Loading conversation…',
  'conversation.error': 'Could not load this conversation.',
  'conversation.assignee': 'Assignee',
  'conversation.unassigned': 'Unassigned',
  'conversation.assignToMe': 'Assign to me',
  'conversation.you': '{name} (you)',
  'conversation.resolve': 'Resolve',
  'conversation.reopen': 'Reopen',
  'conversation.details': 'Contact details',
  'conversation.hideDetails': 'Hide details',
  'conversation.empty': 'No messages in this conversation yet.',

  'timeline.label': 'Messages',
  'timeline.today': 'Today',
  'timeline.yesterday': 'Yesterday',
  'timeline.note': 'Internal note · visible to agents only',
  'timeline.sending': 'Sending…',
  'timeline.failed': 'Not sent',
  'timeline.retry': 'Retry',
  'timeline.discard': 'Discard',
  'timeline.visitorTyping': 'Visitor is typing…',
  'timeline.agentTyping': '{name} is typing…',
  'timeline.system': 'System',
  'timeline.agent': 'Agent',

  'activity.assigned': '{actor} assigned the conversation to {assignee}',
  'activity.unassigned': '{actor} unassigned the conversation',
  'activity.resolved': '{actor} resolved the conversation',
  'activity.reopened': '{actor} reopened the conversation',
  'activity.assigned.noActor': 'The conversation was assigned to {assignee}',
  'activity.unassigned.noActor': 'The conversation was unassigned',
  'activity.resolved.noActor': 'The conversation was resolved',
  'activity.reopened.noActor': 'The conversation was reopened',

  'composer.mode': 'Message type',
  'composer.reply': 'Reply',
  'composer.note': 'Private note',
  'composer.replyPlaceholder': 'Write a reply…',
  'composer.notePlaceholder': 'Write an internal note. The customer will not see it.',
  'composer.send': 'Send',
  'composer.addNote': 'Add note',
  'composer.hint': 'Enter to send · Shift+Enter for a new line',
  'composer.tooLong': '{count} characters over the limit',

  'details.name': 'Name',
  'details.email': 'Email',
  'details.firstSeen': 'First seen',
  'details.created': 'Conversation started',
  'details.inbox': 'Inbox',
  'details.status': 'Status',
  'details.id': 'Conversation ID',
  'details.none': 'Not provided',

  'time.now': 'now',
  'time.yesterday': 'Yesterday',
}

export type MessageKey = keyof typeof en
type Dictionary = Record<MessageKey, string>

const zhCN: Dictionary = {
  'app.name': 'Kefu 客服',
  'app.loading': '加载中…',
  'app.tagline': '所有客户咨询，一个收件箱',

  'error.network': '无法连接服务器，请检查网络后重试。',
  'error.generic': '出了点问题，请重试。',
  'error.code.auth.invalid_credentials': '邮箱或密码错误。',
  'error.code.auth.rate_limited': '尝试次数过多，请稍等一分钟再试。',
  'error.code.auth.forbidden': '你没有执行此操作的权限。',
  'error.code.setup.conflict': 'Kefu 已经初始化，请直接登录。',
  'error.code.conversation.not_found': '此会话不存在，或不属于你的收件箱。',

  'login.title': '登录',
  'login.subtitle': '登录后即可回复客户。',
  'login.email': '邮箱',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.needsSetup': 'Kefu 尚未初始化。请打开服务器启动时输出的初始化链接。',

  'setup.title': '初始化 Kefu',
  'setup.subtitle': '创建你的组织和第一个管理员账号。',
  'setup.accountName': '组织名称',
  'setup.name': '你的姓名',
  'setup.email': '邮箱',
  'setup.password': '密码',
  'setup.passwordHint': '至少 10 个字符。',
  'setup.passwordShort': '密码至少需要 10 个字符。',
  'setup.submit': '创建组织',
  'setup.submitting': '正在创建…',
  'setup.done': 'Kefu 已经初始化完成。',
  'setup.goToSignIn': '前往登录',
  'setup.noToken': '此初始化链接缺少令牌。请使用服务器启动时输出的完整链接。',

  'header.availability': '在线状态',
  'header.language': '语言',
  'header.logout': '退出登录',
  'availability.online': '在线',
  'availability.away': '离开',
  'availability.offline': '离线',
  'role.admin': '管理员',
  'role.supervisor': '主管',
  'role.agent': '坐席',
  'connection.online': '已连接',
  'connection.connecting': '正在连接…',
  'connection.offline': '已断开，正在重连…',

  'list.title': '会话',
  'view.mine': '我的',
  'view.unassigned': '未分配',
  'view.all': '全部',
  'status.filter': '状态',
  'status.open': '进行中',
  'status.resolved': '已解决',
  'status.pending': '待处理',
  'status.snoozed': '已暂停',
  'list.empty.open': '这里没有进行中的会话。',
  'list.empty.resolved': '还没有已解决的会话。',
  'list.error': '会话列表加载失败。',
  'list.retry': '重试',
  'list.unread': '{count} 条未读',
  'list.you': '你：',
  'list.noMessages': '暂无消息',
  'list.unassigned': '未分配',
  'list.assignedTo': '分配给 {name}',

  'contact.visitor': '访客',
  'conversation.none': '选择一个会话开始处理。',
  'conversation.noneHint': '客户发来消息后，新会话会立即出现在这里。',
  'conversation.back': '返回会话列表',
  'conversation.loading': '正在加载会话…',
  'conversation.error': '会话加载失败。',
  'conversation.assignee': '负责人',
  'conversation.unassigned': '未分配',
  'conversation.assignToMe': '分配给我',
  'conversation.you': '{name}（我）',
  'conversation.resolve': '标记为已解决',
  'conversation.reopen': '重新打开',
  'conversation.details': '联系人信息',
  'conversation.hideDetails': '隐藏信息',
  'conversation.empty': '此会话还没有消息。',

  'timeline.label': '消息',
  'timeline.today': '今天',
  'timeline.yesterday': '昨天',
  'timeline.note': '内部备注 · 仅坐席可见',
  'timeline.sending': '发送中…',
  'timeline.failed': '发送失败',
  'timeline.retry': '重试',
  'timeline.discard': '放弃',
  'timeline.visitorTyping': '访客正在输入…',
  'timeline.agentTyping': '{name} 正在输入…',
  'timeline.system': '系统',
  'timeline.agent': '坐席',

  'activity.assigned': '{actor} 将会话分配给 {assignee}',
  'activity.unassigned': '{actor} 取消了分配',
  'activity.resolved': '{actor} 已解决会话',
  'activity.reopened': '{actor} 重新打开了会话',
  'activity.assigned.noActor': '会话已分配给 {assignee}',
  'activity.unassigned.noActor': '会话已取消分配',
  'activity.resolved.noActor': '会话已解决',
  'activity.reopened.noActor': '会话已重新打开',

  'composer.mode': '消息类型',
  'composer.reply': '回复',
  'composer.note': '内部备注',
  'composer.replyPlaceholder': '输入回复…',
  'composer.notePlaceholder': '输入内部备注，客户不会看到。',
  'composer.send': '发送',
  'composer.addNote': '添加备注',
  'composer.hint': 'Enter 发送 · Shift+Enter 换行',
  'composer.tooLong': '超出长度限制 {count} 个字符',

  'details.name': '姓名',
  'details.email': '邮箱',
  'details.firstSeen': '首次访问',
  'details.created': '会话开始于',
  'details.inbox': '收件箱',
  'details.status': '状态',
  'details.id': '会话 ID',
  'details.none': '未提供',

  'time.now': '刚刚',
  'time.yesterday': '昨天',
}

const zhTW: Dictionary = {
  'app.name': 'Kefu 客服',
  'app.loading': '載入中…',
  'app.tagline': '所有客戶諮詢，一個收件匣',

  'error.network': '無法連線到伺服器，請檢查網路後重試。',
  'error.generic': '發生錯誤，請重試。',
  'error.code.auth.invalid_credentials': '電子郵件或密碼錯誤。',
  'error.code.auth.rate_limited': '嘗試次數過多，請稍候一分鐘再試。',
  'error.code.auth.forbidden': '你沒有執行此操作的權限。',
  'error.code.setup.conflict': 'Kefu 已經初始化，請直接登入。',
  'error.code.conversation.not_found': '此對話不存在，或不屬於你的收件匣。',

  'login.title': '登入',
  'login.subtitle': '登入後即可回覆客戶。',
  'login.email': '電子郵件',
  'login.password': '密碼',
  'login.submit': '登入',
  'login.submitting': '正在登入…',
  'login.needsSetup': 'Kefu 尚未初始化。請開啟伺服器啟動時輸出的初始化連結。',

  'setup.title': '初始化 Kefu',
  'setup.subtitle': '建立你的組織和第一個管理員帳號。',
  'setup.accountName': '組織名稱',
  'setup.name': '你的姓名',
  'setup.email': '電子郵件',
  'setup.password': '密碼',
  'setup.passwordHint': '至少 10 個字元。',
  'setup.passwordShort': '密碼至少需要 10 個字元。',
  'setup.submit': '建立組織',
  'setup.submitting': '正在建立…',
  'setup.done': 'Kefu 已經初始化完成。',
  'setup.goToSignIn': '前往登入',
  'setup.noToken': '此初始化連結缺少權杖。請使用伺服器啟動時輸出的完整連結。',

  'header.availability': '線上狀態',
  'header.language': '語言',
  'header.logout': '登出',
  'availability.online': '線上',
  'availability.away': '離開',
  'availability.offline': '離線',
  'role.admin': '管理員',
  'role.supervisor': '主管',
  'role.agent': '客服人員',
  'connection.online': '已連線',
  'connection.connecting': '正在連線…',
  'connection.offline': '已中斷，正在重新連線…',

  'list.title': '對話',
  'view.mine': '我的',
  'view.unassigned': '未指派',
  'view.all': '全部',
  'status.filter': '狀態',
  'status.open': '進行中',
  'status.resolved': '已解決',
  'status.pending': '待處理',
  'status.snoozed': '已延後',
  'list.empty.open': '這裡沒有進行中的對話。',
  'list.empty.resolved': '還沒有已解決的對話。',
  'list.error': '對話列表載入失敗。',
  'list.retry': '重試',
  'list.unread': '{count} 則未讀',
  'list.you': '你：',
  'list.noMessages': '尚無訊息',
  'list.unassigned': '未指派',
  'list.assignedTo': '指派給 {name}',

  'contact.visitor': '訪客',
  'conversation.none': '選擇一個對話開始處理。',
  'conversation.noneHint': '客戶傳來訊息後，新對話會立即出現在這裡。',
  'conversation.back': '返回對話列表',
  'conversation.loading': '正在載入對話…',
  'conversation.error': '對話載入失敗。',
  'conversation.assignee': '負責人',
  'conversation.unassigned': '未指派',
  'conversation.assignToMe': '指派給我',
  'conversation.you': '{name}（我）',
  'conversation.resolve': '標記為已解決',
  'conversation.reopen': '重新開啟',
  'conversation.details': '聯絡人資訊',
  'conversation.hideDetails': '隱藏資訊',
  'conversation.empty': '此對話還沒有訊息。',

  'timeline.label': '訊息',
  'timeline.today': '今天',
  'timeline.yesterday': '昨天',
  'timeline.note': '內部備註 · 僅客服人員可見',
  'timeline.sending': '傳送中…',
  'timeline.failed': '傳送失敗',
  'timeline.retry': '重試',
  'timeline.discard': '放棄',
  'timeline.visitorTyping': '訪客正在輸入…',
  'timeline.agentTyping': '{name} 正在輸入…',
  'timeline.system': '系統',
  'timeline.agent': '客服人員',

  'activity.assigned': '{actor} 將對話指派給 {assignee}',
  'activity.unassigned': '{actor} 取消了指派',
  'activity.resolved': '{actor} 已解決對話',
  'activity.reopened': '{actor} 重新開啟了對話',
  'activity.assigned.noActor': '對話已指派給 {assignee}',
  'activity.unassigned.noActor': '對話已取消指派',
  'activity.resolved.noActor': '對話已解決',
  'activity.reopened.noActor': '對話已重新開啟',

  'composer.mode': '訊息類型',
  'composer.reply': '回覆',
  'composer.note': '內部備註',
  'composer.replyPlaceholder': '輸入回覆…',
  'composer.notePlaceholder': '輸入內部備註，客戶不會看到。',
  'composer.send': '傳送',
  'composer.addNote': '新增備註',
  'composer.hint': 'Enter 傳送 · Shift+Enter 換行',
  'composer.tooLong': '超出長度限制 {count} 個字元',

  'details.name': '姓名',
  'details.email': '電子郵件',
  'details.firstSeen': '首次造訪',
  'details.created': '對話開始於',
  'details.inbox': '收件匣',
  'details.status': '狀態',
  'details.id': '對話 ID',
  'details.none': '未提供',

  'time.now': '剛剛',
  'time.yesterday': '昨天',
}

export const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW }

/** Shown in their own language so anyone can find theirs. */
export const localeNames: Record<Locale, string> = {
  en: 'English',
  'zh-CN': '简体中文',
  'zh-TW': '繁體中文',
}

const STORAGE_KEY = 'kefu.locale'

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'zh-CN' || value === 'zh-TW'
}

/** Traditional script for Taiwan, Hong Kong, Macau and explicit Hant; any other Chinese is zh-CN. */
export function localeFromLanguage(language: string | undefined): Locale {
  const tag = (language ?? '').toLowerCase()
  if (!tag.startsWith('zh')) return 'en'
  if (/hant|-tw|-hk|-mo/.test(tag)) return 'zh-TW'
  return 'zh-CN'
}

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (isLocale(saved)) return saved
  } catch {
    // Storage can be blocked (privacy settings); fall back to the browser language.
  }
  return localeFromLanguage(globalThis.navigator?.language)
}

export const locale = signal<Locale>(initialLocale())

export function setLocale(next: Locale): void {
  locale.value = next
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next)
  } catch {
    // Not remembered across visits, but the switch still applies now.
  }
}

/** Well-known server error codes read better in the agent's language than the server's English. */
export function errorCodeKey(code: string): MessageKey | null {
  const key = `error.code.${code}`
  return key in en ? (key as MessageKey) : null
}

export function translate(
  target: Locale,
  key: MessageKey,
  vars?: Record<string, string | number>,
): string {
  const template = dictionaries[target][key] ?? en[key]
  if (!vars) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  )
}

/** Reads the locale signal, so a component calling it re-renders when the language changes. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return translate(locale.value, key, vars)
}
