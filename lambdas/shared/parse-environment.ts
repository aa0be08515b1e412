import * as z from 'zod/mini';
import type { $ZodType, output } from 'zod/v4/core';

/**
 * Parses a function's environment against its schema, or fails naming every missing or
 * malformed variable, so a misconfigured deploy breaks at cold start rather than mid-request.
 */
export function parseEnvironment<S extends $ZodType>(schema: S, env: NodeJS.ProcessEnv, functionName: string): output<S> {
  const parsed = z.safeParse(schema, env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment for the ${functionName}: ${problems.join('; ')}`);
  }
  return parsed.data;
}
