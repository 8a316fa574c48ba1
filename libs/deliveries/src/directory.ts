/** A person mail can go to. */
export interface DirectoryUser {
  readonly id: string;
  readonly email: string;
}

/**
 * Who the users and groups of an email delivery are: the identity provider's directory (wired by the service
 * that sends). Unknown ids and empty groups answer nothing; the delivery says which ids found no address.
 */
export interface RecipientDirectory {
  user(id: string): Promise<DirectoryUser | undefined>;
  groupMembers(group: string): Promise<readonly DirectoryUser[]>;
}

/** A fixed directory: tests and the local stack, whose dev IdP knows its four users. */
export class InMemoryDirectory implements RecipientDirectory {
  private readonly users: ReadonlyMap<string, DirectoryUser & { readonly groups: readonly string[] }>;

  constructor(users: readonly (DirectoryUser & { readonly groups: readonly string[] })[]) {
    this.users = new Map(users.map((entry) => [entry.id, entry]));
  }

  user(id: string): Promise<DirectoryUser | undefined> {
    return Promise.resolve(this.users.get(id));
  }

  groupMembers(group: string): Promise<readonly DirectoryUser[]> {
    return Promise.resolve([...this.users.values()].filter((entry) => entry.groups.includes(group)));
  }
}

/** What an email target resolves to: unique addresses, and the ids or groups that gave none. */
export interface ResolvedRecipients {
  readonly addresses: readonly string[];
  readonly unresolved: readonly string[];
}

export async function resolveRecipients(
  directory: RecipientDirectory,
  users: readonly string[],
  groups: readonly string[],
): Promise<ResolvedRecipients> {
  const addresses = new Set<string>();
  const unresolved: string[] = [];
  for (const id of users) {
    const user = await directory.user(id);
    if (user === undefined) unresolved.push(`user ${id}`);
    else addresses.add(user.email.toLowerCase());
  }
  for (const group of groups) {
    const members = await directory.groupMembers(group);
    if (members.length === 0) unresolved.push(`group ${group}`);
    for (const member of members) addresses.add(member.email.toLowerCase());
  }
  return { addresses: [...addresses].sort(), unresolved };
}
