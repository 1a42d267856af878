// What the Slack listeners are given: the flows' dependencies (listeners call flows, never the store) and a
// few settings. Built in the composition root (firebreak.ts).
import type { Logger } from 'pino';
import type { Severity } from '../domain/severity';
import type { ScalingDeps } from '../flows/scaling';
import type { CapacityPlanDeps } from '../flows/capacity-plans';
import type { EscalationDeps } from '../flows/team-escalation';
import type { IncidentFlowDeps } from '../flows/update-incident';
import type { OnCallDirectory } from '../ports/pager';
import type { Chat } from '../ports/chat';

export interface SlackDeps {
  flows: IncidentFlowDeps;
  chat: Chat;
  timeZone: string;
  defaultSeverity: Severity;
  /** Service recorded on a declared incident when none is named. */
  defaultService: string;
  logger: Logger;
  /** Set when a pager is configured: `/incident page`, the Page and Acknowledge buttons, `/oncall`. */
  paging: {
    /** The configured pager's name ("PagerDuty"), as replies say a page goes through it; null when paging is off. */
    pagerName: string | null;
    onCall: OnCallDirectory | null;
    escalationPolicyIds: string[];
  };
  /** Null when the policy names no scale targets: `/scale` then says how to add them. */
  scaling: ScalingDeps | null;
  /** Teams from the policy file, for `/incident escalate` and "Escalate…"; null when none are configured. */
  escalation?: EscalationDeps | null;
  /** Planned capacity for known events (`/capacity`); null when there are no scale targets. */
  capacityPlans?: CapacityPlanDeps | null;
}
