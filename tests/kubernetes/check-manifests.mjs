// Checks Kubernetes manifests offline: every document against the Kubernetes schemas of the
// npm package kubernetes-models (types, required fields, quantities; it does not see unknown
// fields), and, with --rendered, what the design asks of the rendered N2GG deployment:
// per service a StatefulSet of one replica with its store on a claim, a Service, a
// PodDisruptionBudget, probes on /readyz and /healthz, memory requests and limits, the
// restricted security context, and NetworkPolicies that allow exactly the design's flows
// (each follower to its sources' API and event ports, the dashboard to all four, the CLI's
// pods to the APIs, Prometheus to the HTTP ports).
//   node check-manifests.mjs [--rendered] FILE...    (FILE "-": standard input)
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const UPSTREAMS = {
  registry: [],
  categoriser: ["registry"],
  scheduler: ["registry", "categoriser"],
  notifier: ["registry", "categoriser", "scheduler"],
  dashboard: ["registry", "categoriser", "scheduler", "notifier"],
};
const PORT = { registry: 71, categoriser: 72, scheduler: 73, notifier: 74, dashboard: 75 };

let passed = 0;
const failures = [];
function check(what, ok, detail = "") {
  if (ok) passed++;
  else failures.push(`${what}${detail ? ": " + detail : ""}`);
}

async function model(doc) {
  const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : [null, doc.apiVersion];
  const path = group ? `${group}/${version}` : version;
  const mod = await import(`kubernetes-models/${path}/${doc.kind}`);
  return mod[doc.kind];
}

async function validate(docs) {
  for (const doc of docs) {
    const name = `${doc.kind} ${doc.metadata?.name}`;
    try {
      const Model = await model(doc);
      new Model(doc).validate();
      check(name, true);
    } catch (e) {
      check(`${name} against the schema`, false, e.message.split("\n").slice(0, 6).join(" "));
    }
  }
}

const matches = (selector, labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

// the (from, to, port) flows between pods that the policies allow: "from" a service, or
// "prometheus", "client" or "any"; ports as numbers (named ports resolved on the target)
function flows(policies, pods) {
  const out = new Set();
  const peers = {
    ...Object.fromEntries(Object.entries(pods).map(([s, p]) => [s, p.labels])),
    prometheus: { "app.kubernetes.io/name": "prometheus" },
    client: { "n2gg.norfolk.gov.uk/client": "true" },
  };
  for (const np of policies) {
    for (const [target, pod] of Object.entries(pods)) {
      if (!matches(np.spec.podSelector, pod.labels)) continue;
      for (const rule of np.spec.ingress ?? []) {
        const sources = rule.from
          ? Object.keys(peers).filter((p) => rule.from.some((f) => f.podSelector && matches(f.podSelector, peers[p])))
          : ["any"];
        for (const src of sources)
          for (const port of rule.ports ?? [{ port: "all" }])
            out.add(`${src}>${target}:${pod.ports[port.port] ?? port.port}`);
      }
    }
  }
  return out;
}

function egress(policies, labels) {
  const out = new Set();
  for (const np of policies.filter((p) => matches(p.spec.podSelector, labels) && p.spec.policyTypes?.includes("Egress")))
    for (const rule of np.spec.egress ?? [])
      for (const port of rule.ports ?? [{ port: "all" }])
        if (port.port !== 53) out.add(String(port.port));
  return out;
}

function checkDeployment(docs) {
  const of = (kind) => docs.filter((d) => d.kind === kind);
  const policies = of("NetworkPolicy");
  const pods = {};
  for (const service of Object.keys(UPSTREAMS)) {
    const sts = of("StatefulSet").find((d) => d.metadata.name === service);
    check(`StatefulSet ${service}`, sts, "missing");
    if (!sts) continue;
    const spec = sts.spec.template.spec;
    const c = spec.containers[0];
    const labels = sts.spec.template.metadata.labels;
    pods[service] = { labels, ports: Object.fromEntries(c.ports.map((p) => [p.name, p.containerPort])) };
    check(`${service}: one replica (one LMDB writer)`, sts.spec.replicas === 1);
    check(`${service}: runs n2gg-${service}`, c.args?.[0] === `n2gg-${service}`);
    check(`${service}: its ports`, c.ports.some((p) => p.containerPort === PORT[service] * 100) &&
      c.ports.some((p) => p.containerPort === PORT[service] * 100 + 9));
    check(`${service}: non-root pod with RuntimeDefault seccomp`,
      spec.securityContext?.runAsNonRoot === true && spec.securityContext?.runAsUser > 0 &&
      spec.securityContext?.seccompProfile?.type === "RuntimeDefault");
    const sc = c.securityContext ?? {};
    check(`${service}: read-only root, no privilege escalation, no capabilities`,
      sc.readOnlyRootFilesystem === true && sc.allowPrivilegeEscalation === false &&
      JSON.stringify(sc.capabilities?.drop) === '["ALL"]');
    check(`${service}: readiness on /readyz`, c.readinessProbe?.httpGet?.path === "/readyz");
    check(`${service}: liveness on /healthz`, c.livenessProbe?.httpGet?.path === "/healthz");
    check(`${service}: memory requested and limited`,
      c.resources?.requests?.memory && c.resources?.limits?.memory);
    const claim = sts.spec.volumeClaimTemplates?.[0]?.metadata?.name;
    check(`${service}: its store on a PersistentVolumeClaim`,
      claim && c.volumeMounts.some((m) => m.name === claim && m.mountPath === "/var/lib/n2gg"));
    const secrets = new Set(spec.volumes.map((v) => v.secret?.secretName).filter(Boolean));
    check(`${service}: certificates from Secrets`, secrets.size === 2 &&
      of("Secret").filter((s) => secrets.has(s.metadata.name)).length === 2,
      [...secrets].join(", "));
    check(`Service ${service}`, of("Service").some((s) => s.metadata.name === service &&
      matches(s.spec.selector ? { matchLabels: s.spec.selector } : null, labels)));
    check(`PodDisruptionBudget ${service}`, of("PodDisruptionBudget").some((p) => matches(p.spec.selector, labels)));
  }

  // a default deny, then exactly the design's flows
  check("a default-deny NetworkPolicy", policies.some((p) =>
    Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress &&
    p.spec.policyTypes.includes("Ingress") && p.spec.policyTypes.includes("Egress")));
  const expected = new Set();
  for (const [service, ups] of Object.entries(UPSTREAMS)) {
    for (const up of ups) {
      expected.add(`${service}>${up}:${PORT[up] * 100}`);
      expected.add(`${service}>${up}:${PORT[up] * 100 + 1}`);
    }
    expected.add(`client>${service}:${PORT[service] * 100}`);
    expected.add(`prometheus>${service}:${PORT[service] * 100 + 9}`);
  }
  expected.add("any>dashboard:7580");
  const allowed = flows(policies, pods);
  const extra = [...allowed].filter((f) => !expected.has(f));
  const missing = [...expected].filter((f) => !allowed.has(f));
  check("NetworkPolicies allow only the design's flows", extra.length === 0, extra.join(" "));
  check("NetworkPolicies allow every flow of the design", missing.length === 0, missing.join(" "));
  for (const [service, ups] of Object.entries(UPSTREAMS)) {
    const want = ups.flatMap((u) => [String(PORT[u] * 100), String(PORT[u] * 100 + 1)]);
    const got = [...egress(policies, pods[service]?.labels ?? {})];
    // the notifier also reaches the mail server and the webhook
    const outside = service === "notifier" ? ["25", "465", "587", "443"] : [];
    check(`${service}: egress only to its sources`,
      JSON.stringify(got.sort()) === JSON.stringify([...want, ...outside].sort()), got.join(" "));
  }
}

const args = process.argv.slice(2);
const rendered = args[0] === "--rendered";
const files = rendered ? args.slice(1) : args;
const docs = [];
for (const file of files) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  for (const d of parseAllDocuments(text)) {
    if (d.errors.length) check(`${file}: YAML`, false, d.errors[0].message);
    const doc = d.toJS();
    // newer kustomize folds a Secret's base64 over lines, which the API server's decoder
    // skips (Go's base64 ignores newlines) and the schema's "byte" format does not
    for (const k of Object.keys(doc?.kind === "Secret" ? doc.data ?? {} : {}))
      doc.data[k] = doc.data[k].replace(/\s+/g, "");
    // a kustomization is kustomize's, not the API server's
    if (doc && doc.kind !== "Kustomization") docs.push(doc);
  }
}
check("some manifests", docs.length > 0);
await validate(docs);
if (rendered) checkDeployment(docs);
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
