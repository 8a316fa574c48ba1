import type { RunningNats, Stack } from '@aurora/testing';
import { expectProblem, get } from './support/http';
import { startExportsStack, type ExportsStack } from './support/exports-stack';

/**
 * docs/OPERATIONS.md, "NATS permissions": the gateway connects to NATS as its own user. Credentials NATS refuses
 * are a configuration error the gateway's log names, while the API answers exports with a 503 it may retry.
 */

let running: ExportsStack;
let nats: RunningNats;
let stack: Stack;
let alice: string;

beforeAll(async () => {
  running = await startExportsStack();
  ({ nats, stack } = running);
  alice = await stack.token('alice-cli');
}, 120_000);

afterAll(() => running.stop());

describe('the gateway on a NATS that requires credentials', () => {
  it('lists exports as its own NATS user', async () => {
    const response = await get(`${stack.urls.api}/exports`, { token: alice });
    expect(response.status).toBe(200);
  });

  it('answers 503 with a wrong NATS_PASSWORD, and its log says which settings NATS refused', async () => {
    const misconfigured = await stack.startGateway({
      ...nats.env('gateway'),
      NATS_PASSWORD: 'not-the-password',
    });
    const response = await get(`${misconfigured.api}/exports`, { token: alice });

    expectProblem(response, 503, 'UNAVAILABLE');
    const refused = misconfigured.process
      .output()
      .split('\n')
      .find((line) => line.includes('"NATS refused the gateway"'));
    expect(JSON.parse(refused ?? '{}')).toMatchObject({
      level: 'error',
      error:
        'NATS at NATS_URL refused the connection: it refused user "aurora-gateway" (NATS_USER) with the password in NATS_PASSWORD',
    });
  });
});
