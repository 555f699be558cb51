import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../core/config';

export interface TokenClaims {
  sub: string;
  roles: string[];
  /**
   * The `kind` claim: "patient" (`sub` is a Patient id) or "caregiver" (`sub`
   * is a SupportContact id); absent on provider and operator tokens.
   */
  kind: 'patient' | 'caregiver' | null;
  /** When the token stops being valid (every accepted token has one). */
  expiresAt: Date;
}

/** Verifies bearer tokens: HS256 with JWT_SECRET, and RS256/ES256 from JWT_JWKS_URL when set. */
export interface TokenVerifier {
  verify(token: string): Promise<TokenClaims>;
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/**
 * The HS256 secret: JWT_SECRET, or in development/test a random one kept in
 * DATA_DIR/jwt-secret so tokens printed at start-up keep working across restarts.
 */
export function resolveSecret(config: Config): string {
  if (config.jwt.secret) return config.jwt.secret;
  if (config.env === 'production') throw new Error('JWT_SECRET is required in production');
  const file = path.join(config.dataDir, 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('base64url');
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

export function createTokenVerifier(config: Config, secret: string | undefined): TokenVerifier {
  const key = secret ? new TextEncoder().encode(secret) : undefined;
  const jwks = config.jwt.jwksUrl ? createRemoteJWKSet(new URL(config.jwt.jwksUrl)) : undefined;
  // Issuer and audience are checked on identity-provider tokens; local HS256 tokens carry neither.
  // Every token must expire: one without `exp` would be valid forever.
  const claimsOptions = { issuer: config.jwt.issuer, audience: config.jwt.audience };

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        const alg = headerAlg(token);
        if (alg === 'HS256' && key) {
          ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] }));
        } else if (jwks && (alg === 'RS256' || alg === 'ES256')) {
          ({ payload } = await jwtVerify(token, jwks, { ...claimsOptions, algorithms: ['RS256', 'ES256'], requiredClaims: ['exp'] }));
        } else {
          throw new InvalidTokenError('unsupported token algorithm');
        }
      } catch (err) {
        if (err instanceof InvalidTokenError) throw err;
        if (err instanceof joseErrors.JOSEError || err instanceof SyntaxError) {
          throw new InvalidTokenError(err instanceof joseErrors.JWTExpired ? 'token expired' : 'invalid token');
        }
        throw err;
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('token has no subject');
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      const kind = payload.kind;
      if (kind !== undefined && kind !== 'patient' && kind !== 'caregiver') throw new InvalidTokenError('unknown token kind');
      return { sub: payload.sub, roles, kind: kind ?? null, expiresAt: new Date(payload.exp! * 1000) };
    },
  };
}

/** The `alg` of a compact JWS header; a header that is not a JSON object is not a token. */
function headerAlg(token: string): unknown {
  const header: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new InvalidTokenError('invalid token');
  return (header as { alg?: unknown }).alg;
}

/** Signs an HS256 token, for `npm run token`, the demo banner and tests. */
export async function signToken(
  secret: string,
  claims: { sub: string; roles?: string[]; kind?: 'patient' | 'caregiver' },
  expiresIn: string | number = '12h',
): Promise<string> {
  return new SignJWT({ roles: claims.roles ?? [], ...(claims.kind ? { kind: claims.kind } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
