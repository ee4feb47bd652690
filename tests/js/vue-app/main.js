// scopegate/vue in a Vite production build, run in headless Chromium by browser-check.mjs: a store
// of the lite build (the policy from its compiled bundle) drives useCan, useDecision, useSession
// and the v-can directive (hide, and .disable) through sign-in, step-up, sign-out and expiry; each
// step's rendered state is written to #result, compared with expected.txt.
import { createApp, h, nextTick, resolveDirective, withDirectives } from 'vue';
import { Policy, SessionStore } from 'scopegate/lite';
import { createScopegate, useCan, useDecision, useSession } from 'scopegate/vue';
import bundleUrl from './banking.sgb?url';

const b64 = (value) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const jwt = (claims) => `${b64({ alg: 'none' })}.${b64(claims)}.`;
const now = () => Math.floor(Date.now() / 1000);

const Page = {
  setup() {
    const session = useSession();
    const canRead = useCan('GET', '/accounts/{id}', { id: 'acc 1' });
    const kyc = useDecision('GET', '/legal/kyc/1');
    return () => {
      const can = resolveDirective('can');
      return h('div', [
        h('span', { id: 'who' }, session.value ? session.value.subject : 'signed out'),
        h('span', { id: 'read' }, canRead.value ? 'read' : 'no-read'),
        h('span', { id: 'kyc' }, kyc.value.allowed ? 'kyc' : `no-kyc:${kyc.value.reason}`),
        withDirectives(h('button', { id: 'admin' }, 'admin'), [[can, 'POST /admin/users']]),
        withDirectives(h('button', { id: 'pay' }, 'pay'), [[can, { method: 'POST', path: '/accounts/{id}/payments', params: { id: 'a' } }, undefined, { disable: true }]]),
      ]);
    };
  },
};

const lines = [];
const store = new SessionStore(await Policy.fromBundle(await (await fetch(bundleUrl)).arrayBuffer()));
createApp(Page).use(createScopegate(store)).mount('#app');
const show = async (step) => {
  await nextTick();
  const text = (id) => document.getElementById(id).textContent;
  const admin = document.getElementById('admin').hidden ? 'admin-hidden' : 'admin-shown';
  const pay = document.getElementById('pay').disabled ? 'pay-disabled' : 'pay-enabled';
  lines.push(`${step}: ${text('who')} ${text('read')} ${text('kyc')} ${admin} ${pay}`);
};
await show('start');
store.signIn(jwt({ sub: 'ada', scope: 'read_only', exp: now() + 600 }));
await show('sign-in');
store.refresh(jwt({ sub: 'ada', scope: 'read_only read_write read_all admin', exp: now() + 600 }));
await show('step-up');
store.signOut();
await show('sign-out');
store.signIn(jwt({ sub: 'bob', scope: 'read_write', exp: now() + 1 }));
await show('short token');
await new Promise((resolve) => setTimeout(resolve, 2100));
await show('expired');
document.getElementById('result').textContent = lines.join('\n');
document.body.dataset.done = 'true';
