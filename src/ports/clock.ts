// Time, injected so timeline and postmortem tests are exact.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
