import { selectedConversation, selectedId, showDetails } from '../store'
import { ContactPanel } from './ContactPanel'
import { ConversationList } from './ConversationList'
import { ConversationView, NoConversation } from './ConversationView'

export function InboxScreen() {
  const id = selectedId.value
  const conversation = selectedConversation.value
  return (
    <main class={`inbox ${id ? 'has-selection' : ''} ${showDetails.value ? 'with-details' : ''}`}>
      <ConversationList />
      {id ? <ConversationView key={id} id={id} /> : <NoConversation />}
      {id && conversation && showDetails.value && <ContactPanel conversation={conversation} />}
    </main>
  )
}
