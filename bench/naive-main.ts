import { run } from 'probot';
import { naiveApp } from './naive-app.js';

// `probot run` semantics (env: APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST, PORT), with Probot's default throttling.
await run(naiveApp);
