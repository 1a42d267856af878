// `npm run demo` replays the flash-sale outage end to end; its postmortem must tell the script's story
// with the script's times: 11:30 to 14:00 UTC, two and a half hours, capacity 4 → 14 → 24. Every figure a
// manager reads (the metrics table, the timeline, what the demo prints) is checked against the script, and
// so is what the console shows once the demo is over.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoClosingLines, runFlashSaleDemo, type DemoResult } from '../../src/sandbox/demo';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(90_000);

const hhmm = (at: Date): string => at.toISOString().slice(11, 16);
const metric = (md: string, name: string): string | undefined =>
  new RegExp(`^\\| ${name} [^|]*\\| (.+?) \\|$`, 'm').exec(md)?.[1];

let dir: string;
let result: DemoResult;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-demo-test-'));
  result = await runFlashSaleDemo({ dir, say: (line) => lines.push(line) });
});

afterAll(async () => {
  await result?.firebreak.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('ends with a postmortem whose durations match the script', async () => {
  const md = result.postmortemMarkdown;
  expect(md).toContain('February 15, 2023, 11:30 – 14:00 UTC (2 hours 30 minutes)');
  expect(md).toMatch(/4 to 24 instances/);
  expect(md).toContain('About 30% of users could not load the store');
  expect(md).toContain('Implement auto-scaling policies for the web tier');
  expect(md).not.toContain('_To be filled in: impact_');
  expect(lines.some((l) => l.includes('Scale out +10'))).toBe(true);
  const page = await fetch(result.postmortemUrl);
  expect(page.status).toBe(200);
});

it('proposes an auto-scaling policy from the web load the sandbox Prometheus served during the sale', async () => {
  const sandbox = result.firebreak.sandbox;
  const observed = (await result.firebreak.store.timeline.list(1)).find((e) => e.type === 'capacity.load_observed');
  if (!sandbox || observed?.type !== 'capacity.load_observed') throw new Error('no load observed at resolution');
  const { peak, atFirstAlert, windowStart, windowEnd } = observed.data;
  // Read over the incident, from half an hour before the 11:30 alert to the 14:00 resolution, a minute apart.
  expect([windowStart, windowEnd]).toEqual(['2023-02-15T11:00:00.000Z', '2023-02-15T14:00:00.000Z']);
  const minutes = Array.from({ length: 181 }, (_, i) => new Date(Date.parse(windowStart) + i * 60_000));
  const highest = Math.max(...minutes.map((at) => sandbox.traffic.rateAt(at)));
  expect(peak?.load).toBeCloseTo(highest, 2);
  expect(atFirstAlert).toMatchObject({ at: '2023-02-15T11:30:00.000Z', instances: 4 });
  expect(atFirstAlert?.load).toBeCloseTo(sandbox.traffic.rateAt(new Date('2023-02-15T11:30:00Z')), 2);

  const perInstance = Math.min(atFirstAlert?.loadPerInstance ?? 250, 250);
  const targetValue = Math.floor(perInstance * 0.7);
  const maxSize = Math.max(24, Math.ceil((peak?.load ?? 0) / targetValue));
  const md = result.postmortemMarkdown;
  expect(md).toContain('### web (Auto Scaling group web-sandbox-asg)');
  expect(md).toContain(`gives the target value: ${targetValue} per instance.`);
  expect(md).toContain(`at least 4 instances (what web had before the incident), at most ${maxSize}`);
  expect(md).toContain(`--auto-scaling-group-name web-sandbox-asg --min-size 4 --max-size ${maxSize}`);
  expect(md).toContain(`"TargetValue": ${targetValue},`);
});

it('gives the metrics of the script: acknowledged in 8 minutes, mitigated in 2 hours, capacity 17 minutes after the first alert', () => {
  const md = result.postmortemMarkdown;
  expect(metric(md, 'Time to acknowledge')).toBe('8 minutes');
  expect(metric(md, 'Time to mitigate')).toBe('2 hours');
  expect(metric(md, 'Time to resolve')).toBe('2 hours 30 minutes');
  expect(metric(md, 'First alert → added capacity in service')).toBe('17 minutes');
  expect(md).toContain('Alice Archer acknowledged at 11:38, 8 minutes later');
  expect(md).toMatch(/- \*\*11:38\*\* Page acknowledged by Alice Archer/);
  // Over Firebreak's five minutes, so it suggests reviewing the escalation policy, for the right reason.
  expect(md).toContain(
    'Review the on-call escalation policy. _Suggested by Firebreak: the page took 8 minutes to acknowledge._',
  );
  // Nothing from the day the demo runs: every time is on the outage's day, so the timeline needs no dates.
  expect(md).not.toMatch(/\bdays?\b/);
  expect(md).toContain('Drafted by Firebreak from the incident timeline on 2023-02-15 14:00 UTC');
  expect(md).not.toMatch(/\*\*[A-Z][a-z]{2} \d+ \d\d:\d\d\*\*/);
});

it('names each person one way, as Slack and PagerDuty know them, and tells the four web alerts apart', () => {
  const md = result.postmortemMarkdown;
  // The slash commands say "alice"; PagerDuty says "Alice Archer": the postmortem uses the name, everywhere.
  expect(md).not.toMatch(/\balice\b|Alice(?! Archer)/);
  expect(md).toContain('- **11:40** Status changed from investigating to identified');
  expect(md).toMatch(/- \*\*11:40\*\* Status changed [^\n]* — Alice Archer\n/);
  expect(md).toContain('requested by Alice Archer (11:45–12:32');
  expect(md).toContain('- Alice Archer resolved the incident at 14:00.');
  // One rule fired on four instances: each line says which.
  for (const n of [1, 2, 3, 4]) expect(md).toContain(`HighRequestRate (instance=web-${n}) fired on web (sev1)`);
});

it('records every timeline event at the time the script says, in order', async () => {
  const events = await result.firebreak.store.timeline.list(1);
  const at = (type: string, nth = 0): string | undefined => {
    const found = events.filter((e) => e.type === type)[nth];
    return found && hhmm(found.at);
  };
  expect(at('incident.declared')).toBe('11:30');
  expect(at('page.sent')).toBe('11:30');
  expect(at('page.acknowledged')).toBe('11:38');
  expect(at('incident.status_changed', 0)).toBe('11:40');
  expect(at('scale.requested', 0)).toBe('11:45');
  expect(at('scale.completed', 0)).toBe('11:47');
  expect(at('scale.requested', 1)).toBe('12:30');
  expect(at('scale.completed', 1)).toBe('12:32');
  expect(at('incident.mitigated')).toBe('13:30');
  expect(at('incident.resolved')).toBe('14:00');
  // The timeline is in time order: nothing recorded later is stamped earlier (the acknowledgement once came last).
  const times = events.map((e) => e.at.getTime());
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(events.every((e) => e.at.toISOString().startsWith('2023-02-15T'))).toBe(true);
});

it('prints each step with the time it was recorded', async () => {
  const store = result.firebreak.store;
  const timeOf = (l: string) => /^ {2}(\d\d:\d\d) {2}/.exec(l)?.[1];
  // The outage's steps, from the first alert to the postmortem, are on the incident's timeline.
  const first = lines.findIndex((l) => l.includes('Alertmanager fires HighRequestRate'));
  const last = lines.findIndex((l) => l.includes('drafts the postmortem'));
  const events = await store.timeline.list(1);
  const recorded = new Set(events.map((e) => hhmm(e.at)));
  const printed = lines
    .slice(first, last + 1)
    .map(timeOf)
    .filter((t): t is string => t !== undefined);
  expect(printed.length).toBeGreaterThan(10);
  for (const time of printed) expect(recorded).toContain(time);
  // Before it, the capacity warning, printed at the minute it opened.
  const [warning] = await store.capacityWarnings.listByTarget('web', 10);
  const before = lines.slice(0, first).filter((l) => timeOf(l) !== undefined);
  expect(before.map(timeOf)[0]).toBe(hhmm(warning?.openedAt ?? new Date(0)));
  // Any later line before the alert is the warning's edit, at a minute it looked (each minute until 11:29).
  for (const l of before.slice(1)) expect(l).toContain('The warning, updated in place');
  // After it, the next sale: the scale-ins and the plan's own record.
  const plan = await store.capacityPlans.findById(1);
  const after = new Set((plan?.steps ?? []).map((s) => hhmm(s.at)));
  for (const id of [3, 4]) {
    const op = await store.scaleOperations.findById(id);
    if (op) after.add(hhmm(op.requestedAt));
  }
  const printedAfter = lines
    .slice(last + 1)
    .map(timeOf)
    .filter((t): t is string => t !== undefined);
  expect(printedAfter.length).toBeGreaterThan(8);
  for (const time of printedAfter) expect(after).toContain(time);
  expect(lines.find((l) => l.includes('/incident status identified'))).toMatch(/^ {2}11:40 /);
  expect(lines.find((l) => l.includes('acknowledges the page'))).toMatch(/^ {2}11:38 /);
});

it('keeps the simulated PagerDuty, Slack and cloud on the demo clock', () => {
  const sandbox = result.firebreak.sandbox;
  if (!sandbox) throw new Error('no sandbox');
  const page = sandbox.pagerDuty.fake.incidents()[0];
  expect(page && new Date(page.createdAt).toISOString()).toBe('2023-02-15T11:30:00.000Z');
  const ack = page?.log.find((e) => e.type === 'acknowledge_log_entry');
  expect(ack && new Date(ack.at).toISOString()).toBe('2023-02-15T11:38:00.000Z');
  const channel = sandbox.slack.listChannels().find((c) => c.name.startsWith('inc-'));
  const stamps = sandbox.slack.messages(channel?.id ?? '').map((m) => new Date(Number(m.ts) * 1000).toISOString());
  expect(stamps.length).toBeGreaterThan(0);
  expect(stamps.every((s) => s.startsWith('2023-02-15T'))).toBe(true);
});

it('leaves the console coherent: no resolve form left open over the resolved incident', async () => {
  const state = (await (await fetch(`${result.consoleUrl}/state?as=U0ALICE`)).json()) as {
    modal: { key: string; html: string };
    regions: Record<string, string>;
  };
  expect(state.modal.html).toBe('');
  expect(state.regions.pagerduty).toContain('11:30:00 UTC');
});

it('warns in #incidents before the first alert, at least 10 minutes before the servers are overwhelmed, once, with a Scale out button', async () => {
  const sandbox = result.firebreak.sandbox;
  if (!sandbox) throw new Error('no sandbox');
  const line = lines.find((l) => l.includes('Firebreak warns in #incidents'));
  const [, printedAt, offered, stated] =
    /^ {2}(\d\d:\d\d) {2}.*"Scale out \+(\d+)" offered — \d+ minutes before .* at (\d\d:\d\d)\)$/.exec(line ?? '') ??
    [];
  expect(printedAt && printedAt < '11:30').toBe(true);
  // Each time named for what it is: the forecast's (earliest) passing of 70 % and of the capacity, then the
  // moment the sandbox's load really passes the capacity.
  expect(line).toMatch(
    /the forecast has web pass 70 % of what 4 servers carry at \d\d:\d\d( and all of it at \d\d:\d\d)? at the earliest/,
  );
  expect(line).toContain('minutes before the load really passes what 4 servers carry (1000 req/s, at');
  expect(lines.indexOf(line ?? '')).toBeLessThan(lines.findIndex((l) => l.includes('Alertmanager fires')));
  // The time it states is when the sandbox's load first passes 4 servers' 250 req/s each; the warning is 10+ minutes ahead.
  let overwhelmed = Date.parse(`2023-02-15T${printedAt}:00Z`);
  while (sandbox.traffic.rateAt(new Date(overwhelmed)) <= 4 * 250) overwhelmed += 60_000;
  expect(stated).toBe(hhmm(new Date(overwhelmed)));
  expect(Date.parse(`2023-02-15T${stated}:00Z`) - Date.parse(`2023-02-15T${printedAt}:00Z`)).toBeGreaterThanOrEqual(
    10 * 60_000,
  );
  const alert = lines.findIndex((l) => l.includes('Alertmanager fires'));
  expect(lines[alert - 1]).toContain('In 2023 nobody had this warning, so the replay goes on as it happened.');

  // In #incidents: one warning message, as its stored warning says, with the +N the demo printed as a button.
  const warnings = sandbox.slack
    .messages('C0INCIDENTS')
    .filter((m) => JSON.stringify(m.blocks ?? []).includes('"block_id":"capacity_warning"'));
  expect(warnings).toHaveLength(1);
  const stored = await result.firebreak.store.capacityWarnings.listByTarget('web', 10);
  expect(stored).toHaveLength(1);
  expect(stored[0]?.messageId).toBe(warnings[0]?.ts);
  expect(hhmm(stored[0]?.openedAt ?? new Date(0))).toBe(printedAt);
  // As it read when printed: the numbers and the offer as a button.
  expect(result.warningAsShown.text).toContain('*Capacity warning: web* — the forecast needs');
  expect(result.warningAsShown.text).toContain(`opened ${printedAt}`);
  expect(JSON.stringify(result.warningAsShown.blocks)).toContain(`Scale out +${offered}`);
  expect(warnings[0]?.edited).toBe(true);
  expect(warnings[0]?.text).toContain(`opened ${printedAt}`);
  // Closed once the looks found enough (after the scale-outs, or as the load fell: which look closes it depends
  // on where the script's clock jumps), never left open over the finished story.
  expect(warnings[0]?.text).toMatch(/Closed at \d\d:\d\d: (capacity was added|the load fell back)/);
  expect(stored[0]?.state).toBe('closed');
});

it('then plans the next sale: proposed by Carol, confirmed by Bob, pre-scaled to 24 in steps before it, scaled back after', async () => {
  const sandbox = result.firebreak.sandbox;
  if (!sandbox) throw new Error('no sandbox');
  const printed = (includes: string) => lines.find((l) => l.includes(includes));
  expect(printed('Alice: /scale web 14')).toMatch(/^ {2}15:00 /);
  expect(printed('Alice: /scale web 4')).toMatch(/^ {2}15:05 /);
  expect(printed('proposes: /capacity plan web 24 at 2023-03-15 11:00 for 3h Spring flash sale')).toMatch(
    /^ {2}09:00 {2}Carol .*announced in #incidents as CAP-1$/,
  );
  expect(printed('confirms it')).toMatch(/^ {2}09:30 {2}Bob, an approver of web/);
  expect(printed('pre-scale step 1 of 2: web 4 → 14')).toMatch(/^ {2}10:30 /);
  expect(printed('pre-scale step 2 of 2 done: 24 running')).toBeDefined();
  expect(printed('24 web servers running before the sale starts at 11:00')).toBeDefined();
  expect(printed('offers "Scale back to 4"')).toMatch(/^ {2}14:00 /);
  expect(printed('Bob clicks "Scale back to 4"')).toMatch(/^ {2}14:30 /);
  expect(printed('scale-back step 2 of 2 done: 4 running')).toBeDefined();

  const plan = await result.firebreak.store.capacityPlans.findById(1);
  expect(plan).toMatchObject({ target: 'web', count: 24, name: 'Spring flash sale', scaleBackTo: 4 });
  expect(plan?.startsAt.toISOString()).toBe('2023-03-15T11:00:00.000Z');
  expect(plan?.proposedBy).toMatchObject({ id: 'U0CAROL' });
  expect(plan?.confirmedBy).toMatchObject({ id: 'U0BOB' });
  const prescaled = plan?.steps.find((s) => s.what.startsWith('pre-scale step 2 of 2 done'));
  expect(prescaled?.at.getTime()).toBeLessThan(Date.parse('2023-03-15T11:00:00Z'));
  // In #incidents: the plan's announcement and its scale-back message, each once.
  const incidents = sandbox.slack.messages('C0INCIDENTS');
  const blocks = (id: string) => incidents.filter((m) => JSON.stringify(m.blocks ?? []).includes(`"block_id":"${id}"`));
  expect(blocks('capacity_plan')).toHaveLength(1);
  expect(blocks('capacity_scale_back')).toHaveLength(1);
  expect(blocks('capacity_scale_back')[0]?.text).toContain('Scaled back web 24 → 4 in 2 steps');
  // The cloud ends where it started: 4 web servers in service.
  const group = sandbox.cloud.fake.groups().find((g) => g.name === 'web-sandbox-asg');
  expect(group?.desired).toBe(4);
  expect(group?.instances.filter((i) => i.lifecycleState === 'InService')).toHaveLength(4);
});

it('with --exit, points at a postmortem page that outlives the demo', async () => {
  const closing = await demoClosingLines(result, { exit: true, dir });
  const link = closing.find((l) => l.includes('postmortem page'));
  expect(link).toBeDefined();
  expect(link).not.toContain('http://');
  const file = /(\/\S+\.html)/.exec(link ?? '')?.[1] ?? '';
  expect(existsSync(file)).toBe(true);
  expect(readFileSync(file, 'utf8')).toContain('Request rate on web is 8x normal');
  const running = await demoClosingLines(result, { exit: false, dir });
  expect(running.find((l) => l.includes('postmortem page'))).toContain(result.postmortemUrl);
});
