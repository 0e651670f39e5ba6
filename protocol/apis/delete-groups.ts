import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DeleteGroups (42). The same fields in every version; v2+ is flexible.
export const DeleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  valid: '0-2',
  flexible: '2+',
  request: {
    groupsNames: t.array(t.string()),
  },
  response: {
    throttleTimeMs: t.int32(),
    results: t.array({
      groupId: t.string(),
      errorCode: t.errorCode(),
    }),
  },
})
export type DeleteGroupsRequest = RequestOf<typeof DeleteGroups>
export type DeleteGroupsResponse = ResponseOf<typeof DeleteGroups>
