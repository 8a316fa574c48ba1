import type { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates a service's environment once, at boot, into a typed object. A bad value stops the process with a
 * message naming every offending variable, instead of failing later at the first request.
 */
export function loadConfig<T extends z.ZodType>(
  service: string,
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`,
  );
  throw new ConfigError(`${service}: invalid configuration\n${problems.join('\n')}`);
}
