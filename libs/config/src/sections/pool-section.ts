import { z } from 'zod';
import { section } from '../section.js';

export interface PoolConfig {
  readonly userPoolId: string;
}

export const poolSection = section(
  {
    COGNITO_USER_POOL_ID: z
      .string()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, { error: 'must look like <region>_<id>, e.g. us-east-1_AbC123' }),
  },
  (v): PoolConfig => ({ userPoolId: v.COGNITO_USER_POOL_ID }),
);
