// scopegate/react in a Vite production build, run in headless Chromium by browser-check.mjs: a
// store of the lite build (the policy from its compiled bundle) drives <Can>, useCan,
// useDecision and useSession through sign-in, step-up, sign-out and expiry; each step's rendered
// text is written to #result, which the test compares with the expected lines.
import { createElement as h } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Policy, SessionStore } from 'scopegate/lite';
import { Can, ScopegateProvider, useCan, useDecision, useSession } from 'scopegate/react';
import bundleUrl from './banking.sgb?url';

const b64 = (value) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const jwt = (claims) => `${b64({ alg: 'none' })}.${b64(claims)}.`;
const now = () => Math.floor(Date.now() / 1000);

function Page() {
  const session = useSession();
  const canRead = useCan('GET', '/accounts/{id}', { id: 'acc 1' });
  const kyc = useDecision('GET', '/legal/kyc/1');
  return h('div', null,
    h('span', { id: 'who' }, session ? session.subject : 'signed out'),
    h('span', { id: 'read' }, canRead ? 'read' : 'no-read'),
    h('span', { id: 'kyc' }, kyc.allowed ? 'kyc' : `no-kyc:${kyc.reason}`),
    h(Can, { method: 'POST', path: '/admin/users', fallback: h('span', { id: 'admin' }, 'no-admin') },
      h('button', { id: 'admin' }, 'admin')));
}

const lines = [];
const store = new SessionStore(await Policy.fromBundle(await (await fetch(bundleUrl)).arrayBuffer()));
const root = createRoot(document.getElementById('app'));
const show = (step) => {
  const text = ['who', 'read', 'kyc', 'admin'].map((id) => document.getElementById(id).textContent).join(' ');
  lines.push(`${step}: ${text}`);
};
flushSync(() => root.render(h(ScopegateProvider, { store }, h(Page))));
show('start');
flushSync(() => store.signIn(jwt({ sub: 'ada', scope: 'read_only', exp: now() + 600 })));
show('sign-in');
flushSync(() => store.refresh(jwt({ sub: 'ada', scope: 'read_only read_all admin', exp: now() + 600 })));
show('step-up');
flushSync(() => store.signOut());
show('sign-out');
store.signIn(jwt({ sub: 'bob', scope: 'read_only', exp: now() + 1 }), {});
await new Promise((resolve) => setTimeout(resolve, 0));
show('short token');
await new Promise((resolve) => setTimeout(resolve, 2100));
show('expired');
document.getElementById('result').textContent = lines.join('\n');
document.body.dataset.done = 'true';
