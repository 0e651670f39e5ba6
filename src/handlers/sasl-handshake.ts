// SaslHandshake 0–1 (SaslServerAuthenticator.handleHandshakeRequest). v0: the SASL tokens that
// follow are raw frames; v1: they come in SaslAuthenticate. An unsupported mechanism answers
// UNSUPPORTED_SASL_MECHANISM with the enabled ones, then the connection closes. On a listener
// without SASL, or after authentication without re-authentication support, ILLEGAL_SASL_STATE
// (KafkaApis.handleSaslHandshakeRequest). After authentication a v1 handshake starts
// re-authentication (KIP-368).

import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { ErrorCode } from '../../protocol/errors.js'
import { defineHandler } from './handler.js'

export default defineHandler({
  api: SaslHandshake,
  handle(req, ctx) {
    const session = ctx.connection.sasl
    if (!session) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }
    const out = session.handshake(req.mechanism, ctx.version)
    if (out.close) {
      ctx.broker.logger.info({ conn: ctx.connection.id, remote: ctx.connection.remote, mechanism: req.mechanism, enabled: out.mechanisms }, 'SASL handshake refused: mechanism not enabled')
      closeAfterResponse(ctx)
    }
    return { errorCode: out.errorCode, mechanisms: out.mechanisms }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, mechanisms: [] }),
})

export function closeAfterResponse(ctx: { connection: { destroy?(): void }; afterResponse?: (fn: () => void) => void }): void {
  const close = () => ctx.connection.destroy?.()
  if (ctx.afterResponse) ctx.afterResponse(close)
  else close()
}
