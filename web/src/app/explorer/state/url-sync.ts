import { effect, inject, signal } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import type { ExplorerStore } from './explorer.store';
import { decodeView, encodeQuery } from './url-state';

/**
 * Keeps the view in the URL (`?q=` / `?dataset=`, see url-state.ts) and restores it on entry, at once: what the
 * restore loads does not wait for the dataset list. Call in the explorer's injection context. The URL is
 * replaced, not pushed: Back leaves the explorer instead of stepping through every click.
 */
export function bindViewToUrl(store: ExplorerStore): void {
  const router = inject(Router);
  const route = inject(ActivatedRoute);
  const restored = signal(false);
  let writes = 0;

  void decodeView(route.snapshot.queryParamMap)
    .then(
      (view) => {
        if (view.kind === 'query') store.restore(view.query);
        else if (view.kind === 'dataset') store.pick(view.dataset);
      },
      (error: unknown) => store.error.set(error instanceof Error ? error.message : String(error)),
    )
    .finally(() => restored.set(true));

  effect(() => {
    const query = store.query();
    const dataset = store.view().datasetId;
    if (!restored() || store.loadingDataset()) return;
    const write = ++writes;
    const params = query
      ? encodeQuery(query).then((q) => ({ q }))
      : Promise.resolve(dataset ? { dataset } : {});
    void params.then((queryParams) => {
      if (write !== writes) return; // a later view won the race
      void router.navigate([], { relativeTo: route, queryParams, replaceUrl: true });
    });
  });
}
