// An API failure said in words: the node's own message (the google.rpc.Status JSON that gRPC JSON
// transcoding returns), or what went wrong on the way. Never a raw body or a stack.

/** gRPC status codes by number, as names a reader can look up (google.rpc.Code). */
const CodeNames = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

/** Longest message shown; a node's messages are far shorter, this bounds a misbehaving proxy. */
export const MessageCharsMax = 500;

export class ApiError extends Error {
  /**
   * @param {string} message what to show
   * @param {{ httpStatus?: number, code?: string }} details HTTP status and gRPC code name when known
   */
  constructor(message, { httpStatus = 0, code = '' } = {}) {
    super(message.length > MessageCharsMax ? `${message.slice(0, MessageCharsMax)}…` : message);
    this.name = 'ApiError';
    this.httpStatus = httpStatus;
    this.code = code;
  }

  get isNotFound() {
    return this.code === 'NOT_FOUND' || this.httpStatus === 404;
  }
}

/** The error for a non-2xx response whose body text is `bodyText`. */
export function errorFromResponse(httpStatus, statusText, bodyText) {
  let parsed = null;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    // Not JSON (a proxy page, an empty body): fall through to the status line.
  }
  const code = typeof parsed?.code === 'number' ? (CodeNames[parsed.code] ?? String(parsed.code)) : '';
  if (typeof parsed?.message === 'string' && parsed.message.length > 0) {
    return new ApiError(parsed.message, { httpStatus, code });
  }
  const line = `The node answered HTTP ${httpStatus}${statusText ? ` ${statusText}` : ''}.`;
  return new ApiError(httpStatus === 404 ? `${line} Nothing is there.` : line, { httpStatus, code: code || (httpStatus === 404 ? 'NOT_FOUND' : '') });
}

/** The error for a request that got no answer at all. */
export function errorFromFailure(failure, timedOut) {
  if (timedOut) {
    return new ApiError('The node did not answer in time. It may be busy or unreachable; try again.', { code: 'DEADLINE_EXCEEDED' });
  }
  return new ApiError(`The node could not be reached (${failure?.message ?? 'network error'}).`, { code: 'UNAVAILABLE' });
}
