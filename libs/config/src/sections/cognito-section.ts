import { z } from 'zod';
import { section } from '../section.js';
import { httpUrl, integer, rate } from '../setting-rules.js';

/** Per-category request rates; defaults are AWS's default quotas (reference: Cognito quotas page). */
export interface CognitoQuotas {
  readonly userList: number;
  readonly userPoolResourceRead: number;
  readonly userPoolRead: number;
  readonly userRead: number;
  readonly userResourceRead: number;
}

export interface CognitoConfig {
  /** Unset means the real AWS endpoint for the region. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly maxAttempts: number;
  readonly quotas: CognitoQuotas;
}

export const cognitoSection = section(
  {
    COGNITO_ENDPOINT: httpUrl('http://127.0.0.1:19229').optional(),
    AWS_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as eu-west-1' })
      .default('us-east-1'),
    COGNITO_MAX_ATTEMPTS: integer(1, 20).default(8),
    COGNITO_RPS_USER_LIST: rate.default(30),
    COGNITO_RPS_USER_POOL_RESOURCE_READ: rate.default(5),
    COGNITO_RPS_USER_POOL_READ: rate.default(15),
    COGNITO_RPS_USER_READ: rate.default(120),
    COGNITO_RPS_USER_RESOURCE_READ: rate.default(50),
  },
  (v): CognitoConfig => ({
    endpoint: v.COGNITO_ENDPOINT,
    region: v.AWS_REGION,
    maxAttempts: v.COGNITO_MAX_ATTEMPTS,
    quotas: {
      userList: v.COGNITO_RPS_USER_LIST,
      userPoolResourceRead: v.COGNITO_RPS_USER_POOL_RESOURCE_READ,
      userPoolRead: v.COGNITO_RPS_USER_POOL_READ,
      userRead: v.COGNITO_RPS_USER_READ,
      userResourceRead: v.COGNITO_RPS_USER_RESOURCE_READ,
    },
  }),
);
