import type { z } from 'zod';

/**
 * One group of settings: a zod rule per environment variable (the keys are the variables' names,
 * so that every issue names the variable to fix) and how the valid values become typed settings.
 * Sections are composed into one schema by `loadConfig`; a variable read by two sections (e.g.
 * PROJECTION_SCHEMA) is given the same rule in both.
 */
export interface Section<T> {
  readonly variables: z.ZodRawShape;
  build(values: Readonly<Record<string, unknown>>): T;
}

export function section<S extends z.ZodRawShape, T>(
  variables: S,
  build: (values: z.output<z.ZodObject<S>>) => T,
): Section<T> {
  return { variables, build: build as (values: Readonly<Record<string, unknown>>) => T };
}
