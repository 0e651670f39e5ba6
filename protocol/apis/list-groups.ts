import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// ListGroups (16). v4+: statesFilter and groupState (KIP-518); v5+: typesFilter and groupType
// (KIP-848). An empty filter matches every group.
export const ListGroups = defineApi({
  key: 16,
  name: 'ListGroups',
  valid: '0-5',
  flexible: '3+',
  request: {
    statesFilter: t.array(t.string(), { versions: '4+' }),
    typesFilter: t.array(t.string(), { versions: '5+' }),
  },
  response: {
    throttleTimeMs: t.int32({ versions: '1+' }),
    errorCode: t.errorCode(),
    groups: t.array({
      groupId: t.string(),
      protocolType: t.string(),
      groupState: t.string({ versions: '4+' }),
      groupType: t.string({ versions: '5+' }),
    }),
  },
})
export type ListGroupsRequest = RequestOf<typeof ListGroups>
export type ListGroupsResponse = ResponseOf<typeof ListGroups>
