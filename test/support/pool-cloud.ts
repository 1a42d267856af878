// A second cloud, for tests only: "pools" that are resized to a number in one call, with their own idempotency
// token (a request id of 32 hex digits), their own errors and their own dry run (validateOnly). Its adapter is
// what a second provider's adapter would be: it proves the Cloud port carries no AWS shape, by running the same
// scaling flow as AWS (test/integration/scaling-providers.test.ts).
import { createHash } from 'node:crypto';
import type { ScaleTarget } from '../../src/domain/scale-target';
import { FirebreakError } from '../../src/errors';
import type { Capacity, Cloud, CloudInstance, ResizeRequest, ResizeResult } from '../../src/ports/cloud';

export const POOL_PROVIDER = 'pool';

export interface PoolSpec {
  pool: string;
}

interface PoolInstance {
  id: string;
  createdAt: number;
  readyAt: number;
  labels: Record<string, string>;
}

interface Pool {
  maxSize: number;
  instances: PoolInstance[];
}

export interface PoolResize {
  pool: string;
  size: number;
  requestId: string;
  labels: Record<string, string>;
  /** Instances to remove first, by id; the pool picks the rest (newest first) to reach `size`. */
  remove: string[];
  validateOnly: boolean;
}

export interface PoolCall extends Partial<PoolResize> {
  method: 'get' | 'resize';
  pool: string;
  outcome: 'ok' | 'replayed' | 'validated' | 'failed';
}

/** How the pools service refuses: an HTTP status and a reason word. */
export class PoolServiceError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const REQUEST_ID = /^[0-9a-f]{32}$/;

/** The pools service itself, in memory: its API is `get` and `resize`, nothing like EC2's. */
export class PoolService {
  readonly calls: PoolCall[] = [];
  private readonly pools = new Map<string, Pool>();
  private readonly answered = new Map<string, { size: number; removed: string[] }>();
  private readonly failures: Array<{ status: number; reason: string; times: number }> = [];
  private sequence = 0;

  constructor(private readonly options: { bootMs: number }) {}

  addPool(name: string, options: { size: number; maxSize: number }): void {
    // Someone else's instances, up and running before Firebreak arrives.
    const instances = Array.from({ length: options.size }, () => this.instance(Date.now(), {}, 0));
    this.pools.set(name, { maxSize: options.maxSize, instances });
  }

  /** The next `times` calls fail with this status and reason. */
  fail(status: number, reason: string, times = 1): void {
    this.failures.push({ status, reason, times });
  }

  /** The pool's instances now, for assertions. */
  instances(pool: string): PoolInstance[] {
    return [...(this.pools.get(pool)?.instances ?? [])];
  }

  /** The resize calls that changed a pool (not replays, not validations, not failures). */
  changes(): PoolCall[] {
    return this.calls.filter((c) => c.method === 'resize' && c.outcome === 'ok');
  }

  async get(name: string): Promise<{
    size: number;
    instances: Array<{ id: string; status: 'BOOTING' | 'READY'; createdAt: number; labels: Record<string, string> }>;
  }> {
    const pool = this.answer({ method: 'get', pool: name, outcome: 'ok' });
    const now = Date.now();
    return {
      size: pool.instances.length,
      instances: pool.instances.map((i) => ({
        id: i.id,
        status: now >= i.readyAt ? 'READY' : 'BOOTING',
        createdAt: i.createdAt,
        labels: { ...i.labels },
      })),
    };
  }

  async resize(request: PoolResize): Promise<{ size: number; removed: string[] }> {
    const call: PoolCall = { method: 'resize', ...request, outcome: 'failed' };
    const pool = this.answer(call);
    if (!REQUEST_ID.test(request.requestId))
      throw this.refuse(call, 400, 'badRequestId', 'requestId must be 32 hex digits');
    if (request.size > pool.maxSize)
      throw this.refuse(call, 400, 'sizeTooLarge', `${request.pool} holds at most ${pool.maxSize}`);
    const unknown = request.remove.filter((id) => !pool.instances.some((i) => i.id === id));
    if (unknown.length > 0) throw this.refuse(call, 400, 'unknownInstance', `no instance ${unknown.join(', ')}`);
    if (request.validateOnly) {
      call.outcome = 'validated';
      return { size: pool.instances.length, removed: [] };
    }
    const earlier = this.answered.get(request.requestId);
    if (earlier) {
      call.outcome = 'replayed';
      return earlier;
    }
    const removed = [...request.remove];
    pool.instances = pool.instances.filter((i) => !removed.includes(i.id));
    while (pool.instances.length > request.size) removed.push((pool.instances.pop() as PoolInstance).id);
    const now = Date.now();
    while (pool.instances.length < request.size) pool.instances.push(this.instance(now, request.labels));
    const answer = { size: pool.instances.length, removed };
    this.answered.set(request.requestId, answer);
    call.outcome = 'ok';
    return answer;
  }

  private instance(now: number, labels: Record<string, string>, bootMs = this.options.bootMs): PoolInstance {
    this.sequence += 1;
    return {
      id: `pool-vm-${String(this.sequence).padStart(4, '0')}`,
      createdAt: now,
      readyAt: now + bootMs,
      labels: { ...labels },
    };
  }

  /** Records the call, then fails it as told, or finds its pool. */
  private answer(call: PoolCall): Pool {
    this.calls.push(call);
    const failure = this.failures[0];
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) this.failures.shift();
      throw new PoolServiceError(failure.status, failure.reason, `the pools service answered ${failure.status}`);
    }
    const pool = this.pools.get(call.pool);
    if (!pool) throw this.refuse(call, 404, 'notFound', `no pool ${call.pool}`);
    return pool;
  }

  private refuse(call: PoolCall, status: number, reason: string, message: string): PoolServiceError {
    call.outcome = 'failed';
    return new PoolServiceError(status, reason, message);
  }
}

/** The pools service's idempotency token: 32 hex digits of the key's SHA-256 (it takes nothing else). */
export function poolRequestId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function poolOf(target: ScaleTarget): string {
  const spec = target.spec as Partial<PoolSpec> | null;
  if (typeof spec?.pool !== 'string')
    throw new FirebreakError('CONFIG_INVALID', `scale target ${target.name} names no pool`);
  return spec.pool;
}

function cloudError(error: unknown, step: string): FirebreakError {
  if (!(error instanceof PoolServiceError)) return new FirebreakError('CLOUD_UNAVAILABLE', String(error), { step });
  const details = { step, providerError: error.reason, cause: error };
  if (error.status === 429) return new FirebreakError('CLOUD_THROTTLED', 'the pools service throttled us', details);
  if (error.status >= 500) return new FirebreakError('CLOUD_UNAVAILABLE', error.message, details);
  return new FirebreakError('CLOUD_REJECTED', `the pools service refused (${error.reason}): ${error.message}`, details);
}

/** The Cloud port over the pools service. */
export function createPoolCloud(service: PoolService): Cloud {
  async function capacity(target: ScaleTarget): Promise<Capacity> {
    const step = `reading the capacity of ${target.name}`;
    let pool: Awaited<ReturnType<PoolService['get']>>;
    try {
      pool = await service.get(poolOf(target));
    } catch (error) {
      throw cloudError(error, step);
    }
    const instances: CloudInstance[] = pool.instances.map((i) => ({
      id: i.id,
      state: i.status === 'READY' ? 'running' : 'pending',
      launchedAt: new Date(i.createdAt),
      tags: i.labels,
    }));
    const running = instances.filter((i) => i.state === 'running').length;
    return { running, pending: instances.length - running, desired: pool.size, instances };
  }

  return {
    describe: (target) => `pool ${poolOf(target)}`,
    capacity,
    async resize(target: ScaleTarget, request: ResizeRequest): Promise<ResizeResult> {
      const step = `resizing ${target.name} to ${request.to}`;
      const name = poolOf(target);
      let answer: { removed: string[] };
      try {
        answer = await service.resize({
          pool: name,
          size: request.to,
          requestId: poolRequestId(request.key),
          labels: request.tags,
          remove: [...request.remove],
          validateOnly: target.dryRun,
        });
      } catch (error) {
        throw cloudError(error, step);
      }
      if (target.dryRun)
        throw new FirebreakError(
          'CLOUD_DRY_RUN_OK',
          `pool ${name} would go from ${request.from} to ${request.to} (validate only: nothing changed)`,
          { step },
        );
      // New instances are the pool's to name: the flow waits for the count. Removed ones it names.
      return { instanceIds: request.to < request.from ? answer.removed : [] };
    },
  };
}

/** The same targets on the pools cloud, each in a pool named like it. */
export function onPools(targets: readonly ScaleTarget[]): ScaleTarget<PoolSpec>[] {
  return targets.map((t) => ({ ...t, provider: POOL_PROVIDER, spec: { pool: t.name } }));
}
