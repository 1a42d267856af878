// The PagerDuty account every FakePagerDuty starts with (and returns to on reset): three people, one service and
// one escalation policy with two levels. Alice and Bob share their emails with the fake Slack's U0ALICE and U0BOB.

export interface PresetUser {
  id: string;
  name: string;
  email: string;
  jobTitle: string;
  timeZone: string;
}

export interface PresetLevel {
  level: number;
  userId: string;
  /** The schedule that puts the user on call at this level; null when the rule targets the user directly. */
  scheduleId: string | null;
  delayMinutes: number;
}

export const PRESET_USERS: readonly PresetUser[] = [
  { id: 'PUSR0ALICE', name: 'Alice Archer', email: 'alice@example.com', jobTitle: 'SRE', timeZone: 'Etc/UTC' },
  { id: 'PUSR0BOB', name: 'Bob Baker', email: 'bob@example.com', jobTitle: 'Backend engineer', timeZone: 'Etc/UTC' },
  {
    id: 'PUSR0CAROL',
    name: 'Carol Chen',
    email: 'carol@example.com',
    jobTitle: 'Engineering manager',
    timeZone: 'Etc/UTC',
  },
];

export const PRESET_SCHEDULE = { id: 'PSCH0WEB', name: 'Web primary', rotationDays: 7 } as const;

export const PRESET_POLICY: { id: string; name: string; levels: readonly PresetLevel[] } = {
  id: 'PESC0WEB',
  name: 'Web on-call',
  levels: [
    { level: 1, userId: 'PUSR0ALICE', scheduleId: PRESET_SCHEDULE.id, delayMinutes: 15 },
    { level: 2, userId: 'PUSR0BOB', scheduleId: null, delayMinutes: 30 },
  ],
};

export const PRESET_SERVICE = { id: 'PSVC0WEB', name: 'Web', escalationPolicyId: PRESET_POLICY.id } as const;

/** The user who acts in acknowledge()/resolve()/escalate()/reassign() unless told otherwise. */
export const DEFAULT_AGENT_ID = 'PUSR0ALICE';
export const DEFAULT_API_TOKEN = 'fake-pagerduty-api-token';
export const DEFAULT_WEBHOOK_SUBSCRIPTION_ID = 'PWHS0FIREBRK';
