import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { WebhookPolicy } from './config';

/** Resolves a host name to its addresses (node:dns by default; tests give names of their own). */
export type Resolver = (host: string) => Promise<readonly { address: string; family: 4 | 6 }[]>;

export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, order: 'verbatim' })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** Where a webhook may connect: the URL, and the one vetted address the request is pinned to. */
export interface GuardedTarget {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

/** `unresolved`: the name did not resolve now, which may pass (a DNS outage); `refused` never will. */
export type GuardResult =
  | { readonly kind: 'allowed'; readonly target: GuardedTarget }
  | { readonly kind: 'unresolved'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * Addresses a webhook must never reach unless its host is listed as internal: loopback, private networks,
 * link-local (169.254.169.254, the cloud metadata service, lives there), carrier-grade NAT, multicast and the
 * reserved ranges, in IPv4 and IPv6 (IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry).
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return PRIVATE.check(mapped, 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** `host` matches `pattern`: the same name, or under `*.suffix` (a subdomain of suffix, never suffix itself). */
export function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

/**
 * Decides whether a webhook URL may be called, before any byte is sent: the scheme, the host against the
 * allow-list, then every address the host resolves to. The request then connects to the vetted address only,
 * so a DNS answer that changes between this check and the connection (DNS rebinding) cannot redirect it.
 */
export async function guardWebhookUrl(
  raw: string,
  policy: WebhookPolicy,
  resolve: Resolver = systemResolver,
): Promise<GuardResult> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { kind: 'refused', reason: 'not a valid URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp))
    return { kind: 'refused', reason: `${url.protocol} URLs are not allowed (https only)` };
  if (url.username !== '' || url.password !== '')
    return { kind: 'refused', reason: 'credentials in the URL are not allowed' };
  // URL keeps IPv6 literals in brackets; the allow-list and the address checks want the bare host.
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const internal = policy.internalHosts.some((pattern) => hostMatches(host, pattern));
  if (!internal && !policy.allowedHosts.some((pattern) => hostMatches(host, pattern)))
    return { kind: 'refused', reason: `host ${host} is not on the webhook allow-list` };

  let addresses: readonly { address: string; family: 4 | 6 }[];
  if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      return { kind: 'unresolved', reason: `host ${host} does not resolve (${(error as Error).message})` };
    }
  }
  const first = addresses[0];
  if (first === undefined) return { kind: 'unresolved', reason: `host ${host} has no address` };
  // Every answer is checked, not just the one used: a name mixing public and private answers is refused.
  const blocked = addresses.find(({ address }) => isPrivateAddress(address));
  if (blocked !== undefined && !internal)
    return {
      kind: 'refused',
      reason: `host ${host} resolves to ${blocked.address}, a private, loopback or link-local address`,
    };
  return { kind: 'allowed', target: { url, address: first.address, family: first.family } };
}
