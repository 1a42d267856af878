// The job kinds named in outbox-jobs.ts by string (to keep the flows free of import cycles) are the kinds
// the flows really enqueue: a renamed kind would otherwise silently stop being brought forward or paced.
import { MESSAGE_WRITING_JOBS, WAITING_FOR_CHANNEL_JOBS } from '../../../src/flows/outbox-jobs';
import { PAGE_JOB } from '../../../src/flows/paging';
import { POSTMORTEM_JOB } from '../../../src/flows/postmortem-delivery';

it('names the paging and postmortem jobs that wait for the channel, and the postmortem as a message write', () => {
  expect(WAITING_FOR_CHANNEL_JOBS).toEqual(
    expect.arrayContaining([PAGE_JOB.inviteOnCall, PAGE_JOB.trigger, POSTMORTEM_JOB]),
  );
  expect(MESSAGE_WRITING_JOBS.has(POSTMORTEM_JOB)).toBe(true);
});
