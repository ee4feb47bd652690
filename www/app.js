// The demo page. It is only I/O and DOM glue: every decision below comes from scopegate's
// WebAssembly core (Policy, Session, SessionStore, bindElements).
import {
  Policy, Session, SessionStore, ScopegateError, bindElements, decodeUnverified, version,
} from 'scopegate';
import { bankingPersonas, demoToken, partnerResponses } from './personas.js';

const $ = (selector) => document.querySelector(selector);
const text = async (url) => (await fetch(url)).text();
const policyTexts = {
  banking: await text('./policies/banking.json'),
  partner: await text('./policies/partner.json'),
};
$('#version').textContent = `scopegate ${version()}`;

// ---- Banking dashboard: a session store, DOM bound by data-endpoint ---------------------------
// The dashboard's policy is the compiled bundle `scopegate compile` wrote (signed: only a bundle
// signed by the policy owner's key loads); the playground below compiles JSON in the page.
const bundle = new Uint8Array(await (await fetch('./bundles/banking.signed.sgb')).arrayBuffer());
const verifyKey = await text('./bundles/verify-key.pem');
const banking = await Policy.fromBundle(bundle, { verifyKey });
const store = new SessionStore(banking);
bindElements($('#bank-console'), store);

function describeSession({ session }) {
  const status = $('#session-status');
  status.classList.remove('error');
  if (!session) {
    status.textContent = 'Signed out.';
  } else {
    const expires = session.expiresAt ? new Date(session.expiresAt * 1000).toLocaleTimeString() : 'never';
    const expired = session.isExpired() ? ' (expired)' : '';
    status.textContent = `Signed in as ${session.subject} with scopes: ${session.scopes.join(' ')}; expires ${expires}${expired}.`;
  }
  const accounts = store.decide('GET', '/accounts');
  $('#data-range').textContent = accounts.allowed
    ? `GET /accounts shows ${accounts.data === 'own' ? 'only your own accounts' : 'every account'} (data: ${accounts.data}).`
    : `GET /accounts: ${accounts.reason}.`;
  document.body.dataset.session = session ? session.subject : 'none';
}
store.subscribe(describeSession);
describeSession(store.getSnapshot());

const personas = $('#personas');
for (const persona of bankingPersonas) {
  const button = document.createElement('button');
  button.textContent = `Sign in: ${persona.label}`;
  button.dataset.testid = `signin-${persona.id}`;
  button.addEventListener('click', () => store.signIn(demoToken(persona.claims)));
  personas.append(button);
}
const shortLived = document.createElement('button');
shortLived.textContent = 'Sign in: end user, token valid 3 s';
shortLived.dataset.testid = 'signin-short';
shortLived.addEventListener('click', () => store.signIn(demoToken(bankingPersonas[0].claims, 3)));
const signOut = document.createElement('button');
signOut.textContent = 'Sign out';
signOut.dataset.testid = 'signout';
signOut.addEventListener('click', () => store.signOut());
personas.append(shortLived, signOut);

// ---- Partner gallery: tokens in image URLs only where transport.query allows ------------------
const partner = new Policy(policyTexts.partner);
for (const button of document.querySelectorAll('[data-credential]')) {
  button.addEventListener('click', () => showGallery(partnerResponses[button.dataset.credential]));
}

function showGallery(response) {
  const status = $('#gallery-status');
  const images = $('#images');
  images.replaceChildren();
  status.classList.remove('error');
  let session;
  try {
    session = Session.fromTokenResponse(partner, response);
    for (const name of ['harbour', 'forest', 'dunes']) {
      const url = session.urlWithToken(`./demo-api/img/${name}.svg`);
      const figure = document.createElement('figure');
      const img = document.createElement('img');
      img.src = url;
      img.alt = name;
      const caption = document.createElement('code');
      caption.textContent = url;
      figure.append(img, caption);
      images.append(figure);
    }
    status.textContent = `Token with scopes "${session.scopes.join(' ')}": images load with ?access_token=.`;
    status.dataset.code = 'ok';
  } catch (error) {
    // Refused by the engine: a client-unsafe token, or one that may not travel in a URL.
    if (!(error instanceof ScopegateError)) throw error;
    images.replaceChildren();
    status.classList.add('error');
    status.textContent = `Refused (${error.code}): ${error.message}`;
    status.dataset.code = error.code;
  } finally {
    session?.free();
  }
}

// ---- Playground: live validation, decoding and decisions -----------------------------------
let playgroundPolicy = null;

function compilePolicy() {
  const list = $('#policy-problems');
  list.replaceChildren();
  playgroundPolicy?.free();
  playgroundPolicy = null;
  try {
    playgroundPolicy = new Policy($('#policy-text').value);
    const ok = document.createElement('li');
    ok.className = 'ok';
    ok.textContent = `valid policy "${playgroundPolicy.name}"`;
    list.append(ok);
  } catch (error) {
    if (!(error instanceof ScopegateError)) throw error;
    const problems = error.problems.length ? error.problems : [error];
    for (const problem of problems) {
      const item = document.createElement('li');
      item.textContent = `${problem.pointer ?? '(document)'}: ${problem.code}: ${problem.message}`;
      list.append(item);
    }
  }
  decide();
}

function currentScopes() {
  const token = $('#token-text').value.trim();
  const claims = $('#token-claims');
  if (!token) {
    claims.textContent = '';
    return $('#scopes-text').value;
  }
  try {
    const decoded = decodeUnverified(token);
    claims.textContent = JSON.stringify({ scopes: decoded.scopes, claims: decoded.claims }, null, 2);
    return decoded.scopes;
  } catch (error) {
    claims.textContent = `${error.code}: ${error.message}`;
    return null;
  }
}

function decide() {
  const out = $('#decision');
  const explanation = $('#explanation');
  const scopes = currentScopes();
  if (!playgroundPolicy || scopes === null) {
    out.textContent = '';
    explanation.textContent = playgroundPolicy ? 'Fix the token first.' : 'Fix the policy first.';
    return;
  }
  try {
    const grant = playgroundPolicy.expand(scopes);
    const method = $('#method').value;
    const path = $('#path').value;
    const decision = playgroundPolicy.decide(method, path, grant);
    grant.free();
    out.textContent = JSON.stringify(decision, null, 2);
    explanation.textContent = decision.allowed
      ? `Allowed by rule "${decision.rule}"; the caller sees ${decision.data === 'own' ? 'only its own data' : 'all data'}.`
      : decision.reason === 'insufficient_scope'
        ? `Refused: rule "${decision.rule}" needs ${decision.missing.join(' + ')} as well.`
        : `Refused: ${decision.reason}${decision.rule ? ` (rule "${decision.rule}")` : ''}.`;
  } catch (error) {
    out.textContent = '';
    explanation.textContent = `${error.code}: ${error.message}`;
  }
}

$('#policy-choice').addEventListener('change', (event) => {
  $('#policy-text').value = policyTexts[event.target.value];
  $('#scopes-text').value = event.target.value === 'partner' ? 'files' : 'read_only';
  $('#path').value = event.target.value === 'partner' ? '/v1/img/cat.png' : '/accounts/42';
  compilePolicy();
});
$('#policy-text').addEventListener('input', compilePolicy);
for (const id of ['#token-text', '#scopes-text', '#path']) $(id).addEventListener('input', decide);
$('#method').addEventListener('change', decide);
$('#policy-text').value = policyTexts.banking;
compilePolicy();

document.body.dataset.ready = 'true';
