import { AuroraError } from '@aurora/errors';
import {
  generateSigningKey,
  InternalTokenIssuer,
  ISSUERS,
  requireGatewayActor,
  SCHEDULE_RUNNER,
  SCHEDULE_RUNNER_PRINCIPAL,
} from '../src';

/** The schedule runner's calls: only the gateway acting as the runner passes; no user token can pass for it. */

const gateway = new InternalTokenIssuer(ISSUERS.gateway, generateSigningKey('gateway-2026-12').signingKey);
const exporter = new InternalTokenIssuer(ISSUERS.export, generateSigningKey('export-2026-12').signingKey);

async function caller(issuer: InternalTokenIssuer, principal = SCHEDULE_RUNNER_PRINCIPAL, actor?: string) {
  return { principal, token: await issuer.requestToken(principal, actor) };
}

function refused(call: () => void): string {
  try {
    call();
  } catch (error) {
    if (error instanceof AuroraError) return error.code;
    throw error;
  }
  return 'passed';
}

describe('requireGatewayActor', () => {
  it('lets the gateway acting as the schedule runner pass', async () => {
    const runner = await caller(gateway, SCHEDULE_RUNNER_PRINCIPAL, SCHEDULE_RUNNER);
    expect(refused(() => requireGatewayActor(runner, SCHEDULE_RUNNER))).toBe('passed');
  });

  it.each([
    ['a user token of the gateway', () => caller(gateway, { sub: 'alice', name: 'Alice', groups: [] })],
    ['a user named as the runner, without act', () => caller(gateway)],
    ['the runner acting as someone else', () => caller(gateway, SCHEDULE_RUNNER_PRINCIPAL, 'export-worker')],
    [
      'the export worker acting as the runner',
      () => caller(exporter, SCHEDULE_RUNNER_PRINCIPAL, SCHEDULE_RUNNER),
    ],
    [
      'another principal with the runner as actor',
      () => caller(gateway, { sub: 'alice', name: 'Alice', groups: [] }, SCHEDULE_RUNNER),
    ],
  ])('refuses %s', async (_, make) => {
    const someone = await make();
    expect(refused(() => requireGatewayActor(someone, SCHEDULE_RUNNER))).toBe('FORBIDDEN');
  });
});
