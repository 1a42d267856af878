// The two Query-protocol dialects: how EC2 and Auto Scaling wrap answers and errors, and what a service is.
import type { CloudService } from './call-log';
import type { CloudError } from './errors';
import type { Params } from './query';
import type { CloudState } from './state';
import { document, el, plainDocument, type XmlContent } from './xml';

export const EC2_VERSION = '2016-11-15';
export const EC2_NAMESPACE = `http://ec2.amazonaws.com/doc/${EC2_VERSION}/`;
export const AUTOSCALING_VERSION = '2011-01-01';
export const AUTOSCALING_NAMESPACE = `http://autoscaling.amazonaws.com/doc/${AUTOSCALING_VERSION}/`;

/** One action: reads its params, changes the state, returns what goes inside the answer (or throws CloudError). */
export type ActionHandler = (params: Params, state: CloudState) => XmlContent;

export interface ServiceApi {
  service: CloudService;
  actions: ReadonlyMap<string, ActionHandler>;
  success(action: string, requestId: string, content: XmlContent): string;
  error(error: CloudError, requestId: string): string;
  /** The answer to a request without a SigV4 Authorization header. */
  missingAuthentication(): CloudError;
  unknownAction(action: string | undefined): CloudError;
}

/** `<XResponse xmlns=…><requestId>…</requestId>…members…</XResponse>`: EC2 puts members right under the root. */
export function ec2Success(action: string, requestId: string, content: XmlContent): string {
  return document(`${action}Response`, EC2_NAMESPACE, el('requestId', requestId), content);
}

/** EC2's error document has no namespace and a `RequestID` (capital ID). */
export function ec2Error(error: CloudError, requestId: string): string {
  return plainDocument(
    'Response',
    el('Errors', el('Error', el('Code', error.code), el('Message', error.message))),
    el('RequestID', requestId),
  );
}

/** `<XResponse><XResult>…</XResult><ResponseMetadata>…`; actions without output have no Result element. */
export function autoScalingSuccess(action: string, requestId: string, content: XmlContent): string {
  const result = content === undefined || content === null ? '' : el(`${action}Result`, content);
  return document(
    `${action}Response`,
    AUTOSCALING_NAMESPACE,
    result,
    el('ResponseMetadata', el('RequestId', requestId)),
  );
}

export function autoScalingError(error: CloudError, requestId: string): string {
  return document(
    'ErrorResponse',
    AUTOSCALING_NAMESPACE,
    el(
      'Error',
      el('Type', error.status >= 500 ? 'Receiver' : 'Sender'),
      el('Code', error.code),
      el('Message', error.message),
    ),
    el('RequestId', requestId),
  );
}
