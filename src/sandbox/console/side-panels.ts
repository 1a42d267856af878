// The side panels: the simulated PagerDuty's incidents (with Acknowledge, sent as PagerDuty's signed webhook)
// and the simulated cloud's Auto Scaling groups and instances.
import type { GroupSummary, InstanceSummary } from '../fake-cloud';
import type { Incident } from '../fake-pagerduty';
import { clock } from './channel-view';
import { html, type SafeHtml } from './html';
import { pagerDutyPolicyName, pagerDutyUserName } from './people';

const STATUS_LABEL: Record<Incident['status'], string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

function pageHtml(incident: Incident, actingUser: string, channelId: string): SafeHtml {
  const assignees = incident.assigneeIds.map(pagerDutyUserName).join(', ') || 'nobody';
  const hidden = html`<input type="hidden" name="dedup_key" value="${incident.dedupKey}"><input type="hidden" name="as" value="${actingUser}"><input type="hidden" name="channel" value="${channelId}">`;
  const open = incident.status !== 'resolved';
  const ack = incident.acknowledgedBy
    ? html`<div class="page-line">Acknowledged by ${pagerDutyUserName(incident.acknowledgedBy)}</div>`
    : '';
  return html`<li class="page page-${incident.status}" data-dedup-key="${incident.dedupKey}">
<div class="page-head"><span class="page-number">#${incident.number}</span><span class="status status-${incident.status}">${STATUS_LABEL[incident.status]}</span><span class="urgency">${incident.urgency} urgency</span></div>
<div class="page-title">${incident.summary}</div>
<div class="page-line">Assigned to ${assignees} · level ${incident.escalationLevel} · ${clock(incident.createdAt)} UTC</div>${ack}
${open ? responderLines(incident, hidden) : ''}
${open ? html`<div class="page-actions">${incident.status === 'triggered' ? html`<form method="post" action="/sandbox/pagerduty/acknowledge">${hidden}<button type="submit" class="bk-btn bk-btn-primary">Acknowledge</button></form>` : ''}<form method="post" action="/sandbox/pagerduty/resolve">${hidden}<button type="submit" class="bk-btn">Resolve</button></form></div>` : ''}
</li>`;
}

const RESPONDER_STATE: Record<'pending' | 'joined' | 'declined', string> = {
  pending: 'asked',
  joined: 'accepted',
  declined: 'declined',
};

/** Each team asked by responder request, with who was asked and "Accept" / "Decline" that answer as them. */
function responderLines(incident: Incident, hidden: SafeHtml): SafeHtml[] {
  return (incident.responderRequests ?? []).flatMap((request) =>
    request.responders.map((r) => {
      const name = pagerDutyUserName(r.userId);
      const fields = html`${hidden}<input type="hidden" name="policy_id" value="${request.policyId}"><input type="hidden" name="user_id" value="${r.userId}">`;
      return html`<div class="page-line">Responder request to ${pagerDutyPolicyName(request.policyId)}: ${name} (${RESPONDER_STATE[r.state]})</div>${r.state === 'pending' ? html`<div class="page-actions responder-actions"><form method="post" action="/sandbox/pagerduty/accept-responder">${fields}<button type="submit" class="bk-btn">Accept as ${name}</button></form><form method="post" action="/sandbox/pagerduty/decline-responder">${fields}<button type="submit" class="bk-btn">Decline as ${name}</button></form></div>` : ''}`;
    }),
  );
}

export function pagerDutyHtml(incidents: Incident[], actingUser: string, channelId: string): SafeHtml {
  const newest = [...incidents].reverse();
  return html`<h2 class="panel-title">PagerDuty <span class="panel-sub">simulated</span></h2>
${newest.length === 0 ? html`<p class="panel-empty">No pages yet. Firebreak pages on-call when an incident opens.</p>` : html`<ul class="pages">${newest.map((i) => pageHtml(i, actingUser, channelId))}</ul>`}`;
}

const LIFECYCLE_CLASS = { InService: 'running', Pending: 'pending', Terminating: 'terminating' } as const;

function groupHtml(group: GroupSummary): SafeHtml {
  const count = (state: keyof typeof LIFECYCLE_CLASS): number =>
    group.instances.filter((i) => i.lifecycleState === state).length;
  const running = count('InService');
  const pending = count('Pending');
  const terminating = count('Terminating');
  return html`<li class="group" data-group="${group.name}">
<div class="group-head"><span class="group-name">${group.name}</span><span class="group-range">desired ${group.desired} · ${group.min}–${group.max}</span></div>
<div class="instances" aria-hidden="true">${group.instances.map((i) => html`<span class="instance ${LIFECYCLE_CLASS[i.lifecycleState]}" title="${i.instanceId} · ${i.lifecycleState} · ${i.availabilityZone}"></span>`)}</div>
<div class="group-counts"><span class="count-running">${running}</span> running${pending ? html` · <span class="count-pending">${pending}</span> starting` : ''}${terminating ? html` · ${terminating} stopping` : ''}</div>
</li>`;
}

export function cloudHtml(groups: GroupSummary[], loose: InstanceSummary[]): SafeHtml {
  return html`<h2 class="panel-title">Cloud <span class="panel-sub">simulated EC2 &amp; Auto Scaling</span></h2>
<ul class="groups">${groups.map(groupHtml)}</ul>
${loose.length > 0 ? html`<h3 class="panel-subtitle">Instances outside groups</h3><ul class="loose">${loose.map((i) => html`<li><span class="instance ${i.state === 'running' ? 'running' : i.state === 'pending' ? 'pending' : 'terminating'}"></span> ${i.instanceId} <span class="muted">${i.state} · ${i.instanceType}</span></li>`)}</ul>` : ''}`;
}

export interface TrafficView {
  now: Date;
  /** Requests per second now, as the local Prometheus serves it. */
  rate: number;
  saleStart: Date;
  /** The web tier's serving instances and what each carries (its watch's perInstance). */
  instances: number;
  perInstance: number;
  /** Where the hidden fields send the console back to. */
  actingUser: string;
  channelId: string;
}

/** The web tier's request rate against its capacity, and "Start a flash sale" (the seed's surge from now). */
export function trafficHtml(view: TrafficView): SafeHtml {
  const capacity = view.instances * view.perInstance;
  const utilization = capacity > 0 ? Math.round((view.rate / capacity) * 100) : null;
  const minutesToSale = Math.ceil((view.saleStart.getTime() - view.now.getTime()) / 60_000);
  const sale =
    minutesToSale > 0
      ? html`Flash sale goes live at ${clock(view.saleStart.getTime()).slice(0, 5)} UTC (in ${minutesToSale} min)`
      : view.now.getTime() - view.saleStart.getTime() < 3 * 3_600_000
        ? html`Flash sale live since ${clock(view.saleStart.getTime()).slice(0, 5)} UTC`
        : html`No flash sale running`;
  const hidden = html`<input type="hidden" name="as" value="${view.actingUser}"><input type="hidden" name="channel" value="${view.channelId}">`;
  return html`<h2 class="panel-title">Traffic <span class="panel-sub">web tier, from the local Prometheus</span></h2>
<div class="traffic" data-rate="${view.rate}" data-capacity="${capacity}">
<div class="group-counts"><span class="traffic-rate">${Math.round(view.rate).toLocaleString('en-US')}</span> req/s · capacity <span class="traffic-capacity">${capacity.toLocaleString('en-US')}</span> req/s (${view.instances} × ${view.perInstance})${utilization === null ? '' : html` · <span class="traffic-utilization${utilization >= 100 ? ' over' : ''}">${utilization}%</span> used`}</div>
<div class="page-line">${sale}</div>
<form method="post" action="/sandbox/traffic/flash-sale">${hidden}<button type="submit" class="bk-btn">Start a flash sale</button></form>
</div>`;
}
