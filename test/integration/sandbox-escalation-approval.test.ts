// Issue 16 in the sandbox console, as a newcomer would try it after `npm start`: the card's "Escalate…" form
// pages the network team through the local PagerDuty, whose panel acknowledges it; "Scale…" to 14 instances
// (over the threshold of 10) asks @oncall-web for approval, and Bob's Approve scales the simulated group. Every step goes through the
// console's own form routes (the simulated Slack's signed requests), in a real `npm start` process.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, postJson } from '../support/harness';
import { alertmanagerPayload } from '../support/payloads';
import { scratchProcesses, spawnFirebreak, type FirebreakProcess } from '../support/process';

jest.setTimeout(90_000);

interface Message {
  ts: string;
  text: string;
  pinned: boolean;
  blocks?: unknown[];
}
interface SandboxRecord {
  channels: Array<{ id: string; name: string; members: string[]; messages: Message[] }>;
  pagerDuty: { incidents: Array<{ dedupKey: string; status: string; responderRequests?: unknown[] }> };
  cloud: { groups: Array<{ name: string; desired: number }> };
}

const scratch = scratchProcesses('sandbox-escalation');
let p: FirebreakProcess;

/**
 * The sandbox's own web target with a low approval threshold, so one "Scale…" shows it (the sandbox's default
 * asks above 24 instances, beyond the demo's flash sale).
 */
function policyFile(): string {
  const path = join(scratch.dir, 'firebreak.yaml');
  writeFileSync(
    path,
    `scaleTargets:
  - name: web
    kind: autoscaling-group
    autoScalingGroupName: web-sandbox-asg
    min: 2
    max: 60
    maxStep: 10
    cooldownSeconds: 10
    buttons: [4, 10]
    services: [web]
    approval: { above: 10, approvers: oncall-web }
`,
  );
  return path;
}

async function start(): Promise<void> {
  p = scratch.track(
    await spawnFirebreak({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(scratch.dir, 'firebreak.db')}`,
      FIREBREAK_SANDBOX_DIR: scratch.dir,
      FIREBREAK_CONFIG: policyFile(),
      LOG_LEVEL: 'info',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }),
  );
}

function record(): SandboxRecord | undefined {
  const path = join(scratch.dir, 'sandbox-slack.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SandboxRecord) : undefined;
}

/** A console form, posted as its page posts it (same origin), answered as JSON. */
async function form(path: string, fields: Record<string, string>): Promise<{ ok: boolean; message?: string }> {
  const response = await fetch(`${p.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
  });
  return (await response.json()) as { ok: boolean; message?: string };
}

/** The modal the console shows `as`, with its ids (hidden inputs of its form). */
async function openModal(as: string, channel: string): Promise<{ viewId: string; viewHash: string; html: string }> {
  return eventually(async () => {
    const state = (await (await fetch(`${p.url}/sandbox/state?as=${as}&channel=${channel}`)).json()) as {
      modal: { html: string };
    };
    const viewId = /name="view_id" value="([^"]+)"/.exec(state.modal.html)?.[1];
    const viewHash = /name="view_hash" value="([^"]*)"/.exec(state.modal.html)?.[1];
    return viewId !== undefined && viewHash !== undefined ? { viewId, viewHash, html: state.modal.html } : undefined;
  }, `the modal open for ${as}`);
}

/** Clicks a card button that opens a form, as `as`, and submits the form with `fields` (`in-0`, `in-1`…); returns the form's HTML. */
async function submitCardForm(
  as: string,
  channel: string,
  ts: string,
  button: { action_id: string; block_id: string },
  fields: Record<string, string>,
): Promise<string> {
  expect(await form('/sandbox/click', { as, channel, ts, ...button })).toMatchObject({ ok: true });
  const modal = await openModal(as, channel);
  expect(
    await form('/sandbox/views/submit', { as, channel, view_id: modal.viewId, view_hash: modal.viewHash, ...fields }),
  ).toMatchObject({ ok: true });
  return modal.html;
}

const has = (m: Message, what: string) => JSON.stringify(m.blocks ?? []).includes(what) || m.text.includes(what);

it('Escalate… pages the network team (acknowledged from the PagerDuty panel); Scale… to 14 waits for Bob to approve', async () => {
  await start();
  const alert = await postJson(`${p.url}/alerts/alertmanager`, alertmanagerPayload(), {
    authorization: 'Bearer sandbox-alert-token',
  });
  expect(alert.status).toBe(202);
  const channel = await eventually(
    () =>
      record()?.channels.find(
        (c) => c.name.startsWith('inc-') && c.messages.some((m) => m.pinned && has(m, 'team_escalate')),
      ),
    'the incident card with Escalate…',
    20_000,
  );
  const card = channel.messages.find((m) => m.pinned) as Message;

  // Escalate… → the form → network.
  const escalateForm = await submitCardForm(
    'U0CAROL',
    channel.id,
    card.ts,
    { action_id: 'team_escalate', block_id: 'incident_actions' },
    { 'in-0': 'network', 'in-1': 'routers in eu-west' },
  );
  expect(escalateForm).toContain('network');
  const teamKey = 'firebreak-inc-1-team-network';
  await eventually(
    () => record()?.pagerDuty.incidents.some((i) => i.dedupKey === teamKey),
    "the network team's page",
    20_000,
  );
  await eventually(
    () =>
      record()
        ?.channels.find((c) => c.id === channel.id)
        ?.members.includes('U0BOB'),
    '@oncall-web invited',
  );
  // Acknowledged from the console's PagerDuty panel: the card says so.
  expect(
    await form('/sandbox/pagerduty/acknowledge', { as: 'U0BOB', channel: channel.id, dedup_key: teamKey }),
  ).toMatchObject({
    ok: true,
  });
  await eventually(
    () =>
      record()
        ?.channels.find((c) => c.id === channel.id)
        ?.messages.find((m) => m.pinned && has(m, 'Teams engaged') && has(m, 'acknowledged by')),
    'the card to show the network team acknowledged',
    20_000,
  );

  // web-oncall, named by escalation policy: asked by a responder request on the incident's page (the sandbox asks
  // as Carol); accepted from the PagerDuty panel as Alice, its on-call.
  await submitCardForm(
    'U0CAROL',
    channel.id,
    card.ts,
    { action_id: 'team_escalate', block_id: 'incident_actions' },
    { 'in-0': 'web-oncall', 'in-1': '' },
  );
  await eventually(
    () => record()?.pagerDuty.incidents.find((i) => i.dedupKey === 'firebreak-inc-1')?.responderRequests?.length === 1,
    "web-oncall's responder request",
    20_000,
  );
  expect(
    await form('/sandbox/pagerduty/accept-responder', {
      as: 'U0CAROL',
      channel: channel.id,
      dedup_key: 'firebreak-inc-1',
      policy_id: 'PESC0WEB',
      user_id: 'PUSR0ALICE',
    }),
  ).toMatchObject({ ok: true });
  await eventually(
    () =>
      record()
        ?.channels.find((c) => c.id === channel.id)
        ?.messages.find((m) => m.pinned && has(m, 'acknowledged by Alice Archer')),
    'the card to show web-oncall acknowledged',
    20_000,
  );

  // Scale… to 14 as Alice: over 10, so it waits for @oncall-web; Bob approves.
  await submitCardForm(
    'U0ALICE',
    channel.id,
    card.ts,
    { action_id: 'scale_custom', block_id: 'scale_actions' },
    { 'in-0': 'web', 'in-1': '14', 'in-2': 'flash sale' },
  );
  const request = await eventually(
    () =>
      record()
        ?.channels.find((c) => c.id === channel.id)
        ?.messages.find((m) => has(m, 'scale_approve')),
    'the approval request with Approve / Deny',
    20_000,
  );
  expect(request.text).toContain('Waiting for @oncall-web');
  expect(record()?.cloud.groups.find((g) => g.name === 'web-sandbox-asg')?.desired).toBe(4);
  expect(
    await form('/sandbox/click', {
      as: 'U0BOB',
      channel: channel.id,
      ts: request.ts,
      action_id: 'scale_approve',
      block_id: 'scale_approval_actions',
    }),
  ).toMatchObject({ ok: true });
  await eventually(
    () => record()?.cloud.groups.find((g) => g.name === 'web-sandbox-asg')?.desired === 14,
    'the simulated group at 14',
    20_000,
  );
  await eventually(
    () =>
      record()
        ?.channels.find((c) => c.id === channel.id)
        ?.messages.find((m) => m.ts === request.ts && m.text.includes('Approved by <@U0BOB>')),
    'the request to say who approved',
  );
});
