// Request hooks: an interception point between decoding a request and handling it, used by the
// test kit (src/testkit/) to record requests and inject faults the way franz-go's kfake ControlKey
// and librdkafka's mock cluster do. A broker with no hooks pays one length check per request
// (Connection.handleFrame); everything here runs only when a hook is installed.

import type { RequestHeader } from '../../protocol/header.js'
import type { ConnectionInfo } from '../handlers/handler.js'

// One decoded request as a hook sees it. `body` is the decoded request object (Kafka's field
// names, camelCased); a hook may hand a different body to `handle` (the kit strips partitions it
// answers with an error itself).
export interface HookedRequest {
  readonly apiKey: number
  readonly apiName: string
  readonly version: number
  readonly header: RequestHeader
  readonly body: unknown
  readonly connection: ConnectionInfo
  // The frame's size in bytes (request header and body).
  readonly bytes: number
  // The frame itself; `body` may point into it (Produce records), and it may be a view into a
  // larger socket chunk, which is what keeping the request really holds in memory.
  readonly frame: Buffer
}

// What a hook that takes a request over can do with it. Exactly one of respond/destroy should
// eventually be called, or neither (a hung broker: the client's request timeout is the way out).
export interface RequestControl {
  // Runs the API's handler; resolves with its response object (null: none, Produce acks=0). A
  // handler error resolves with the API's error response, as dispatch would send it.
  handle(body?: unknown): Promise<unknown>
  // Queues this response; responses still leave the connection in request order.
  respond(res: unknown): void
  // The API's request-wide error response (the code in every topic and partition of the request,
  // or at top level), built by the handler's errorResponse.
  errorResponse(code: number): unknown
  // Closes the connection.
  destroy(): void
}

export interface RequestHook {
  // Sees every request before any hook takes it over.
  observe?(req: HookedRequest): void
  // Called once a request's response has been queued (or it was dropped by a hook).
  settled?(req: HookedRequest): void
  // Returns true to take the request over (then the hook drives `control`); false to pass.
  intercept?(req: HookedRequest, control: RequestControl): boolean
}

// Runs the hooks for one request; false means no hook took it over and dispatch goes on as usual.
// `control` is called only if some hook may take the request over.
export function interceptRequest(hooks: readonly RequestHook[], req: HookedRequest, control: () => RequestControl): boolean {
  let watched = false
  let intercepting = false
  for (const h of hooks) {
    h.observe?.(req)
    if (h.settled) watched = true
    if (h.intercept) intercepting = true
  }
  if (!watched && !intercepting) return false
  const c = watched ? settling(hooks, req, control()) : control()
  for (const h of hooks) if (h.intercept?.(req, c)) return true
  if (!watched) return false
  void c.handle().then((res) => c.respond(res))
  return true
}

function settling(hooks: readonly RequestHook[], req: HookedRequest, control: RequestControl): RequestControl {
  const settled = () => {
    for (const h of hooks) h.settled?.(req)
  }
  return {
    handle: (body) => control.handle(body),
    errorResponse: (code) => control.errorResponse(code),
    respond: (res) => {
      control.respond(res)
      settled()
    },
    destroy: () => {
      control.destroy()
      settled()
    },
  }
}
