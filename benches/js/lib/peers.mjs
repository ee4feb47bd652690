// One adapter per tool: `load(tool)` imports it (the part a cold start times), `build(tool, mods, w)`
// compiles the workload's policy in the tool's own format and returns
//   { decide(i) → boolean, loop(reps) → count }
// where `i` indexes w.requests and `loop` runs the whole request mix `reps` times in a loop of its
// own (one call site per tool, so no tool pays for another's shapes).

/** Every decision tool, with what it means in the tables. */
export const DECISION_TOOLS = {
  'scopegate': 'scopegate `policy.allows` (fast path)',
  'scopegate-decide': 'scopegate `policy.decide` (reason, rule, missing, params, challenge)',
  'scopegate-lite': 'scopegate/lite `policy.allows` (policy from a bundle)',
  'scopegate-bundle': 'scopegate `policy.allows` (policy from a bundle)',
  'scopegate-call': 'probe: scopegate `policy.allows(\'GET\', \'/\', grant)` (no rule to match: the cost of a call)',
  'scopegate-has': 'probe: scopegate `grant.has(scope)` (one `&str` argument, for scale)',
  'casl': '@casl/ability + route step (path-to-regexp loop)',
  'casl-bare': '@casl/ability bare `can(method, route)`, route precomputed (not equal work)',
  'route-step': 'route step alone (loop of path-to-regexp regexes; part of casl and cedar)',
  'casbin': 'casbin `enforceSync`, keyMatch2 (uncached Enforcer)',
  'cedar': '@cedar-policy/cedar-wasm stateful (`preparsePolicySet` + `statefulIsAuthorized`) + route step',
  'cedar-stateless': '@cedar-policy/cedar-wasm stateless `isAuthorized` + route step',
};

export async function load(tool) {
  switch (tool) {
    case 'scopegate':
    case 'scopegate-decide':
    case 'scopegate-call':
    case 'scopegate-has':
    case 'scopegate-bundle':
      return { sg: await import('scopegate') };
    case 'scopegate-lite':
      return { sg: await import('scopegate/lite') };
    case 'casl':
    case 'casl-bare':
      return { casl: await import('@casl/ability'), ptr: await import('path-to-regexp') };
    case 'route-step':
      return { ptr: await import('path-to-regexp') };
    case 'casbin':
      return { casbin: await import('casbin') };
    case 'cedar':
    case 'cedar-stateless':
      return { cedar: await import('@cedar-policy/cedar-wasm/nodejs'), ptr: await import('path-to-regexp') };
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

/** A frontend's route step: every route pattern the path matches (a loop of path-to-regexp regexes). */
export function compileRouter(ptr, routes) {
  const ids = routes.map(([id]) => id);
  const res = routes.map(([, p]) => ptr.pathToRegexp(p, { sensitive: true }).regexp);
  const n = res.length;
  return (path) => {
    const out = [];
    for (let k = 0; k < n; k++) if (res[k].test(path)) out.push(ids[k]);
    return out;
  };
}

function columns(w) {
  return { G: w.requests.map((r) => r[0]), M: w.requests.map((r) => r[1]), P: w.requests.map((r) => r[2]), n: w.requests.length };
}

/** The compiled bundle of a JSON policy, written by the full build. */
export async function bundleOf(text) {
  const { Policy } = await import('scopegate');
  return new Policy(text).toBundle();
}

export async function build(tool, mods, w) {
  const { G, M, P, n } = columns(w);
  const t = w.translated;
  switch (tool) {
    case 'scopegate':
    case 'scopegate-lite':
    case 'scopegate-bundle': {
      // The lite build reads compiled bundles only; `w.bundle` is written before any clock starts
      // (run.mjs), or here by the full build when a workload has none.
      const policy = tool === 'scopegate'
        ? new mods.sg.Policy(w.text)
        : await mods.sg.Policy.fromBundle(w.bundle ?? await bundleOf(w.text));
      const grants = w.grants.map((g) => policy.expand(g.scopes));
      const GR = G.map((g) => grants[g]);
      return {
        policy, grants,
        decide: (i) => policy.allows(M[i], P[i], GR[i]),
        loop(reps) {
          let s = 0;
          for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) if (policy.allows(M[i], P[i], GR[i])) s++;
          return s;
        },
      };
    }
    case 'scopegate-decide': {
      const policy = new mods.sg.Policy(w.text);
      const grants = w.grants.map((g) => policy.expand(g.scopes));
      const GR = G.map((g) => grants[g]);
      return {
        policy, grants,
        decide: (i) => policy.decide(M[i], P[i], GR[i]).allowed,
        loop(reps) {
          let s = 0;
          for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) if (policy.decide(M[i], P[i], GR[i]).allowed) s++;
          return s;
        },
      };
    }
    case 'scopegate-call':
    case 'scopegate-has': {
      const policy = new mods.sg.Policy(w.text);
      const grants = w.grants.map((g) => policy.expand(g.scopes));
      const GR = G.map((g) => grants[g]);
      const call = tool === 'scopegate-call' ? (i) => policy.allows('GET', '/', GR[i]) : (i) => GR[i].has('read_3');
      return {
        decide: call,
        loop(reps) {
          let s = 0;
          for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) if (call(i)) s++;
          return s;
        },
      };
    }
    case 'route-step': {
      const route = compileRouter(mods.ptr, t.routes);
      return {
        decide: (i) => route(P[i]).length > 0,
        loop(reps) {
          let s = 0;
          for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) s += route(P[i]).length;
          return s;
        },
      };
    }
    case 'casl': {
      const route = compileRouter(mods.ptr, t.routes);
      const abilities = t.casl.map((rules) => mods.casl.createMongoAbility(rules, { detectSubjectType: (o) => o.type }));
      const AB = G.map((g) => abilities[g]);
      // allowed iff some matched route has a relevant allow rule and none a relevant deny rule
      const allows = (ability, method, path) => {
        const routes = route(path);
        let allow = false;
        for (let k = 0; k < routes.length; k++) {
          const rule = ability.relevantRuleFor(method, { type: routes[k], routes });
          if (rule) {
            if (rule.inverted) return false;
            allow = true;
          }
        }
        return allow;
      };
      return {
        decide: (i) => allows(AB[i], M[i], P[i]),
        loop(reps) {
          let s = 0;
          for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) if (allows(AB[i], M[i], P[i])) s++;
          return s;
        },
      };
    }
    case 'casl-bare': {
      const route = compileRouter(mods.ptr, t.routes);
      const abilities = t.casl.map((rules) => mods.casl.createMongoAbility(rules, { detectSubjectType: (o) => o.type }));
      const AB = G.map((g) => abilities[g]);
      const R = P.map((p) => route(p)[0] ?? '/none'); // the route a router would hand over, outside the loop
      return {
        decide: (i) => AB[i].can(M[i], R[i]),
        loop(reps) {
          let s = 0;
          for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) if (AB[i].can(M[i], R[i])) s++;
          return s;
        },
      };
    }
    case 'casbin': {
      const { casbin } = mods;
      const grouping = t.casbin.grouping.map(([a, b]) => `g, ${a}, ${b}`).join('\n');
      const e = await casbin.newEnforcer(casbin.newModelFromString(t.casbin.model), new casbin.StringAdapter(t.casbin.policy + grouping + '\n'));
      const SUB = G.map((g) => `t${g}`);
      return {
        decide: (i) => e.enforceSync(SUB[i], P[i], M[i]),
        loop(reps) {
          let s = 0;
          for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) if (e.enforceSync(SUB[i], P[i], M[i])) s++;
          return s;
        },
      };
    }
    case 'cedar':
    case 'cedar-stateless': {
      const { cedar } = mods;
      const route = compileRouter(mods.ptr, t.routes);
      const PR = G.map((g) => ({ type: 'Token', id: `t${g}` }));
      const EN = G.map((g) => t.cedar.entities[g]);
      const AC = M.map((m) => ({ type: 'Action', id: m }));
      const resource = { type: 'Api', id: 'api' };
      let call;
      if (tool === 'cedar') {
        const id = `rules-${w.rules}`;
        const ok = cedar.preparsePolicySet(id, { staticPolicies: t.cedar.policies });
        if (ok.type !== 'success') throw new Error(`cedar: ${JSON.stringify(ok.errors)}`);
        call = (i) => cedar.statefulIsAuthorized({ principal: PR[i], action: AC[i], resource, context: { routes: route(P[i]) }, preparsedPolicySetId: id, entities: EN[i] });
      } else {
        const policies = { staticPolicies: t.cedar.policies };
        call = (i) => cedar.isAuthorized({ principal: PR[i], action: AC[i], resource, context: { routes: route(P[i]) }, policies, entities: EN[i] });
      }
      const decide = (i) => {
        const a = call(i);
        if (a.type !== 'success') throw new Error(`cedar: ${JSON.stringify(a.errors)}`);
        if (a.response.diagnostics.errors.length) throw new Error(`cedar: ${JSON.stringify(a.response.diagnostics.errors)}`);
        return a.response.decision === 'allow';
      };
      return {
        decide,
        loop(reps) {
          let s = 0;
          for (let r = 0; r < reps; r++) for (let i = 0; i < n; i++) if (decide(i)) s++;
          return s;
        },
      };
    }
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}
