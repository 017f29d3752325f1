/**
 * The one error type of the MLflow API. Every layer throws it; the HTTP layer turns it into
 * MLflow's wire shape `{"error_code", "message", "sqlstate", "error_class"}` with the status MLflow
 * uses for the code.
 */
export type ErrorCode =
  | 'INTERNAL_ERROR'
  | 'BAD_REQUEST'
  | 'MALFORMED_REQUEST'
  | 'INVALID_PARAMETER_VALUE'
  | 'INVALID_STATE'
  | 'ENDPOINT_NOT_FOUND'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RESOURCE_CONFLICT'
  | 'NOT_IMPLEMENTED'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'REQUEST_LIMIT_EXCEEDED';

/** MLflow's own code-to-status table (mlflow/exceptions.py); codes not listed there answer 500. */
const STATUS: Record<ErrorCode, number> = {
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_CONFLICT: 409,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  MALFORMED_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
};

/**
 * The classification MLflow 3 adds to every error it sends (mlflow/error_classification.py, its
 * client-side tables): clients and MLflow's own tests read these beside the code. Codes not in
 * MLflow's tables get neither field, as from MLflow.
 */
const CLASSIFICATION: Partial<Record<ErrorCode, { sqlstate: string; error_class: string }>> = {
  BAD_REQUEST: { sqlstate: 'KAM00', error_class: 'INVALID_PARAMETER_VALUE' },
  ENDPOINT_NOT_FOUND: { sqlstate: 'KAM00', error_class: 'RESOURCE_NOT_FOUND' },
  INTERNAL_ERROR: { sqlstate: 'XXM00', error_class: 'CLIENT_INTERNAL_ERROR' },
  INVALID_PARAMETER_VALUE: { sqlstate: 'KAM00', error_class: 'INVALID_PARAMETER_VALUE' },
  INVALID_STATE: { sqlstate: 'XXM00', error_class: 'CLIENT_INTERNAL_ERROR' },
  PERMISSION_DENIED: { sqlstate: 'KAM00', error_class: 'PERMISSION_DENIED' },
  RESOURCE_ALREADY_EXISTS: { sqlstate: 'KAM00', error_class: 'RESOURCE_ALREADY_EXISTS' },
  RESOURCE_DOES_NOT_EXIST: { sqlstate: 'KAM00', error_class: 'RESOURCE_NOT_FOUND' },
  TEMPORARILY_UNAVAILABLE: { sqlstate: 'XXM00', error_class: 'CLIENT_INTERNAL_ERROR' },
};

export interface MlflowErrorJson {
  error_code: ErrorCode;
  message: string;
  sqlstate?: string;
  error_class?: string;
}

export class MlflowError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  toJSON(): MlflowErrorJson {
    return { error_code: this.code, message: this.message, ...CLASSIFICATION[this.code] };
  }

  static invalid(message: string): MlflowError {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }

  static notFound(message: string): MlflowError {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }

  static alreadyExists(message: string): MlflowError {
    return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
  }
}
