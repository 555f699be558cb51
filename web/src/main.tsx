import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadSession, saveSession, whenUnauthenticated, type Session } from './api';
import { Dashboard } from './Dashboard';
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
