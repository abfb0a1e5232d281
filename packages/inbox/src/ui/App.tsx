import { t } from '../i18n'
import { notice, route, session } from '../store'
import { Header } from './Header'
import { InboxScreen } from './Inbox'
import { LoginScreen } from './Login'
import { SettingsScreen } from './Settings'
import { SetupScreen } from './Setup'

export function App() {
  const current = route.value
  const state = session.value
  if (current.name === 'setup') return <SetupScreen token={current.token} />
  if (state.status === 'loading') {
    return (
      <div class="splash" role="status">
        {t('app.loading')}
      </div>
    )
  }
  if (state.status === 'signed-out') return <LoginScreen needsSetup={state.needsSetup} />
  return (
    <div class="app">
      <Header />
      {current.name === 'settings' ? <SettingsScreen inboxId={current.inboxId} /> : <InboxScreen />}
      {notice.value && (
        <div class="toast" role="alert">
          {notice.value}
        </div>
      )}
    </div>
  )
}
