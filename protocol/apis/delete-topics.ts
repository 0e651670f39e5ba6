import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DeleteTopics (20). v0 was removed in Kafka 4.0 (KIP-896). v1–5 name topics in topicNames; v6+ in topics, by name or by id (a null name
// means delete by id), and results carry the topic id. v5+ per-topic error messages.
export const DeleteTopics = defineApi({
  key: 20,
  name: 'DeleteTopics',
  valid: '1-6',
  flexible: '4+',
  request: {
    topics: t.array(
      {
        name: t.nullableString({ nullable: '6+' }),
        topicId: t.uuid(),
      },
      { versions: '6+' },
    ),
    topicNames: t.array(t.string(), { versions: '1-5' }),
    timeoutMs: t.int32(),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '1+' }),
    responses: t.array({
      name: t.nullableString({ nullable: '6+', default: '' }),
      topicId: t.uuid({ versions: '6+' }),
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ versions: '5+', nullable: '5+' }),
    }),
  },
})
export type DeleteTopicsRequest = RequestOf<typeof DeleteTopics>
export type DeleteTopicsResponse = ResponseOf<typeof DeleteTopics>
