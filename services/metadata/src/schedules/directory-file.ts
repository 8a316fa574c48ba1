import { InMemoryDirectory, type RecipientDirectory } from '@aurora/deliveries';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const DirectoryFileSchema = z.strictObject({
  /** By user id (the IdP's `sub`): their address and the groups they are in. */
  users: z.record(
    z.string().min(1).max(200),
    z.strictObject({ email: z.email(), groups: z.array(z.string().min(1).max(200)).max(1000).default([]) }),
  ),
});

/**
 * The directory of email deliveries from a YAML (or JSON) file, users → address and groups: the identity providers
 * Aurora runs with (the dev IdP, an OIDC issuer) offer no lookup of users and group members, so the deployment
 * provides the mapping (the chart: a ConfigMap). Read once at boot; a bad file stops the service.
 */
export function readDirectoryFile(path: string): RecipientDirectory {
  const parsed = DirectoryFileSchema.safeParse(parse(readFileSync(path, 'utf8')) as unknown);
  if (!parsed.success)
    throw new Error(
      `DIRECTORY_PATH ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return new InMemoryDirectory(
    Object.entries(parsed.data.users).map(([id, user]) => ({ id, email: user.email, groups: user.groups })),
  );
}
