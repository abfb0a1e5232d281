// Pure helpers of the loader, kept apart so they can be tested without a browser.

export type Lang = 'en' | 'zh-CN' | 'zh-TW'
type Fn = (arg?: unknown) => void

export const LABELS: Record<Lang, [open: string, close: string]> = {
  en: ['Open chat', 'Close chat'],
  'zh-CN': ['打开在线客服', '关闭在线客服'],
  'zh-TW': ['開啟線上客服', '關閉線上客服'],
}

/** The launcher's language for a browser language tag. */
export const langOf = (tag: string): Lang => {
  const t = tag.toLowerCase()
  return !t.startsWith('zh') ? 'en' : /^zh-(tw|hk|mo)|hant/.test(t) ? 'zh-TW' : 'zh-CN'
}

export const isLang = (value: unknown): value is Lang =>
  value === 'en' || value === 'zh-CN' || value === 'zh-TW'

/** Only #rrggbb reaches the launcher's CSS. */
export const isColor = (value: unknown): value is string =>
  typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value)

/** The launcher's look from GET /api/widget/config; anything malformed keeps the default. */
export const lookOf = (config: unknown): { color?: string; left: boolean; text: string } => {
  const inbox = ((config as { inbox?: unknown } | null)?.inbox || {}) as Record<string, unknown>
  return {
    color: isColor(inbox.color) ? inbox.color : undefined,
    left: inbox.position === 'left',
    text: typeof inbox.launcherText === 'string' ? inbox.launcherText.trim() : '',
  }
}

/** Runs calls queued before load: 'open', ['setLocale', 'zh-CN'], ['on', 'open', fn]… */
export const replay = (queue: unknown[], api: Record<string, (...args: never[]) => void>) => {
  for (const item of queue) {
    const [command, ...args] = Array.isArray(item) ? item : [item]
    if (typeof command === 'string' && Object.hasOwn(api, command))
      (api[command] as (...args: unknown[]) => void)(...args)
  }
}

/** Host page listeners; one that throws does not stop the others or the loader. */
export const emitter = () => {
  const map: Record<string, Fn[]> = {}
  return {
    on: (event: string, fn: Fn) => {
      if (typeof fn === 'function') map[event] = [...(map[event] || []), fn]
    },
    off: (event: string, fn: Fn) => {
      map[event] = (map[event] || []).filter((f) => f !== fn)
    },
    emit: (event: string, arg?: unknown) => {
      for (const fn of map[event] || []) {
        try {
          fn(arg)
        } catch (error) {
          console.error(error)
        }
      }
    },
  }
}
