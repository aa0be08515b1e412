/**
 * The building blocks of the config schema's rules, so that every section states its limits the
 * same way and every broken rule reads `<path> <message>` (see `describeProblems`).
 *
 * Messages start lower case and follow the setting's path: `extraction.memoryMb must be 128–10240`.
 */
import { z } from 'zod';

/** A whole number from `min` to `max`. */
export const wholeNumber = (min: number, max: number, message = `must be ${min}–${max}`) =>
  z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });

/** A whole number of at least `min`. */
export const atLeast = (min: number, message = `must be a whole number of at least ${min}`) =>
  z.number({ error: message }).int({ error: message }).min(min, { error: message });

/** A number from `min` to `max`, fractions allowed. */
export const between = (min: number, max: number, message = `must be ${min}–${max}`) =>
  z.number({ error: message }).min(min, { error: message }).max(max, { error: message });

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const logRetentionDays = () =>
  z
    .number()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      error: `must be a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(', ')})`,
    });

/** A percentage in (0, 100]. */
export const percentage = () => {
  const message = 'must be a percentage above 0';
  return z.number({ error: message }).gt(0, { error: message }).max(100, { error: message });
};

/** A share in (0, 1]. */
export const share = () => {
  const message = 'must be a share in (0, 1]';
  return z.number({ error: message }).gt(0, { error: message }).max(1, { error: message });
};

/** One of `values`, naming them all when it is not. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** A list that cannot be changed in place (configs are plain data, shared by every reader). */
export const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

/**
 * Adds a broken cross-field rule to a refinement's context: `path` is dotted, relative to the
 * schema being refined; `message` follows it (`must exceed …`).
 */
export function rule(ctx: z.RefinementCtx, ok: boolean, path: string, message: string): void {
  if (!ok) ctx.addIssue({ code: 'custom', path: path.split('.'), message });
}

/**
 * Every broken rule as one line, `<path> <message>`. Zod's own messages (a wrong type, an unknown
 * key) start upper case and are set apart with a colon. Duplicates (a value past two bounds) go.
 */
export function describeProblems(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (path === '') return issue.message;
    return /^[A-Z]/.test(issue.message) ? `${path}: ${issue.message}` : `${path} ${issue.message}`;
  });
  return [...new Set(lines)];
}
