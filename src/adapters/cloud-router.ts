// One Cloud over each provider's adapter: a scale target goes to the adapter of its `provider`. Used by the
// composition root only, which says which adapters there are. Only the adapters the targets use are built (so
// the AWS SDK loads only when a target is on AWS), and a target whose provider has none is refused at start-up.
import type { ScaleTarget } from '../domain/scale-target';
import { FirebreakError } from '../errors';
import type { Cloud } from '../ports/cloud';

export interface ClosableCloud extends Cloud {
  close?(): void;
}

export interface CloudRouter extends Cloud {
  /** Closes the adapters it built. */
  close(): void;
}

export function routeByProvider(
  targets: readonly ScaleTarget[],
  adapters: Readonly<Record<string, () => ClosableCloud>>,
): CloudRouter {
  const unknown = targets.filter((t) => !Object.hasOwn(adapters, t.provider));
  if (unknown.length > 0) {
    throw new FirebreakError(
      'CONFIG_INVALID',
      `no cloud adapter for ${unknown.map((t) => `scale target ${t.name} (provider "${t.provider}")`).join(', ')}; the providers are ${Object.keys(adapters).join(', ')}`,
      { step: 'choosing the cloud of each scale target' },
    );
  }
  const built = new Map<string, ClosableCloud>();
  for (const { provider } of targets) {
    const build = adapters[provider];
    if (build && !built.has(provider)) built.set(provider, build());
  }
  const adapterFor = (target: ScaleTarget): ClosableCloud => {
    const adapter = built.get(target.provider);
    if (!adapter)
      throw new FirebreakError('CONFIG_INVALID', `no cloud adapter for provider "${target.provider}"`, {
        step: `choosing the cloud of ${target.name}`,
      });
    return adapter;
  };
  return {
    describe: (target) => adapterFor(target).describe(target),
    capacity: (target) => adapterFor(target).capacity(target),
    resize: (target, request) => adapterFor(target).resize(target, request),
    close() {
      for (const adapter of built.values()) adapter.close?.();
      built.clear();
    },
  };
}
