export { createCognitoClient, type MeteredCognitoClient, type ApiCallCounts } from './cognito-client.js';
export { CognitoPoolReader, type TotpEnrolment } from './pool-reader.js';
export { CognitoSourceError } from './cognito-source-error.js';
export { toUserExported, UnexportableUserError, type UserRecordContext } from './user-record.js';
export { quotaCategoryOf } from './quota-category.js';
