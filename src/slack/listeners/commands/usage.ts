// The forms of `/scale` and `/oncall`, shown by `/incident help`, `/scale help` and wrong input (those of
// `/incident` live with its grammar, in parse-incident-command.ts).
import { CAPACITY_SUBCOMMANDS, SCALE_SUBCOMMANDS, type CapacitySubcommand, type ScaleSubcommand } from '../../ids';

export interface CommandForm {
  form: string;
  what: string;
}

/** `change` is `/scale <target> …`: the form with no subcommand word. */
export const SCALE_USAGE: Record<'change' | ScaleSubcommand, CommandForm> = {
  change: {
    form: '/scale <target> <+N|-N|N> [reason]',
    what: "add or remove capacity, within the target's guardrails",
  },
  status: { form: '/scale status [target]', what: 'capacity now, per target' },
  targets: { form: '/scale targets', what: 'the scale targets and their guardrails' },
  help: { form: '/scale help', what: 'these forms' },
};

/** Every form of `/scale`, in the order help lists them. */
export const SCALE_FORMS: readonly CommandForm[] = [
  SCALE_USAGE.change,
  ...SCALE_SUBCOMMANDS.map((s) => SCALE_USAGE[s]),
];

/** The usage shown under a wrong `/scale`. */
export const SCALE_USAGE_TEXT = SCALE_FORMS.map((f) => f.form).join('\n');

export const ONCALL_USAGE: CommandForm = {
  form: '/oncall',
  what: 'who is on call now, per escalation policy (PagerDuty)',
};

/** The subcommand a first word names, or null when it names a scale target. */
export function scaleSubcommand(word: string): ScaleSubcommand | null {
  return (SCALE_SUBCOMMANDS as readonly string[]).includes(word) ? (word as ScaleSubcommand) : null;
}

export const CAPACITY_USAGE: Record<CapacitySubcommand, CommandForm> = {
  plan: {
    form: '/capacity plan <target> <count> at <YYYY-MM-DD HH:MM> for <duration> [lead <duration>] [name]',
    what: 'plan capacity for a known event (no arguments: a form); its approvers confirm',
  },
  list: { form: '/capacity list', what: 'upcoming and running plans' },
  cancel: { form: '/capacity cancel <id>', what: 'cancel a plan (after its pre-scale: offers the scale-back)' },
  help: { form: '/capacity help', what: 'these forms' },
};

/** Every form of `/capacity`, in the order help lists them. */
export const CAPACITY_FORMS: readonly CommandForm[] = CAPACITY_SUBCOMMANDS.map((s) => CAPACITY_USAGE[s]);

export const CAPACITY_USAGE_TEXT = CAPACITY_FORMS.map((f) => f.form).join('\n');
