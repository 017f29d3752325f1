/**
 * JSON endpoints take only `application/json` bodies, as MLflow's _validate_content_type: a
 * browser may send `text/plain` or a form from any page without asking first, and a JSON
 * reader that ignored the type would act on it. Artifact routes take raw bytes of any type.
 */
import type { IncomingMessage } from 'node:http';
import { MlflowError } from '../../common/mlflow-error.js';

const JSON_API = /^\/(api|ajax-api)\//;
const RAW_BYTES = /^\/(api|ajax-api)\/2\.0\/mlflow-artifacts\/|^\/ajax-api\/2\.0\/mlflow\/upload-artifact$/;
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** What may be echoed back in the message (MLflow's guard against reflecting markup). */
const PRINTABLE_TYPE = /^[a-zA-Z0-9\-/;,+_ .=]*$/;

export function jsonContentTypeError(req: IncomingMessage, method: string, path: string): MlflowError | undefined {
  if (!WITH_BODY.has(method) || !JSON_API.test(path) || RAW_BYTES.test(path) || !hasBody(req)) return undefined;
  const header = req.headers['content-type'];
  if (header === undefined || header.trim() === '') return MlflowError.invalid('Bad Request. Content-Type header is missing.');
  const type = header.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return undefined;
  const got = PRINTABLE_TYPE.test(header) ? ` Got '${type}'.` : '';
  return MlflowError.invalid(`Bad Request. Content-Type must be one of [application/json].${got}`);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}
