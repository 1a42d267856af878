// The record of every API call made to the fake cloud, for tests to assert on.
import type { Params } from './query';

export type CloudService = 'ec2' | 'autoscaling' | 'monitoring';

export interface RecordedCall {
  service: CloudService;
  action: string;
  /** The form fields as sent, without Action and Version. */
  params: Params;
  /** Clock time (ms) the call arrived. */
  at: number;
  /** The HTTP status answered. */
  status: number;
  /** Set when the call failed (DryRunOperation included). */
  error?: { code: string; message: string };
}

export class CallLog {
  private entries: RecordedCall[] = [];

  add(call: RecordedCall): void {
    this.entries.push(call);
  }

  calls(action?: string): RecordedCall[] {
    return this.entries.filter((e) => action === undefined || e.action === action).map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }
}
