/** Who a token speaks for: the claims every Aurora access token carries. */
export interface DevPrincipal {
  readonly sub: string;
  readonly name: string;
  readonly groups: readonly string[];
  /** Where schedules mail them (directory.yaml, beside src, maps the same for the metadata service). */
  readonly email?: string;
  /** Further claims of the access token, which row-level security can name (`claims.regions`). */
  readonly claims?: Readonly<Record<string, readonly string[]>>;
}

/** The dev users of the web login. The password of each is its user name. */
export const DEV_USERS: Readonly<Record<string, DevPrincipal>> = {
  alice: { sub: 'alice', name: 'Alice Analyst', groups: ['analysts'], email: 'alice@aurora.localhost' },
  bob: { sub: 'bob', name: 'Bob Hr', groups: ['hr'], email: 'bob@aurora.localhost' },
  carol: { sub: 'carol', name: 'Carol Admin', groups: ['admins'], email: 'carol@aurora.localhost' },
  dave: {
    sub: 'dave',
    name: 'Dave Sales',
    groups: ['sales-emea'],
    email: 'dave@aurora.localhost',
    claims: { regions: ['EMEA'] },
  },
};

/** A confidential client for scripts and tests (client-credentials grant) and whom its tokens speak for. */
export interface DevCliClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly principal: DevPrincipal;
}

function userCli(user: DevPrincipal): DevCliClient {
  const clientId = `${user.sub}-cli`;
  return { clientId, clientSecret: clientId, principal: user };
}

/** `aurora-cli` is a service principal; `<user>-cli` (secret = client id) act as that dev user. */
export const DEV_CLI_CLIENTS: readonly DevCliClient[] = [
  {
    clientId: 'aurora-cli',
    clientSecret: 'aurora-cli-secret',
    principal: { sub: 'aurora-cli', name: 'Aurora CLI', groups: ['analysts'] },
  },
  ...Object.values(DEV_USERS).map(userCli),
];

/** The dev user with this name and password, if they match. */
export function authenticate(username: string, password: string): DevPrincipal | undefined {
  const user = Object.hasOwn(DEV_USERS, username) ? DEV_USERS[username] : undefined;
  return user && password === username ? user : undefined;
}

export function userById(accountId: string): DevPrincipal | undefined {
  return Object.hasOwn(DEV_USERS, accountId) ? DEV_USERS[accountId] : undefined;
}

export function cliPrincipal(clientId: string): DevPrincipal | undefined {
  return DEV_CLI_CLIENTS.find((client) => client.clientId === clientId)?.principal;
}
