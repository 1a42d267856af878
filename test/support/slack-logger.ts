// A logger for @slack/web-api clients in tests: silent. The SDK logs Slack's `[ERROR] …` answers itself; the
// tests read them from the errors the client throws instead.
import { LogLevel, type Logger } from '@slack/web-api';

export const quietSlackLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
