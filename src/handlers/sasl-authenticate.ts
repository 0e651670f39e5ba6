// SaslAuthenticate 0–2 (SaslServerAuthenticator.handleSaslToken with Kafka request headers): one
// SASL token in, one out. v1+: session_lifetime_ms once complete (KIP-368; 0 when
// connections.max.reauth.ms is not set). A failure answers SASL_AUTHENTICATION_FAILED with Kafka's
// message (the mechanism's own text where Kafka sends it, else its generic text), then the
// connection closes. The log line names the user's mechanism and reason, never a token.

import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { ErrorCode } from '../../protocol/errors.js'
import { defineHandler } from './handler.js'
import { closeAfterResponse } from './sasl-handshake.js'

export default defineHandler({
  api: SaslAuthenticate,
  handle(req, ctx) {
    const session = ctx.connection.sasl
    if (!session) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n }
    }
    const out = session.authenticate(req.authBytes, ctx.version)
    if (out.errorCode === ErrorCode.NONE && session.state === 'complete') {
      ctx.broker.logger.debug({ conn: ctx.connection.id, principal: session.principal, mechanism: session.mechanism }, 'SASL authentication complete')
    }
    if (out.close) {
      ctx.broker.logger.info({ conn: ctx.connection.id, remote: ctx.connection.remote, mechanism: session.mechanism, reason: out.reason ?? out.errorMessage }, 'SASL authentication failed')
      closeAfterResponse(ctx)
    }
    return { errorCode: out.errorCode, errorMessage: out.errorMessage, authBytes: out.authBytes, sessionLifetimeMs: out.sessionLifetimeMs }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, errorMessage: null }),
})
