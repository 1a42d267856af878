// The capacity watch on a scale target (issue 17): both sources, defaults, and errors a person can act on.
import { parse } from 'yaml';
import { policySchema } from '../../../src/config/policy';
import { formatIssues } from '../../../src/validation/zod-issues';

const ASG = { name: 'web', kind: 'autoscaling-group', autoScalingGroupName: 'web-prod-asg', max: 10 };

function watchOf(watch: unknown) {
  return policySchema.parse({ scaleTargets: [{ ...ASG, watch }] }).scaleTargets[0]?.watch;
}

function issuesOf(watch: unknown): string[] {
  const result = policySchema.safeParse({ scaleTargets: [{ ...ASG, watch }] }, { reportInput: true });
  if (result.success) throw new Error('expected the watch to be refused');
  return formatIssues(result.error.issues);
}

describe('scaleTargets[].watch', () => {
  it('is absent unless written', () => {
    expect(policySchema.parse({ scaleTargets: [ASG] }).scaleTargets[0]).not.toHaveProperty('watch');
  });

  it("reads the issue's Prometheus example from YAML, with its defaults", () => {
    const yaml = `
scaleTargets:
  - name: web
    kind: autoscaling-group
    autoScalingGroupName: web-prod-asg
    max: 40
    watch: {source: prometheus, query: 'sum(rate(http_requests_total{job="web"}[1m]))', perInstance: 250, targetUtilization: 0.7, lookaheadMinutes: 20, intervalSeconds: 60}
`;
    expect(policySchema.parse(parse(yaml)).scaleTargets[0]?.watch).toEqual({
      query: { source: 'prometheus', query: 'sum(rate(http_requests_total{job="web"}[1m]))' },
      perInstance: 250,
      targetUtilization: 0.7,
      lookaheadMinutes: 20,
      intervalSeconds: 60,
      offer: 'warning',
    });
    expect(watchOf({ source: 'prometheus', query: 'sum(up)', perInstance: 100 })).toEqual({
      query: { source: 'prometheus', query: 'sum(up)' },
      perInstance: 100,
      targetUtilization: 0.7,
      lookaheadMinutes: 20,
      intervalSeconds: 60,
      offer: 'warning',
    });
  });

  it('reads a CloudWatch metric with its dimensions and statistic (Average by default)', () => {
    expect(
      watchOf({
        source: 'cloudwatch',
        namespace: 'AWS/ApplicationELB',
        metric: 'RequestCount',
        dimensions: { LoadBalancer: 'app/web-prod/50dc6c495c0c9188' },
        statistic: 'Sum',
        perInstance: 15_000,
        lookaheadMinutes: 30,
      }),
    ).toEqual({
      query: {
        source: 'cloudwatch',
        namespace: 'AWS/ApplicationELB',
        metric: 'RequestCount',
        dimensions: { LoadBalancer: 'app/web-prod/50dc6c495c0c9188' },
        statistic: 'Sum',
      },
      perInstance: 15_000,
      targetUtilization: 0.7,
      lookaheadMinutes: 30,
      intervalSeconds: 60,
      offer: 'warning',
    });
    expect(
      watchOf({ source: 'cloudwatch', namespace: 'Web', metric: 'Rps', perInstance: 1, statistic: 'p99' })?.query,
    ).toEqual({
      source: 'cloudwatch',
      namespace: 'Web',
      metric: 'Rps',
      dimensions: {},
      statistic: 'p99',
    });
  });

  it('names every problem at once, with its path', () => {
    expect(issuesOf({ source: 'graphite', perInstance: 2 })).toEqual([
      'scaleTargets.0.watch.source: expected "prometheus" or "cloudwatch" (got "graphite")',
    ]);
    expect(
      issuesOf({ source: 'prometheus', query: '', perInstance: 0, targetUtilization: 1.5, intervalSeconds: 1 }),
    ).toEqual([
      'scaleTargets.0.watch.query: must not be empty',
      'scaleTargets.0.watch.perInstance: must be greater than 0 (got 0)',
      'scaleTargets.0.watch.targetUtilization: must be at most 1 (got 1.5)',
      'scaleTargets.0.watch.intervalSeconds: must be at least 10 (got 1)',
    ]);
    expect(issuesOf({ source: 'prometheus', perInstance: 5 })).toEqual(['scaleTargets.0.watch.query: required']);
  });

  it('takes the largest surge the team plans for (surgeCeiling, a multiple of the usual load), from 1 to 100', () => {
    expect(watchOf({ source: 'prometheus', query: 'sum(up)', perInstance: 100, surgeCeiling: 5 })?.surgeCeiling).toBe(
      5,
    );
    expect(issuesOf({ source: 'prometheus', query: 'sum(up)', perInstance: 100, surgeCeiling: 0.5 })).toEqual([
      'scaleTargets.0.watch.surgeCeiling: must be at least 1 (got 0.5)',
    ]);
  });

  it('refuses a statistic CloudWatch does not have, and a PromQL query on a CloudWatch watch', () => {
    expect(
      issuesOf({
        source: 'cloudwatch',
        namespace: 'N',
        metric: 'M',
        statistic: 'Median',
        query: 'sum(x)',
        perInstance: 3,
      }),
    ).toEqual([
      'scaleTargets.0.watch.statistic: must be Sum, Average, Maximum, Minimum, SampleCount or a percentile such as p99',
      'scaleTargets.0.watch: unknown key "query"; expected source, namespace, metric, dimensions, statistic, perInstance, targetUtilization, lookaheadMinutes, intervalSeconds, surgeCeiling, offer',
    ]);
  });
});
