// The visitor HTTP API, as listed in @kefu/protocol. The frame runs on the server's origin, so
// every path is relative to it.
import type {
  ErrorBody,
  EventsPage,
  MessageDTO,
  RatingDTO,
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

export interface WidgetApi {
  getConfig(): Promise<WidgetConfig>
  startSession(visitorToken: string | null): Promise<WidgetSession>
  getEvents(visitorToken: string, since: number): Promise<EventsPage>
  postMessage(visitorToken: string, draft: { clientId: string; text: string }): Promise<MessageDTO>
  identify(visitorToken: string, identity: VisitorIdentity): Promise<{ verified: boolean }>
  saveProfile(visitorToken: string, fields: Record<string, string>): Promise<{ ok: true }>
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
    if (init.body) headers['content-type'] = 'application/json'
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

  const inbox = encodeURIComponent(options.inbox)
  return {
    getConfig: () => request(`/api/widget/config?inbox=${inbox}`, { method: 'GET' }),
    startSession: (visitorToken) =>
      request('/api/widget/session', {
        method: 'POST',
        body: JSON.stringify(
          visitorToken ? { inbox: options.inbox, visitorToken } : { inbox: options.inbox },
        ),
      }),
    getEvents: (token, since) =>
      request(`/api/widget/events?since=${since}`, { method: 'GET', token }),
    postMessage: (token, draft) =>
      request('/api/widget/messages', { method: 'POST', token, body: JSON.stringify(draft) }),
    identify: (token, identity) =>
      request('/api/widget/identify', { method: 'POST', token, body: JSON.stringify(identity) }),
    saveProfile: (token, fields) =>
      request('/api/widget/profile', { method: 'POST', token, body: JSON.stringify({ fields }) }),
    rate: (token, rating) =>
      request('/api/widget/rating', { method: 'POST', token, body: JSON.stringify(rating) }),
  }
}
