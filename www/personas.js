// Demo personas. Their tokens are built in the page and are NOT signed: a frontend only decodes a
// token (scopegate never trusts it for security), so the demo does not need real signatures.
export const bankingPersonas = [
  { id: 'end-user', label: 'End user (Alice)', claims: { sub: 'alice', scope: 'read_only read_write', client_id: 'bank-web' } },
  { id: 'machine', label: 'Machine client (reporting job)', claims: { sub: 'reporting-job', scope: 'read_all', client_id: 'reporting' } },
  { id: 'support', label: 'Support agent (Sam)', claims: { sub: 'sam', scope: 'support_agent', client_id: 'support-console' } },
  { id: 'admin', label: 'Administrator (Ada)', claims: { sub: 'ada', scope: 'administrator', client_id: 'admin-console' } },
];

const b64url = (value) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

/** An unsigned demo JWT with `claims`, issued now and valid for `lifetime` seconds. */
export function demoToken(claims, lifetime = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: 'https://auth.bank.example', iat: now, exp: now + lifetime, ...claims };
  return `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(payload)}.`;
}

/** Partner API token responses (opaque tokens), as its token endpoint would answer. */
export const partnerResponses = {
  files: { access_token: 'files-7Hq2LmX9', token_type: 'Bearer', expires_in: 3600, scope: 'files' },
  upload: { access_token: 'upl-Kd81sPq0', token_type: 'Bearer', expires_in: 3600, scope: 'files upload_files' },
  base: { access_token: 'base-Zr4uNc55', token_type: 'Bearer', expires_in: 3600 },
};
