import { useEffect, useState } from 'preact/hooks';
import { demoProviders, demoToken, explain, signInOptions, type DemoProvider, type Session } from './api';
import { words } from './format';
import { startOidcLogin, type OidcOptions } from './oidc';

/**
 * Sign-in: at the OpenID Connect provider when the hub names one; outside
 * production the hub's demo providers (one click gets a token from POST
 * /auth/demo-token); and always by pasting a bearer token.
 */
export function SignIn({ onSignedIn, reason }: { onSignedIn(session: Session): void; reason: string | null }) {
  const [demo, setDemo] = useState(false);
  const [oidc, setOidc] = useState<OidcOptions | null>(null);
  const [providers, setProviders] = useState<DemoProvider[]>([]);
  const [search, setSearch] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    signInOptions().then(
      (o) => {
        setDemo(o.demo);
        setOidc(o.oidc);
      },
      () => setError('The hub cannot be reached: check that it is running, then reload.'),
    );
  }, []);
  useEffect(() => {
    if (!demo) return;
    const timer = setTimeout(() => demoProviders(search).then(setProviders, (err) => setError(explain(err))), 150);
    return () => clearTimeout(timer);
  }, [demo, search]);

  return (
    <main class="sign-in">
      <h1>Care-team dashboard</h1>
      {reason && (
        <p role="alert" class="notice error">
          {reason}
        </p>
      )}
      {error && (
        <p role="alert" class="notice error">
          {error}
        </p>
      )}
      {oidc && (
        <section aria-labelledby="oidc-heading">
          <h2 id="oidc-heading">Sign in with your organization</h2>
          <button type="button" onClick={() => startOidcLogin(oidc).catch((err: Error) => setError(err.message))}>
            Sign in at {new URL(oidc.issuer).host}
          </button>
        </section>
      )}
      {demo && (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">Sign in as a demo clinician</h2>
          <p class="muted">This hub runs outside production: pick a demo provider (e-mail under .example).</p>
          <label>
            Find a provider
            <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="Name" />
          </label>
          <ul class="providers">
            {providers.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  onClick={async () => {
                    try {
                      onSignedIn(await demoToken(p.id));
                    } catch (err) {
                      setError(explain(err));
                    }
                  }}
                >
                  <strong>{p.name}</strong>
                  <span class="muted">
                    {words(p.discipline)}
                    {p.specialty ? `, ${p.specialty}` : ''} · {p.organization}
                  </span>
                </button>
              </li>
            ))}
            {providers.length === 0 && <li class="muted">No demo provider matches.</li>}
          </ul>
        </section>
      )}
      <section aria-labelledby="token-heading">
        <h2 id="token-heading">Sign in with a bearer token</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const value = token.trim().replace(/^Bearer\s+/i, '');
            if (value) onSignedIn({ token: value });
          }}
        >
          <label>
            Token (a JWT from your identity provider or <code>npm run token</code>)
            <textarea rows={3} value={token} autoComplete="off" spellcheck={false} onInput={(e) => setToken(e.currentTarget.value)} />
          </label>
          <button type="submit">Sign in</button>
        </form>
      </section>
    </main>
  );
}
