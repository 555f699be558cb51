import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadSession, saveSession, whenUnauthenticated, type Session } from './api';
import { Dashboard } from './Dashboard';
import { finishOidcLogin } from './oidc';
import { SignIn } from './SignIn';
import './style.css';

function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [reason, setReason] = useState<string | null>(null);
  const signOut = (why: string | null) => {
    saveSession(null);
    setSession(null);
    setReason(why);
  };
  useEffect(() => whenUnauthenticated(() => signOut('Your sign-in is no longer valid (expired or refused): sign in again.')), []);
  // Back from the identity provider: the code becomes a session, and leaves the URL.
  const [finishing, setFinishing] = useState(() => ['code', 'error'].some((k) => new URLSearchParams(location.search).has(k)));
  useEffect(() => {
    if (!finishing) return;
    finishOidcLogin()
      .then((s) => {
        if (s) {
          saveSession(s);
          setSession(s);
        }
      })
      .catch((err: Error) => setReason(err.message))
      .finally(() => setFinishing(false));
  }, []);
  if (finishing) return <p class="sign-in">Signing in…</p>;
  if (!session) {
    return (
      <SignIn
        reason={reason}
        onSignedIn={(s) => {
          saveSession(s);
          setReason(null);
          setSession(s);
        }}
      />
    );
  }
  return <Dashboard key={session.token} session={session} onSignOut={() => signOut(null)} onExpired={signOut} />;
}

render(<App />, document.getElementById('app')!);
