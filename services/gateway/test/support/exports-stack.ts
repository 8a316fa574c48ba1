import { startNats, startStack, type Env, type RunningNats, type Stack } from '@aurora/testing';
import { demoWarehouse, type TestWarehouse } from './warehouse';

/** A stack whose gateway takes exports (a NATS of its own, no worker: jobs stay queued) on a small warehouse. */
export interface ExportsStack {
  readonly warehouse: TestWarehouse;
  readonly nats: RunningNats;
  readonly stack: Stack;
  stop(): Promise<void>;
}

/** `gateway` adds to the gateway's environment (e.g. a rate limit no test reaches). */
export async function startExportsStack(gateway: Env = {}): Promise<ExportsStack> {
  const [warehouse, nats] = await Promise.all([demoWarehouse(1_000), startNats()]);
  const stack = await startStack({ warehousePath: warehouse.path, nats, env: { gateway } });
  return {
    warehouse,
    nats,
    stack,
    stop: async () => {
      await stack.stop();
      await nats.remove();
      await warehouse.remove();
    },
  };
}
