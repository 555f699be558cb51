// The dashboard page (served by the hub at `/`): Preact compiled by Vite's own JSX transform (no plugin),
// bundled into dist/web by scripts/build.js (`npm start` and `npm test` run it when web/ changed).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Nothing is loaded from elsewhere: no CDN, no web fonts; the page talks to its own origin only.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    sourcemap: false,
    // The hub serves /assets/* as immutable: every file there carries a content hash in its name.
    assetsDir: 'assets',
  },
  server: {
    // `npx vite web` for work on the page: API and WebSocket go to a hub on :4000 (npm start).
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true }, '/auth': 'http://127.0.0.1:4000' },
  },
});
