// The visitor HTTP API, as listed in @kefu/protocol. The frame runs on the server's origin, so
// every path is relative to it.
import type {
  ConversationDTO,
  ErrorBody,
  EventsPage,
  MessageDTO,
  RatingDTO,
  UploadDTO,
  VisitorConversationDTO,
  VisitorIdentity,
  WidgetConfig,
  WidgetSession,
} from '@kefu/protocol'

/** The server answered with an error status; network failures stay plain TypeErrors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The offline form as POST /api/widget/offline takes it. */
export interface OfflineForm {
  clientId: string
  email: string
  name?: string
  text: string
}

/** A message to send; `conversationId` or `new` chooses where it goes (else the latest). */
export interface MessageDraft {
  clientId: string
  text: string
  conversationId?: string
  new?: true
  /** Uploads of this visitor to send with it; text may then be empty. */
  attachmentIds?: string[]
}

export interface ConversationMessages {
  conversation: ConversationDTO | null
  messages: MessageDTO[]
  teamReadSeq: number
}

export interface WidgetApi {
  getConfig(): Promise<WidgetConfig>
  startSession(visitorToken: string | null): Promise<WidgetSession>
  getEvents(visitorToken: string, since: number): Promise<EventsPage>
  postMessage(visitorToken: string, draft: MessageDraft): Promise<MessageDTO>
  /** Stores a file for this visitor to send in a message (multipart, checked by the server). */
  upload(visitorToken: string, file: File): Promise<UploadDTO>
  /** One of the visitor's own conversations with its messages. */
  getMessages(visitorToken: string, conversationId: string): Promise<ConversationMessages>
  listConversations(visitorToken: string): Promise<{ conversations: VisitorConversationDTO[] }>
  /** Read receipt over HTTP, when the socket is down. */
  read(visitorToken: string, receipt: { conversationId: string; seq: number }): Promise<unknown>
  identify(visitorToken: string, identity: VisitorIdentity): Promise<{ verified: boolean }>
  saveProfile(visitorToken: string, fields: Record<string, string>): Promise<{ ok: true }>
  sendOffline(visitorToken: string, form: OfflineForm): Promise<{ message: MessageDTO }>
  rate(
    visitorToken: string,
    rating: { conversationId: string; score: number; comment: string | null },
  ): Promise<RatingDTO>
}

export function createWidgetApi(options: {
  baseUrl: string
  inbox: string
  fetch?: typeof fetch
}): WidgetApi {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))

  async function request<T>(
    path: string,
    { token, ...init }: RequestInit & { token?: string },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (typeof init.body === 'string') headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    // Visitors are identified by their bearer token alone; no cookies cross into the frame.
    const response = await doFetch(`${options.baseUrl}${path}`, {
      ...init,
      headers,
      credentials: 'omit',
    })
    const body = (await response.json().catch(() => null)) as unknown
    if (!response.ok) {
      const error = (body as Partial<ErrorBody> | null)?.error
      throw new ApiError(
        response.status,
        error?.code ?? 'http.error',
        error?.message ?? '',
        error?.details,
      )
    }
    return body as T
  }

  const get = <T>(path: string, token?: string) => request<T>(path, { token })
  const post = <T>(path: string, token: string | undefined, body: unknown) =>
    request<T>(`/api/widget/${path}`, { method: 'POST', token, body: JSON.stringify(body) })
  const inbox = options.inbox
  return {
    getConfig: () => get(`/api/widget/config?inbox=${encodeURIComponent(inbox)}`),
    startSession: (visitorToken) =>
      post('session', undefined, visitorToken ? { inbox, visitorToken } : { inbox }),
    getEvents: (token, since) => get(`/api/widget/events?since=${since}`, token),
    postMessage: (token, draft) => post('messages', token, draft),
    upload: (token, file) => {
      const body = new FormData()
      body.append('file', file, file.name)
      return request('/api/widget/attachments', { method: 'POST', token, body })
    },
    getMessages: (token, id) =>
      get(`/api/widget/messages?conversationId=${encodeURIComponent(id)}`, token),
    listConversations: (token) => get('/api/widget/conversations', token),
    read: (token, receipt) => post('read', token, receipt),
    identify: (token, identity) => post('identify', token, identity),
    saveProfile: (token, fields) => post('profile', token, { fields }),
    sendOffline: (token, form) => post('offline', token, form),
    rate: (token, rating) => post('rating', token, rating),
  }
}
