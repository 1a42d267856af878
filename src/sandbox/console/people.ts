// Who can act in the console (the sandbox workspace's people) and how their names and PagerDuty ids are found.
import { PRESET_POLICY, PRESET_USERS as PAGERDUTY_USERS } from '../fake-pagerduty/preset';
import { BOT, PRESET_USERS } from '../fake-slack/preset';

export interface Person {
  id: string;
  /** As Slack shows the person in a message: the full name. */
  name: string;
  title?: string;
}

/** Alice, Bob and Carol: the people the console can act as. */
export const ACTING_USERS: readonly Person[] = PRESET_USERS.filter((u) => !u.isBot).map((u) => ({
  id: u.id,
  name: u.realName,
  ...(u.title ? { title: u.title } : {}),
}));

export const DEFAULT_ACTING_USER = ACTING_USERS[0]?.id ?? 'U0ALICE';

export function isActingUser(id: string): boolean {
  return ACTING_USERS.some((u) => u.id === id);
}

export function slackUserName(id: string): string | undefined {
  return PRESET_USERS.find((u) => u.id === id)?.realName;
}

export function isBotUser(id: string): boolean {
  return id === BOT.userId;
}

/** The PagerDuty user with the same email as the Slack user, as Firebreak matches them. */
export function pagerDutyUserFor(slackUserId: string): string | undefined {
  const email = PRESET_USERS.find((u) => u.id === slackUserId)?.email;
  return email ? PAGERDUTY_USERS.find((u) => u.email === email)?.id : undefined;
}

export function pagerDutyUserName(id: string): string {
  return PAGERDUTY_USERS.find((u) => u.id === id)?.name ?? id;
}

/** An escalation policy as PagerDuty names it ("Web on-call"), with its id; any other id as it is. */
export function pagerDutyPolicyName(id: string): string {
  return id === PRESET_POLICY.id ? `${PRESET_POLICY.name} (${id})` : id;
}
