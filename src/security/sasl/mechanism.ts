// One SASL server exchange (javax.security.sasl.SaslServer as Kafka uses it): tokens in, tokens
// out, a principal once complete. Failures throw AuthenticationFailed with the message Kafka sends
// the client: its SaslAuthenticationException text, or its generic text for a SaslException
// (which may name a user and so is never sent).

export interface SaslServer {
  readonly mechanism: string
  evaluate(token: Buffer): Buffer
  readonly complete: boolean
  // The authenticated user name (Kafka's authorization id), once complete.
  readonly authorizationId: string | null
}

export class AuthenticationFailed extends Error {
  readonly code = 'RIVULET_SASL_AUTHENTICATION_FAILED'
  // true: the message is safe for the client (SaslAuthenticationException); false: a SaslException
  // whose text stays in the broker's debug log and the client gets Kafka's generic message.
  constructor(message: string, readonly clientVisible: boolean) {
    super(message)
  }
}
