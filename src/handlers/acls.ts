// DescribeAcls, CreateAcls and DeleteAcls 1–3 without an authorizer (AclApis with authorizer =
// None): DescribeAcls answers SECURITY_DISABLED at the top level, CreateAcls and DeleteAcls in
// every result. Kafdrop and AKHQ call DescribeAcls on start and expect exactly this. The
// authorizer (authorizer.class.name) is not implemented yet.

import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { DeleteAcls } from '../../protocol/apis/delete-acls.js'
import { DescribeAcls } from '../../protocol/apis/describe-acls.js'
import { ErrorCode } from '../../protocol/errors.js'
import { defineHandler } from './handler.js'

const NO_AUTHORIZER = 'No Authorizer is configured.'

export const describeAcls = defineHandler({
  api: DescribeAcls,
  handle: () => ({ throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] }),
  errorResponse: (_req, errorCode) => ({ errorCode, errorMessage: null, resources: [] }),
})

export const createAcls = defineHandler({
  api: CreateAcls,
  handle: (req) => ({ throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER })) }),
  errorResponse: (req, errorCode) => ({ results: req.creations.map(() => ({ errorCode, errorMessage: null })) }),
})

export const deleteAcls = defineHandler({
  api: DeleteAcls,
  handle: (req) => ({ throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER, matchingAcls: [] })) }),
  errorResponse: (req, errorCode) => ({ filterResults: req.filters.map(() => ({ errorCode, errorMessage: null, matchingAcls: [] })) }),
})
