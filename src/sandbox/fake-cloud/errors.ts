// The errors the fake cloud answers with: AWS's code, message and HTTP status, for both services.

export class CloudError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/** HTTP status and message AWS sends with each code (observed on the wire, not only as documented). */
const KNOWN: Record<string, { status: number; message: string }> = {
  // EC2 lists capacity errors as server errors; the wire status is 500.
  InsufficientInstanceCapacity: {
    status: 500,
    message:
      'We currently do not have sufficient capacity in the Availability Zone you requested. Our system will be working on provisioning additional capacity.',
  },
  InsufficientCapacity: { status: 500, message: 'There is not enough capacity to fulfill your request.' },
  UnauthorizedOperation: { status: 403, message: 'You are not authorized to perform this operation.' },
  AccessDenied: { status: 403, message: 'User is not authorized to perform this operation.' },
  AuthFailure: { status: 401, message: 'AWS was not able to validate the provided access credentials' },
  // EC2 throttles with 503; the other Query services (Auto Scaling) with 400 "Rate exceeded".
  RequestLimitExceeded: { status: 503, message: 'Request limit exceeded.' },
  Throttling: { status: 400, message: 'Rate exceeded' },
  InternalError: { status: 500, message: 'An internal error has occurred' },
  InternalFailure: {
    status: 500,
    message: 'The request processing has failed because of an unknown error, exception or failure.',
  },
  ServiceUnavailable: { status: 503, message: 'The service is unavailable. Please try again shortly.' },
  Unavailable: { status: 503, message: "The server is overloaded and can't handle the request." },
  ResourceContention: {
    status: 500,
    message:
      'You already have a pending update to an Auto Scaling resource (for example, a group, instance, or load balancer).',
  },
  ScalingActivityInProgress: { status: 400, message: 'Scaling activity is in progress and blocks this action' },
  InstanceLimitExceeded: {
    status: 400,
    message:
      'You have requested more instances than your current instance limit allows for the specified instance type.',
  },
  VcpuLimitExceeded: {
    status: 400,
    message: 'You have requested more vCPU capacity than your current vCPU limit allows.',
  },
};

export function defaultStatus(code: string): number {
  return KNOWN[code]?.status ?? 400;
}

export function defaultMessage(code: string): string {
  return KNOWN[code]?.message ?? code;
}

/** What a permitted DryRun request answers. */
export function dryRunSucceeded(): CloudError {
  return new CloudError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}
