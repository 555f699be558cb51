import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
import { GraphQLError } from 'graphql';

type IssueCode = OperationOutcomeIssue['code'];

/**
 * A refusal in FHIR terms: the HTTP status and the OperationOutcome issue
 * (code from the IssueType value set, the element as a FHIRPath expression
 * when one is at fault).
 */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    message: string,
    readonly expression?: string,
  ) {
    super(message);
  }
}

/** An element of a submitted resource that cannot be accepted: 400 naming it (`Bundle.entry[2].resource.status`). */
export const invalid = (expression: string, message: string) => new FhirError(400, 'invalid', message, expression);

/** The OperationOutcome body of a refusal. */
export function outcome(error: FhirError): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: error.code,
        diagnostics: error.message,
        ...(error.expression ? { expression: [error.expression] } : {}),
      },
    ],
  };
}

/** Our GraphQL error codes (docs/contract.md) as HTTP statuses and FHIR issue types. */
const BY_CODE: Record<string, [number, IssueCode]> = {
  UNAUTHENTICATED: [401, 'login'],
  FORBIDDEN: [403, 'forbidden'],
  NOT_FOUND: [404, 'not-found'],
  BAD_USER_INPUT: [400, 'invalid'],
  CONFLICT: [409, 'conflict'],
  INVALID_TRANSITION: [422, 'business-rule'],
  SAFETY_CONFLICT: [422, 'business-rule'],
};

/**
 * A service's error as a FhirError: our codes keep their meaning (a
 * non-member's NOT_FOUND is a 404, no existence leak); `expressionOf` names
 * the element behind a BAD_USER_INPUT or SAFETY_CONFLICT field. Anything
 * else is not ours to explain: null, and the caller answers 500.
 */
export function fromServiceError(err: unknown, expressionOf?: (field: string | undefined) => string | undefined): FhirError | null {
  if (err instanceof FhirError) return err;
  if (!(err instanceof GraphQLError)) return null;
  const known = BY_CODE[String(err.extensions.code)];
  if (!known) return null;
  const field = typeof err.extensions.field === 'string' ? err.extensions.field : undefined;
  return new FhirError(known[0], known[1], err.message, expressionOf?.(field));
}
