// Every Slack id Firebreak uses — commands, actions, views, events, scopes — in one place.
// The manifest in manifests/ and the registered listeners are checked against this file by a test.

export const COMMANDS = {
  incident: '/incident',
  oncall: '/oncall',
  scale: '/scale',
} as const;

/** Subcommands of /incident, in the order `help` lists them. */
export const INCIDENT_SUBCOMMANDS = [
  'declare',
  'status',
  'note',
  'lead',
  'sev',
  'page',
  'resolve',
  'postmortem',
  'timeline',
  'list',
  'help',
] as const;
export type IncidentSubcommand = (typeof INCIDENT_SUBCOMMANDS)[number];

/** Words `/scale` reads in place of a target name (anything else names a target), in the order help lists them. */
export const SCALE_SUBCOMMANDS = ['status', 'targets', 'help'] as const;
export type ScaleSubcommand = (typeof SCALE_SUBCOMMANDS)[number];

export const ACTIONS = {
  incidentResolve: 'incident_resolve',
  incidentAck: 'incident_ack',
  pageOncall: 'page_oncall',
  scaleOut: 'scale_out',
  scaleCustom: 'scale_custom',
  postmortemDraft: 'postmortem_draft',
} as const;

export const VIEWS = {
  declareIncident: 'incident_declare',
  scaleCustom: 'scale_custom',
  resolveIncident: 'incident_resolve_form',
} as const;

/** Block and input ids inside the resolve modal. */
export const RESOLVE_FIELDS = {
  summary: { block: 'summary', action: 'summary_input' },
  impact: { block: 'impact', action: 'impact_input' },
  rootCause: { block: 'root_cause', action: 'root_cause_input' },
  resolution: { block: 'resolution', action: 'resolution_input' },
  followUps: { block: 'follow_ups', action: 'follow_ups_input' },
} as const;

/** Block and input ids inside the declare modal, shared by the view builder and the submission listener. */
export const DECLARE_FIELDS = {
  title: { block: 'title', action: 'title_input' },
  severity: { block: 'severity', action: 'severity_select' },
  service: { block: 'service', action: 'service_input' },
} as const;

/** Block and input ids inside the custom scale modal. */
export const SCALE_FIELDS = {
  target: { block: 'target', action: 'target_select' },
  amount: { block: 'amount', action: 'amount_input' },
  reason: { block: 'reason', action: 'reason_input' },
} as const;

export const EVENTS = ['reaction_added'] as const;

/** The reaction that adds a message to the incident timeline. */
export const PIN_REACTION = 'pushpin';

export const BOT_SCOPES = [
  'channels:history',
  'channels:join',
  'channels:manage',
  'channels:read',
  'chat:write',
  'commands',
  'files:write',
  'pins:write',
  'reactions:read',
  'users:read',
  'users:read.email',
  'usergroups:read',
] as const;

/** Bolt's default endpoint, used for events, slash commands and interactivity alike. */
export const SLACK_EVENTS_PATH = '/slack/events';
