import { defineApi, t, type RequestOf, type ResponseOf } from '../schema.js'

// DeleteGroups (42). v2+ is flexible; v3 adds a per-group errorMessage (null when none).
export const DeleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  valid: '0-3',
  flexible: '2+',
  request: {
    groupsNames: t.array(t.string()),
  },
  response: {
    throttleTimeMs: t.int32(),
    results: t.array({
      groupId: t.string(),
      errorCode: t.errorCode(),
      errorMessage: t.nullableString({ versions: '3+', nullable: '3+', default: null }),
    }),
  },
})
export type DeleteGroupsRequest = RequestOf<typeof DeleteGroups>
export type DeleteGroupsResponse = ResponseOf<typeof DeleteGroups>
