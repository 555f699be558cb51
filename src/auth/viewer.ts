/**
 * Who is asking. Built once per request (or WebSocket connection) from the
 * verified token; everything below GraphQL decides access from it.
 */
export interface Viewer {
  /** The token subject: a provider id, or any operator id on ADMIN tokens. */
  sub: string;
  /** The provider behind the token, or null for an operator. */
  providerId: string | null;
  isAdmin: boolean;
  /** When the credentials behind this viewer expire: a WebSocket connection ends then. */
  expiresAt?: Date;
}
