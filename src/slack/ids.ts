// Every Slack id Firebreak uses — commands, actions, views, events, the Web API methods it calls and their
// scopes — in one place.
// The manifest in manifests/ and the registered listeners are checked against this file by a test.

export const COMMANDS = {
  incident: '/incident',
  oncall: '/oncall',
  scale: '/scale',
  capacity: '/capacity',
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
  'escalate',
  'timeline',
  'catchup',
  'list',
  'update',
  'subscribe',
  'unsubscribe',
  'help',
] as const;
export type IncidentSubcommand = (typeof INCIDENT_SUBCOMMANDS)[number];

/** Words `/scale` reads in place of a target name (anything else names a target), in the order help lists them. */
export const SCALE_SUBCOMMANDS = ['status', 'targets', 'help'] as const;
export type ScaleSubcommand = (typeof SCALE_SUBCOMMANDS)[number];

/** Subcommands of `/capacity` (planned capacity for known events), in the order help lists them. */
export const CAPACITY_SUBCOMMANDS = ['plan', 'list', 'cancel', 'help'] as const;
export type CapacitySubcommand = (typeof CAPACITY_SUBCOMMANDS)[number];

export const ACTIONS = {
  incidentResolve: 'incident_resolve',
  incidentAck: 'incident_ack',
  pageOncall: 'page_oncall',
  scaleOut: 'scale_out',
  scaleCustom: 'scale_custom',
  postmortemDraft: 'postmortem_draft',
  scaleApprove: 'scale_approve',
  scaleDeny: 'scale_deny',
  teamEscalate: 'team_escalate',
  /** A nudge's "I'll lead": the clicker becomes the lead. */
  nudgeLead: 'nudge_lead',
  /** "Post update" on the card and the reminder: opens the update form. */
  updateOpen: 'update_open',
  /** "Subscribe" / "Unsubscribe" on the announcement: the clicker's direct messages of updates. */
  incidentSubscribe: 'incident_subscribe',
  incidentUnsubscribe: 'incident_unsubscribe',
  /** A planned event's Confirm / Decline (its target's approvers) and, after it, "Scale back to N". */
  capacityConfirm: 'capacity_confirm',
  capacityDecline: 'capacity_decline',
  capacityScaleBack: 'capacity_scale_back',
  /** "Plan capacity…" (on `/capacity list`): opens the planning form. */
  capacityPlanOpen: 'capacity_plan_open',
  /** A capacity warning's "Scale out +N": the offered scale-out, through the ordinary scaling flow. */
  capacityScaleOut: 'capacity_scale_out',
} as const;

export const VIEWS = {
  declareIncident: 'incident_declare',
  scaleCustom: 'scale_custom',
  resolveIncident: 'incident_resolve_form',
  teamEscalate: 'team_escalate_form',
  postUpdate: 'incident_update_form',
  capacityPlan: 'capacity_plan_form',
} as const;

/** Block and input ids inside the planning form (`/capacity plan` with no arguments, "Plan capacity…"). */
export const CAPACITY_FIELDS = {
  target: { block: 'plan_target', action: 'plan_target_select' },
  count: { block: 'plan_count', action: 'plan_count_input' },
  start: { block: 'plan_start', action: 'plan_start_input' },
  duration: { block: 'plan_duration', action: 'plan_duration_input' },
  name: { block: 'plan_name', action: 'plan_name_input' },
  lead: { block: 'plan_lead', action: 'plan_lead_input' },
} as const;

/** Block and input ids inside the "Escalate…" modal. */
export const ESCALATE_FIELDS = {
  team: { block: 'team', action: 'team_select' },
  message: { block: 'message', action: 'message_input' },
} as const;

/** Block and input ids inside the update form. */
export const UPDATE_FIELDS = {
  text: { block: 'update_text', action: 'update_text_input' },
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
  test: { block: 'test', action: 'test_checkbox' },
} as const;

/** Block and input ids inside the custom scale modal. */
export const SCALE_FIELDS = {
  target: { block: 'target', action: 'target_select' },
  amount: { block: 'amount', action: 'amount_input' },
  reason: { block: 'reason', action: 'reason_input' },
} as const;

/** The bot events the manifest subscribes to (`message.channels` arrives as `message` events). */
export const EVENTS = ['reaction_added', 'member_joined_channel', 'message.channels'] as const;

/** The event type Bolt is asked to listen to for a subscription, where the two differ. */
export const EVENT_TYPES: Readonly<Record<(typeof EVENTS)[number], string>> = {
  reaction_added: 'reaction_added',
  member_joined_channel: 'member_joined_channel',
  'message.channels': 'message',
};

/** The reaction that adds a message to the incident timeline. */
export const PIN_REACTION = 'pushpin';

/**
 * Every Slack Web API method Firebreak calls (the Chat adapter, and the listeners through Bolt's client), with
 * the bot scopes it needs. BOT_SCOPES, which the manifest must ask for, is derived from it, and a contract test
 * finds every method the code calls in it: a call without its scope fails a test rather than production.
 */
export const WEB_API_METHODS = {
  'auth.test': [],
  'chat.getPermalink': [],
  'chat.postEphemeral': ['chat:write'],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.create': ['channels:manage'],
  // History of public channels, and of the bot's direct messages: a retry looks there for an update it may
  // have sent before a crash (without im:history it sends again, at least once).
  'conversations.history': ['channels:history', 'im:history'],
  'conversations.invite': ['channels:manage'],
  'conversations.join': ['channels:join'],
  'conversations.list': ['channels:read'],
  // Direct messages to an incident's subscribers: conversations.open needs im:write.
  'conversations.open': ['im:write'],
  // The thread under an announcement (a public channel), read for an update posted there before a crash.
  'conversations.replies': ['channels:history'],
  // The SDK's filesUploadV2: files.getUploadURLExternal, then files.completeUploadExternal; both files:write.
  'files.uploadV2': ['files:write'],
  'pins.add': ['pins:write'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  // Slack grants users:read.email only with users:read.
  'users.lookupByEmail': ['users:read', 'users:read.email'],
  'views.open': [],
} as const satisfies Readonly<Record<string, readonly string[]>>;
export type WebApiMethod = keyof typeof WEB_API_METHODS;

/** The scope each event Firebreak subscribes to needs. */
export const EVENT_SCOPES: Readonly<Record<(typeof EVENTS)[number], string>> = {
  reaction_added: 'reactions:read',
  member_joined_channel: 'channels:read',
  'message.channels': 'channels:history',
};

/** The bot scopes Firebreak needs: its methods', its events', and `commands` for its slash commands. */
export const BOT_SCOPES: readonly string[] = [
  ...new Set<string>([
    ...Object.values(WEB_API_METHODS).flat(),
    ...Object.values(EVENT_SCOPES),
    ...(Object.keys(COMMANDS).length > 0 ? ['commands'] : []),
  ]),
].sort();

/** Bolt's default endpoint, used for events, slash commands and interactivity alike. */
export const SLACK_EVENTS_PATH = '/slack/events';
