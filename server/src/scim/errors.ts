/**
 * SCIM protocol errors (RFC 7644 §3.12).
 *
 * Every failure the protocol layer can produce is a `ScimError`: an HTTP status, an optional `scimType`
 * keyword from RFC 7644 Table 9 and a human-readable detail. The HTTP glue turns it into the SCIM error
 * body; anything that is not a ScimError becomes a generic 500 without internals.
 */

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 Table 9, plus nothing else: IdPs key their retry logic on these words. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  /** RFC 7644 §3.12: the HTTP status as a JSON *string*. */
  status: string;
  scimType?: ScimType;
  detail?: string;
}

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;

  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
  }

  toJSON(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status) };
    if (this.scimType) body.scimType = this.scimType;
    if (this.message) body.detail = this.message;
    return body;
  }
}

export const isScimError = (error: unknown): error is ScimError => error instanceof ScimError;

/** Shorthands for the errors the protocol raises most, so call sites read as the RFC does. */
export const scimErrors = {
  invalidFilter: (detail: string) => new ScimError(400, detail, 'invalidFilter'),
  invalidSyntax: (detail: string) => new ScimError(400, detail, 'invalidSyntax'),
  invalidPath: (detail: string) => new ScimError(400, detail, 'invalidPath'),
  invalidValue: (detail: string) => new ScimError(400, detail, 'invalidValue'),
  noTarget: (detail: string) => new ScimError(400, detail, 'noTarget'),
  mutability: (detail: string) => new ScimError(400, detail, 'mutability'),
  tooMany: (detail: string) => new ScimError(400, detail, 'tooMany'),
  uniqueness: (detail: string) => new ScimError(409, detail, 'uniqueness'),
  notFound: (detail: string) => new ScimError(404, detail),
  unauthorized: (detail: string) => new ScimError(401, detail),
  forbidden: (detail: string) => new ScimError(403, detail),
  preconditionFailed: (detail: string) => new ScimError(412, detail),
  payloadTooLarge: (detail: string) => new ScimError(413, detail),
  unsupportedMediaType: (detail: string) => new ScimError(415, detail),
  notImplemented: (detail: string) => new ScimError(501, detail),
} as const;
