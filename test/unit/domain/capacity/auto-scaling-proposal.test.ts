// The postmortem's auto-scaling proposal on the seed's flash sale: 4 web servers overwhelmed at 250 req/s each,
// scaled by hand to 14 and then 24. The observation the resolution records, and the policy proposed from it.
import { FIREBREAK } from '../../../../src/domain/actor';
import { proposeAutoScaling } from '../../../../src/domain/capacity/auto-scaling-proposal';
import {
  instancesOver,
  type LoadObservation,
  manuallyScaledTargets,
  observeLoad,
} from '../../../../src/domain/capacity/load-observation';
import { draftPostmortem } from '../../../../src/domain/postmortem';
import type { TimelineEvent } from '../../../../src/domain/timeline';
import { ALICE, eventLog, flashSaleScenario, utc } from '../../../support/flash-sale';

const WATCH = {
  query: { source: 'prometheus' as const, query: 'sum(rate(http_requests_total{job="web"}[1m]))' },
  perInstance: 250,
  targetUtilization: 0.7,
};
/** The seed's web load: 1,000 req/s when the alert fired (4 × 250), 3,100 at the height of the sale. */
const SEED_POINTS = [
  { at: utc('11:00'), value: 600 },
  { at: utc('11:30'), value: 1000 },
  { at: utc('12:00'), value: 2200 },
  { at: utc('13:10'), value: 3100 },
  { at: utc('13:30'), value: 2000 },
  { at: utc('14:00'), value: 700 },
];

function withObservation(events: TimelineEvent[], data: LoadObservation): TimelineEvent[] {
  return [
    ...events,
    {
      id: events.length + 1,
      incidentId: 7,
      at: utc('14:00:05'),
      type: 'capacity.load_observed',
      actor: FIREBREAK,
      data,
    },
  ];
}

describe('the load observed at resolution', () => {
  const { events } = flashSaleScenario();

  it('counts web as scaled out by hand, and its instances over time from the scale events', () => {
    expect(manuallyScaledTargets(events)).toEqual(['web']);
    const at = instancesOver(events, 'web', null);
    expect([at(utc('11:30')), at(utc('12:19')), at(utc('12:20')), at(utc('13:10'))]).toEqual([4, 4, 14, 24]);
  });

  it('a scale-out Firebreak made itself (no person) is not manual', () => {
    const log = eventLog();
    log.add('11:45', 'scale.requested', FIREBREAK, { target: 'web', from: 4, to: 14 });
    log.add('11:50', 'scale.requested', ALICE, { target: 'db', from: 6, to: 3 });
    expect(manuallyScaledTargets(log.events)).toEqual([]);
  });

  it('finds the peak on 24 instances and the load that overwhelmed 4 at the first alert', () => {
    expect(observeLoad(SEED_POINTS, instancesOver(events, 'web', null), utc('11:30'))).toEqual({
      peak: { load: 3100, at: '2023-02-15T13:10:00.000Z', instances: 24, loadPerInstance: 129.17 },
      atFirstAlert: { load: 1000, at: '2023-02-15T11:30:00.000Z', instances: 4, loadPerInstance: 250 },
    });
  });
});

describe('the proposal', () => {
  const { events } = flashSaleScenario();
  const observed: LoadObservation = {
    target: 'web',
    home: { kind: 'autoscaling-group', groupName: 'web-prod-asg' },
    windowStart: '2023-02-15T11:00:00.000Z',
    windowEnd: '2023-02-15T14:00:00.000Z',
    watch: WATCH,
    ...observeLoad(SEED_POINTS, instancesOver(events, 'web', null), utc('11:30')),
  };

  it('tracks load per instance at 70 % of the 250 that overwhelmed the servers: 175, from 4 to 24 instances', () => {
    expect(proposeAutoScaling(withObservation(events, observed))).toEqual([
      {
        target: 'web',
        home: { kind: 'autoscaling-group', groupName: 'web-prod-asg' },
        basis: 'load',
        targetValue: 175,
        minSize: 4,
        maxSize: 24,
        before: 4,
        needed: 24,
        load: {
          query: WATCH.query,
          targetUtilization: 0.7,
          capacityPerInstance: 250,
          capacitySource: 'first alert',
          watchPerInstance: 250,
          peak: { load: 3100, at: '2023-02-15T13:10:00.000Z', instances: 24, loadPerInstance: 129.17 },
          atFirstAlert: { load: 1000, at: '2023-02-15T11:30:00.000Z', instances: 4, loadPerInstance: 250 },
          peakNeeds: 18,
        },
      },
    ]);
  });

  it('sizes the maximum by the peak when the peak needs more than the incident reached', () => {
    const higher = {
      ...observed,
      peak: { load: 5000, at: '2023-02-15T13:10:00.000Z', instances: 24, loadPerInstance: 208.33 },
    };
    const [proposal] = proposeAutoScaling(withObservation(events, higher));
    expect(proposal).toMatchObject({ targetValue: 175, minSize: 4, maxSize: 29, load: { peakNeeds: 29 } });
  });

  it('uses the watch’s perInstance when the load at the first alert is unknown', () => {
    const { atFirstAlert: _, ...noAlert } = observed;
    const [proposal] = proposeAutoScaling(withObservation(events, noAlert));
    expect(proposal).toMatchObject({ targetValue: 175, load: { capacitySource: 'watch', capacityPerInstance: 250 } });
  });

  it('keeps the watch’s perInstance when the first alert came with each instance above it (already failing)', () => {
    const late = {
      ...observed,
      atFirstAlert: { load: 1416, at: '2023-02-15T11:46:00.000Z', instances: 4, loadPerInstance: 354 },
    };
    const [proposal] = proposeAutoScaling(withObservation(events, late));
    expect(proposal).toMatchObject({
      targetValue: 175,
      load: { capacitySource: 'watch', capacityPerInstance: 250, atFirstAlert: late.atFirstAlert },
    });
  });

  it('without a watch: average CPU at 50 %, sized from the 4 instances before and the 24 needed', () => {
    const { watch: _w, peak: _p, atFirstAlert: _a, ...bare } = observed;
    expect(proposeAutoScaling(withObservation(events, bare))).toEqual([
      {
        target: 'web',
        home: { kind: 'autoscaling-group', groupName: 'web-prod-asg' },
        basis: 'instances',
        targetValue: 50,
        minSize: 4,
        maxSize: 24,
        before: 4,
        needed: 24,
        noLoadBecause: 'web has no capacity watch, so its load was not measured',
      },
    ]);
  });

  it('with a watch whose source failed: the same CPU policy, saying why', () => {
    const { peak: _p, atFirstAlert: _a, ...failed } = observed;
    const [proposal] = proposeAutoScaling(
      withObservation(events, { ...failed, unavailable: 'Prometheus at http://prom:9090: ECONNREFUSED' }),
    );
    expect(proposal).toMatchObject({
      basis: 'instances',
      noLoadBecause: 'its load could not be read at resolution (Prometheus at http://prom:9090: ECONNREFUSED)',
    });
  });

  it('proposes nothing before the observation is recorded, and the postmortem carries the proposal once it is', () => {
    const scenario = flashSaleScenario();
    expect(draftPostmortem({ ...scenario, timeZone: 'UTC' }).autoScaling).toEqual([]);
    const pm = draftPostmortem({ ...scenario, timeZone: 'UTC', events: withObservation(scenario.events, observed) });
    expect(pm.autoScaling).toEqual(proposeAutoScaling(withObservation(events, observed)));
    // The observation is told in its own section, not as a timeline entry.
    expect(pm.timeline.some((e) => e.text.includes('load'))).toBe(false);
  });
});
