// Escalating to another team, pure: the teams the policy names, the page key that makes each team's page one
// per incident, and where an escalation stands (docs/DESIGN.md, Escalation to another team).
import type { Actor } from './actor';

/** A team from the policy file's `teams`. */
export interface Team {
  name: string;
  /** How the team is paged: its own paging-service destination, or an escalation policy whose on-call is invited. */
  pager: { route: string } | { escalationPolicyId: string };
  /** The chat platform's user group (a handle such as `netops`) whose members are invited to the channel. */
  userGroup: string | null;
}

export const TEAM_ESCALATION_STATUSES = [
  'pending',
  'paged',
  'acknowledged',
  'declined',
  'failed',
  'not_paged',
] as const;
export type TeamEscalationStatus = (typeof TEAM_ESCALATION_STATUSES)[number];

/** One team brought into one incident. */
export interface TeamEscalation {
  id: number;
  incidentId: number;
  team: string;
  /** The page's key in the paging service: one per incident and team, so asking twice pages once. */
  key: string;
  message: string | null;
  by: Actor;
  status: TeamEscalationStatus;
  escalatedAt: Date;
  pagedAt: Date | null;
  acknowledgedAt: Date | null;
  /** Who acknowledged, as the paging service named them. */
  acknowledgedBy: string | null;
  /** Why the team was not paged (status not_paged) or why paging it failed (status failed). */
  error: string | null;
  /**
   * For a team asked through its escalation policy: the paging service's incident the request was added to (the
   * incident's own page there), which the team's answer names.
   */
  pagerIncidentId: string | null;
  /**
   * The latest refusal of a responder request (status declined), as the paging service named who; kept after a
   * later acceptance, which makes the status acknowledged.
   */
  declinedAt: Date | null;
  declinedBy: string | null;
}

export type NewTeamEscalation = Omit<TeamEscalation, 'id'>;

/** Distinct from the incident's own page (`firebreak-inc-<id>`), and stable per incident and team. */
export function teamPageKey(incidentId: number, team: string): string {
  return `firebreak-inc-${incidentId}-team-${team}`;
}

/** The incident and team a team page's key names, or null for any other key. */
export function teamFromPageKey(key: string | null | undefined): { incidentId: number; team: string } | null {
  const match = /^firebreak-inc-(\d+)-team-(.+)$/.exec(key ?? '');
  return match?.[1] && match[2] ? { incidentId: Number(match[1]), team: match[2] } : null;
}

/** What `/incident escalate` says when the policy names no teams. */
export const NO_TEAMS = 'no teams are configured: the platform team adds `teams` to the policy file';

/** The team a user named, or the words for "no such team" listing the ones there are. */
export function findTeam(
  teams: readonly Team[],
  name: string,
): { ok: true; team: Team } | { ok: false; problem: string } {
  const wanted = name.trim().replace(/^@/, '').toLowerCase();
  const team = teams.find((t) => t.name.toLowerCase() === wanted);
  if (team) return { ok: true, team };
  return {
    ok: false,
    problem:
      teams.length === 0
        ? NO_TEAMS
        : `there is no team "${name}"; the teams are ${teams.map((t) => t.name).join(', ')}`,
  };
}
