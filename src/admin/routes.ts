// The admin port's routes (`--admin-port`, DESIGN.md "Test kit and console"): a small JSON API for
// the test kit, /metrics for Prometheus and the web console. Each feature contributes a table of
// routes; the admin HTTP server (src/admin/http-server.ts) owns the socket, loopback checks, body
// limits and JSON parsing, and only calls these.

export interface AdminRequest {
  // Path parameters named in the route's path, e.g. '/faults/:id' → { id: '3' }.
  params: Record<string, string>
  query: URLSearchParams
  // The parsed JSON body (undefined when the request had none).
  body: unknown
  // The request's Content-Type header (the console's mutating routes require JSON, so that a
  // cross-site form post, which cannot send one, never reaches them).
  contentType?: string
}

export interface AdminResponse {
  status: number
  json?: unknown
  text?: string
  contentType?: string
  // Extra response headers (the console's page sets its Content-Security-Policy).
  headers?: Record<string, string>
}

export interface AdminRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  handle(req: AdminRequest): AdminResponse | Promise<AdminResponse>
}

// A route answers 4xx by throwing this; anything else thrown is a 500 that is logged.
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}
