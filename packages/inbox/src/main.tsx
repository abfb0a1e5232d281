import { effect } from '@preact/signals'
import { render } from 'preact'
import { locale, t } from './i18n'
import { boot, totalUnread } from './store'
import { App } from './ui/App'
import './styles.css'

// Screen readers and CJK font fallback both follow the document language.
effect(() => {
  document.documentElement.lang = locale.value
})

// A background tab still tells the agent that customers are waiting.
effect(() => {
  const unread = totalUnread.value
  document.title = unread > 0 ? `(${unread}) ${t('app.name')}` : t('app.name')
})

const root = document.getElementById('app')
if (root) render(<App />, root)
void boot()
