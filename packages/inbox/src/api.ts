// The agent HTTP API. Same origin, cookie session, JSON both ways; every failure becomes an
// ApiError carrying the server's code and message (or 'network' when the server was unreachable).
import type {
  AgentConversationDetailDTO,
  AgentConversationDTO,
  AgentDTO,
  Availability,
  ConnectionTestDTO,
  EmailDetailsDTO,
  ErrorBody,
  EventsPage,
  Id,
  InboxDTO,
  InboxHoursDTO,
  MailboxDTO,
  MailboxHealthDTO,
  MailboxSettings,
  MeResponse,
  MessageDTO,
  QuarantineItemDTO,
  UploadDTO,
  WidgetSettings,
} from '@kefu/protocol'
import type { StatusFilter, View } from './conversations'
import type { EmailRecipients } from './recipients'

/** A website inbox's business hours, and the organisation's zone they default to. */
export interface InboxHoursResponse {
  hours: InboxHoursDTO
  accountTimezone: string
}

/** A website inbox's identity verification (admins only: the secret signs visitors' ids). */
export interface IdentitySettings {
  secret: string
  required: boolean
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

let onUnauthorized: (() => void) | null = null

/** Called when a signed-in request comes back 401: the session expired or was revoked. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler
}

interface RequestOptions {
  body?: unknown
  /** Auth calls expect 401 as an answer, not as a lost session. */
  expect401?: boolean
  /** A multipart body (file uploads); the browser sets its content type. */
  form?: FormData
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  }
  if (options.body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' }
    init.body = JSON.stringify(options.body)
  }
  if (options.form) init.body = options.form
  let response: Response
  try {
    response = await fetch(path, init)
  } catch {
    throw new ApiError(0, 'network', 'network')
  }
  if (response.status === 401 && !options.expect401) onUnauthorized?.()
  if (response.status === 204) return undefined as T
  let payload: unknown = null
  try {
    payload = await response.json()
  } catch {
    // An empty or non-JSON body (a proxy's error page); the status still tells what happened.
  }
  if (!response.ok) {
    const error = (payload as Partial<ErrorBody> | null)?.error
    throw new ApiError(
      response.status,
      error?.code ?? `http.${response.status}`,
      error?.message ?? response.statusText,
    )
  }
  return payload as T
}

export const api = {
  setupStatus: () => request<{ needsSetup: boolean }>('GET', '/api/setup'),
  setup: (body: {
    token: string
    accountName: string
    name: string
    email: string
    password: string
  }) => request<MeResponse>('POST', '/api/setup', { body, expect401: true }),
  login: (email: string, password: string) =>
    request<MeResponse>('POST', '/api/auth/login', { body: { email, password }, expect401: true }),
  logout: () => request<void>('POST', '/api/auth/logout', { expect401: true }),
  me: () => request<MeResponse>('GET', '/api/auth/me', { expect401: true }),
  setAvailability: (availability: Availability) =>
    request<AgentDTO>('PUT', '/api/auth/availability', { body: { availability } }),
  agents: () => request<{ agents: AgentDTO[] }>('GET', '/api/agents'),
  inboxes: () => request<{ inboxes: InboxDTO[] }>('GET', '/api/inboxes'),
  conversations: (view: View, status: StatusFilter) =>
    request<{ conversations: AgentConversationDTO[]; seq: number }>(
      'GET',
      `/api/conversations?view=${encodeURIComponent(view)}&status=${encodeURIComponent(status)}`,
    ),
  conversation: (id: Id) =>
    request<{ conversation: AgentConversationDetailDTO; messages: MessageDTO[]; seq: number }>(
      'GET',
      `/api/conversations/${encodeURIComponent(id)}`,
    ),
  sendMessage: (
    id: Id,
    body: {
      clientId: string
      text: string
      private: boolean
      email?: EmailRecipients
      attachmentIds?: Id[]
    },
  ) =>
    request<MessageDTO>('POST', `/api/conversations/${encodeURIComponent(id)}/messages`, { body }),
  /** Stores a file to send in this conversation with sendMessage's attachmentIds. */
  uploadAttachment: (id: Id, file: File) => {
    const form = new FormData()
    form.append('file', file, file.name)
    return request<UploadDTO>('POST', `/api/conversations/${encodeURIComponent(id)}/attachments`, {
      form,
    })
  },
  retryDelivery: (conversationId: Id, messageId: Id) =>
    request<void>(
      'POST',
      `/api/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}/retry`,
    ),
  startEmail: (body: {
    inboxId: Id
    clientId: string
    to: string
    name?: string
    cc?: string[]
    bcc?: string[]
    subject: string
    text: string
  }) =>
    request<{ conversationId: Id; message: MessageDTO }>('POST', '/api/conversations/email', {
      body,
    }),
  emailDetails: (messageId: Id) =>
    request<EmailDetailsDTO>('GET', `/api/messages/${encodeURIComponent(messageId)}/email`),
  createEmailInbox: (body: { name: string; mailbox: MailboxSettings }) =>
    request<{ inbox: InboxDTO; mailbox: MailboxDTO }>('POST', '/api/inboxes/email', { body }),
  mailbox: (inboxId: Id) =>
    request<MailboxDTO>('GET', `/api/inboxes/${encodeURIComponent(inboxId)}/mailbox`),
  saveMailbox: (inboxId: Id, settings: MailboxSettings) =>
    request<MailboxDTO>('PUT', `/api/inboxes/${encodeURIComponent(inboxId)}/mailbox`, {
      body: settings,
    }),
  testMailbox: (inboxId: Id, settings: MailboxSettings) =>
    request<ConnectionTestDTO>('POST', `/api/inboxes/${encodeURIComponent(inboxId)}/mailbox/test`, {
      body: settings,
    }),
  mailboxHealth: (inboxId: Id) =>
    request<MailboxHealthDTO>('GET', `/api/inboxes/${encodeURIComponent(inboxId)}/health`),
  quarantine: (inboxId: Id) =>
    request<{ items: QuarantineItemDTO[] }>(
      'GET',
      `/api/inboxes/${encodeURIComponent(inboxId)}/quarantine`,
    ),
  reprocess: (inboxId: Id, itemId: Id) =>
    request<{ status: string; conversationId?: Id | null }>(
      'POST',
      `/api/inboxes/${encodeURIComponent(inboxId)}/quarantine/${encodeURIComponent(itemId)}/reprocess`,
    ),
  /** Replaces the whole settings object: send every field to keep it. */
  saveWidgetSettings: (inboxId: Id, settings: WidgetSettings) =>
    request<InboxDTO>('PUT', `/api/inboxes/${encodeURIComponent(inboxId)}/settings`, {
      body: settings,
    }),
  hours: (inboxId: Id) =>
    request<InboxHoursResponse>('GET', `/api/inboxes/${encodeURIComponent(inboxId)}/hours`),
  saveHours: (inboxId: Id, hours: InboxHoursDTO) =>
    request<InboxHoursResponse>('PUT', `/api/inboxes/${encodeURIComponent(inboxId)}/hours`, {
      body: hours,
    }),
  identity: (inboxId: Id) =>
    request<IdentitySettings>('GET', `/api/inboxes/${encodeURIComponent(inboxId)}/identity`),
  setIdentity: (inboxId: Id, body: { required?: boolean; rotate?: boolean }) =>
    request<IdentitySettings>('PUT', `/api/inboxes/${encodeURIComponent(inboxId)}/identity`, {
      body,
    }),
  assign: (id: Id, assigneeId: Id | null) =>
    request<AgentConversationDTO>('POST', `/api/conversations/${encodeURIComponent(id)}/assign`, {
      body: { assigneeId },
    }),
  setStatus: (id: Id, status: 'open' | 'resolved') =>
    request<AgentConversationDTO>('POST', `/api/conversations/${encodeURIComponent(id)}/status`, {
      body: { status },
    }),
  markRead: (id: Id) => request<void>('POST', `/api/conversations/${encodeURIComponent(id)}/read`),
  events: (since: number) => request<EventsPage>('GET', `/api/events?since=${since}`),
}
