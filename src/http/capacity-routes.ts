// GET /capacity/warnings/:id/chart: a capacity warning's chart (recent load, forecast, capacity and target lines)
// behind an expiring signed link, like the postmortem page: no login, only the page it names, only until it expires.
import { Router, type Request, type Response } from 'express';
import type { ScaleTarget } from '../domain/scale-target';
import { checkCapacity } from '../flows/capacity-check';
import type { Clock } from '../ports/clock';
import type { Metrics } from '../ports/metrics';
import type { Store } from '../ports/store';
import { capacityChartHtml } from '../web/capacity-chart-page';
import {
  SIGNED_PAGE_COMMON_HEADERS,
  SIGNED_PAGE_HTML_HEADERS,
  signLink,
  verifyLink,
  type LinkCheck,
} from './signed-links';

/** How long a chart link works: a warning's life is hours; a week covers reading it back the next days. */
export const CAPACITY_LINK_TTL_DAYS = 7;
/** How much of the recent load the chart shows before the look: enough to see the surge begin, short enough to read on a phone. */
const RECENT_MS = 90 * 60_000;

export function capacityChartPath(warningId: number): string {
  return `/capacity/warnings/${warningId}/chart`;
}

export function signedCapacityChartUrl(publicUrl: string, linkSecret: string, warningId: number, now: Date): string {
  const expiresAt = new Date(now.getTime() + CAPACITY_LINK_TTL_DAYS * 86_400_000);
  return `${publicUrl.replace(/\/+$/, '')}${signLink(linkSecret, capacityChartPath(warningId), expiresAt)}`;
}

export interface CapacityRoutesOptions {
  linkSecret: string;
  store: Store;
  clock: Clock;
  timeZone: string;
  targets: readonly ScaleTarget[];
  /** The metrics sources, by the query's `source` (one router over Prometheus and CloudWatch). */
  metrics: Metrics;
}

const REFUSALS: Record<Exclude<LinkCheck, { ok: true }>['reason'], string> = {
  missing: 'This chart link is missing its signature. Use the whole link on the capacity warning in Slack.',
  expired: 'This chart link has expired. The capacity warning in Slack carries a fresh one while it is open.',
  invalid:
    'This chart link is invalid: it was changed, cut short, or signed for another page. Use the link on the capacity warning in Slack.',
};

function plain(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain; charset=utf-8').send(`${message}\n`);
}

export function capacityRoutes(options: CapacityRoutesOptions): Router {
  const router = Router();
  router.get('/capacity/warnings/:id/chart', async (req: Request<{ id: string }>, res: Response) => {
    res.set(SIGNED_PAGE_COMMON_HEADERS);
    const raw = req.params.id;
    const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
    if (id <= 0) return plain(res, 400, `"${raw.slice(0, 40)}" is not a capacity warning number.`);
    const check = verifyLink(
      options.linkSecret,
      capacityChartPath(id),
      { expires: req.query.expires, signature: req.query.signature },
      options.clock.now(),
    );
    if (!check.ok) return plain(res, 403, REFUSALS[check.reason]);
    const warning = await options.store.capacityWarnings.findById(id);
    if (!warning) return plain(res, 404, `There is no capacity warning #${id}.`);
    const target = options.targets.find((t) => t.name === warning.target);
    const now = options.clock.now();
    // An open warning is drawn as of now; a closed one as of its last look.
    const at = warning.state === 'open' ? now : warning.numbers.at;
    let recent: Array<{ at: Date; value: number }> = [];
    let forecast: Array<{ at: Date; value: number }> = [];
    let problem: string | null = target?.watch ? null : `${warning.target} is no longer watched`;
    if (target?.watch) {
      const metrics = options.metrics;
      const read = await metrics.read(target.watch.query, {
        start: new Date(at.getTime() - RECENT_MS),
        end: at,
        stepSeconds: 60,
      });
      if (read.ok) recent = read.points;
      else problem = read.reason;
      const look = await checkCapacity(
        { metrics, clock: { now: () => at } },
        { watch: target.watch, instances: warning.numbers.instances, max: target.max },
      );
      if (look.outcome === 'planned') forecast = look.plan.path;
    }
    res
      .status(200)
      .set(SIGNED_PAGE_HTML_HEADERS)
      .type('text/html; charset=utf-8')
      .send(capacityChartHtml({ warning, recent, forecast, problem, now, timeZone: options.timeZone }));
  });
  return router;
}
