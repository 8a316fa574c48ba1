// The metadata service's own store, called in this process: the same statements it runs for a list and for an
// open (kysely on pg), without gRPC and HTTP in front of it.
// A bench only: the metadata service's store itself is the baseline, so it cannot drift from what the service runs.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppDatabase } from '../../metadata/src/reports/app-database';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ReportsStore } from '../../metadata/src/reports/reports.store';

interface Asker {
  readonly sub: string;
  readonly name: string;
  readonly groups: readonly string[];
}

export interface DirectStore {
  list(asker: Asker, scope: 'mine' | 'shared', limit: number): Promise<unknown>;
  open(asker: Asker, id: string): Promise<unknown>;
  close(): Promise<void>;
}

export function directStore(url: string, poolMax: number): DirectStore {
  const database = new AppDatabase({ url, poolMax });
  const store = new ReportsStore(database);
  return {
    list: (asker, scope, limit) =>
      store.list(asker, { scope, search: '', dataset: '', folder: '', cursor: '', limit }),
    open: (asker, id) => store.get(asker, id, { recordOpen: true }),
    close: () => database.close(),
  };
}
