// The shared workload: a scopegate policy, the grants and the request mix every tool answers, and
// the translation of the same rules into each peer's own format (see ../README.md, "Encodings").
// Pure JavaScript with no imports of the tools, so that cold-start children can load it untimed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const POLICY_SIZES = [50, 200];
export const policyFile = (rules) => `${ROOT}benches/policies/rules-${rules}.json`;

/** The scopes tokens carry in the mix (before `implies`), from end-user narrow to machine-wide. */
export const GRANTS = ['read_3 write_7', 'read_all', 'write_1 admin', 'read_0 read_5 write_9 admin', 'write_2'];

// ---------------------------------------------------------------------------------------------
// Policy reading

/** Parses a scopegate pattern into segments: {lit}, {param}, {one} (`*`) and a trailing {rest} (`**`). */
export function segments(pattern) {
  if (!pattern.startsWith('/')) throw new Error(`pattern ${pattern}: must start with /`);
  const parts = pattern === '/' ? [] : pattern.slice(1).split('/');
  return parts.map((s, i) => {
    if (s === '**') {
      if (i !== parts.length - 1) throw new Error(`pattern ${pattern}: ** only at the end`);
      return { rest: true };
    }
    if (s === '*') return { one: true };
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(s);
    if (m) return { param: m[1] };
    if (/[{}*]/.test(s)) throw new Error(`pattern ${pattern}: partial-segment patterns are not translated`);
    return { lit: s };
  });
}

/** The closure of `implies` for a set of scopes (what `policy.expand` grants; no roles here). */
export function expandScopes(doc, scopes) {
  const out = new Set();
  const visit = (s) => {
    if (out.has(s) || !(s in doc.scopes)) return;
    out.add(s);
    for (const t of doc.scopes[s].implies ?? []) visit(t);
  };
  for (const s of scopes.split(' ').filter(Boolean)) visit(s);
  if (doc.roles && Object.keys(doc.roles).length) throw new Error('roles are not translated by this harness');
  return [...out].sort();
}

/** Rules normalized: effect, methods, requirement sets (all_of + one of any_of). */
export function rulesOf(doc) {
  return doc.rules.map((r) => {
    const allOf = r.all_of ?? [];
    const anyOf = r.any_of ?? [];
    const sets = anyOf.length ? anyOf.map((s) => [...new Set([...allOf, s])]) : [allOf];
    return { id: r.id, effect: r.effect ?? 'allow', methods: r.methods, paths: r.paths, except: r.except ?? [], allOf, anyOf, sets };
  });
}

export const satisfied = (rule, granted) =>
  rule.allOf.every((s) => granted.includes(s)) && (rule.anyOf.length === 0 || rule.anyOf.some((s) => granted.includes(s)));

// ---------------------------------------------------------------------------------------------
// The request mix: deterministic (seeded), hits of every rule kind, scope misses and unknown routes.

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = [
  (b, n) => ['GET', b],                                  // read, list
  (b, n) => ['GET', `${b}/${n}`],                        // read one ({id})
  (b, n) => ['GET', `${b}/${n}/items/${n % 97}`],         // read sub-item (*)
  (b) => ['GET', `${b}/internal`],                       // `except`: only read_all
  (b, n) => ['GET', `${b}/${n}/audit/log`],               // deep path: only read_all (**)
  (b) => ['POST', b],                                    // write
  (b, n) => ['PUT', `${b}/${n}`],
  (b, n) => ['PATCH', `${b}/${n}`],
  (b, n) => ['DELETE', `${b}/${n}`],                      // all_of [write_g, admin], or no rule
  (b, n) => ['DELETE', `${b}/${n}/locked`],               // deny rule on every tenth family
  (b, n) => ['POST', `${b}/${n}/items/1`],                // no rule for the method
  (b, n, f) => ['GET', `/v1/family${f + 1000}/${n}`],     // unknown family
  (b, n) => ['GET', `/v2/status/${n}`],                   // unknown API
];

/**
 * `count` requests as [grantIndex, method, path], paths already normalized (see README). Six in ten
 * requests go to a family whose scope group (`read_<g>`, family % 10) the token holds, so that
 * allowed requests are common; the others go anywhere.
 */
export function requestMix(doc, count = 128, seed = 7) {
  const families = rulesOf(doc).filter((r) => r.id.endsWith('-read')).length;
  const rand = mulberry32(seed + families);
  const out = [];
  for (let i = 0; i < count; i++) {
    const g = i % GRANTS.length;
    const groups = new Set(GRANTS[g].split(' ').map((s) => /_(\d)$/.exec(s)?.[1]).filter(Boolean).map(Number));
    const own = [...Array(families).keys()].filter((f) => groups.has(f % 10));
    const f = own.length && rand() < 0.6 ? own[Math.floor(rand() * own.length)] : Math.floor(rand() * families);
    const kind = KINDS[Math.floor(rand() * KINDS.length)];
    const n = 1 + Math.floor(rand() * 9999);
    const [method, path] = kind(`/v1/family${f}`, n, f);
    out.push([g, method, path]);
  }
  return out;
}

/** Everything a tool needs, computed once per policy size. */
export function workload(rules) {
  const text = readFileSync(policyFile(rules), 'utf8');
  const doc = JSON.parse(text);
  const grants = GRANTS.map((s) => ({ scopes: s, granted: expandScopes(doc, s) }));
  return { rules, text, doc, grants, requests: requestMix(doc), translated: translate(doc, grants) };
}

// ---------------------------------------------------------------------------------------------
// Translations

/** scopegate pattern → path-to-regexp 8+ syntax (`{id}` → `:p0`, `*` → `:p1`, trailing `**` → `{/*rest}`). */
export function toPathToRegexp(pattern) {
  let n = 0;
  let out = '';
  for (const s of segments(pattern)) {
    if (s.rest) out += '{/*rest}';
    else if (s.one || s.param) out += `/:p${n++}`;
    else out += '/' + s.lit.replace(/[:*{}()[\]+?!\\]/g, '\\$&');
  }
  return out || '/';
}

/** scopegate pattern → casbin keyMatch2 patterns (`{id}` → `:id`, `*` → `:seg`; `/a/**` → `/a` and `/a/*`). */
export function toKeyMatch2(pattern) {
  const segs = segments(pattern);
  const last = segs[segs.length - 1];
  const body = (last?.rest ? segs.slice(0, -1) : segs)
    .map((s) => (s.param ? `:${s.param}` : s.one ? ':seg' : s.lit))
    .map((s) => '/' + s)
    .join('');
  if (!last?.rest) return [body || '/'];
  return [body || '/', `${body}/*`];
}

const cedarStr = (s) => JSON.stringify(s);

export function translate(doc, grants) {
  const rules = rulesOf(doc);

  // Route table: every distinct pattern (paths and excepts), matched by a loop of regexes.
  const patterns = [...new Set(rules.flatMap((r) => [...r.paths, ...r.except]))];
  const routes = patterns.map((p) => [p, toPathToRegexp(p)]);

  // CASL: the subject type is the route pattern; `except` is a condition on the matched routes;
  // deny rules are `inverted` and come last (later CASL rules take precedence). One ability per grant,
  // built from the rules its scopes satisfy, as an app builds a user's ability from their permissions.
  const caslRules = (granted) => {
    const sat = rules.filter((r) => satisfied(r, granted));
    const raw = (r) => ({
      action: r.methods.includes('*') ? 'manage' : r.methods,
      subject: r.paths,
      ...(r.except.length ? { conditions: { routes: { $nin: r.except } } } : {}),
      ...(r.effect === 'deny' ? { inverted: true } : {}),
    });
    return [...sat.filter((r) => r.effect === 'allow').map(raw), ...sat.filter((r) => r.effect === 'deny').map(raw)];
  };

  // casbin: RBAC with the scopes as roles (`g, <token>, <scope>`), one policy line per
  // (requirement set, method, keyMatch2 pattern); sub2 carries a second all_of scope, exc one except.
  const casbinModel = `[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, sub2, obj, exc, act, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (p.act == "*" || r.act == p.act) && (p.sub == "*" || g(r.sub, p.sub)) && (p.sub2 == "*" || g(r.sub, p.sub2)) && keyMatch2(r.obj, p.obj) && (p.exc == "-" || !keyMatch2(r.obj, p.exc))
`;
  const lines = [];
  for (const r of rules) {
    const exc = r.except.flatMap(toKeyMatch2);
    if (exc.length > 1) throw new Error(`rule ${r.id}: casbin encoding takes one except pattern`);
    for (const set of r.sets) {
      if (set.length > 2) throw new Error(`rule ${r.id}: casbin encoding takes two required scopes at most`);
      const [sub = '*', sub2 = '*'] = set;
      for (const m of r.methods) {
        for (const obj of r.paths.flatMap(toKeyMatch2)) lines.push(['p', sub, sub2, obj, exc[0] ?? '-', m, r.effect].join(', '));
      }
    }
  }
  const casbinGrouping = (g, granted) => granted.map((s) => [`t${g}`, s]);

  // Cedar: the token is an entity whose parents are its scopes (Scope::"read_3"), the method is the
  // action, the matched route patterns are `context.routes`; allow → permit, deny → forbid.
  const cedarCond = (r) => {
    const inScope = (s) => `principal in Scope::${cedarStr(s)}`;
    const parts = r.allOf.map(inScope);
    if (r.anyOf.length) parts.push(r.anyOf.length === 1 ? inScope(r.anyOf[0]) : `(${r.anyOf.map(inScope).join(' || ')})`);
    return parts;
  };
  const cedarPolicies = rules
    .map((r) => {
      const action = r.methods.includes('*') ? 'action' : `action in [${r.methods.map((m) => `Action::${cedarStr(m)}`).join(', ')}]`;
      const when = [`context.routes.containsAny([${r.paths.map(cedarStr).join(', ')}])`, ...cedarCond(r)].join(' && ');
      const unless = r.except.length ? `\nunless { context.routes.containsAny([${r.except.map(cedarStr).join(', ')}]) }` : '';
      return `@id(${cedarStr(r.id)})\n${r.effect === 'deny' ? 'forbid' : 'permit'} (principal, ${action}, resource)\nwhen { ${when} }${unless};`;
    })
    .join('\n');
  const cedarEntities = (g, granted) => [
    { uid: { type: 'Token', id: `t${g}` }, attrs: {}, parents: granted.map((s) => ({ type: 'Scope', id: s })) },
  ];

  return {
    routes,
    casl: grants.map((g) => caslRules(g.granted)),
    casbin: { model: casbinModel, policy: lines.join('\n') + '\n', grouping: grants.flatMap((g, i) => casbinGrouping(i, g.granted)) },
    cedar: { policies: cedarPolicies, entities: grants.map((g, i) => cedarEntities(i, g.granted)) },
  };
}
