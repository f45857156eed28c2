// Runs the graphql-http server audits (GraphQL over HTTP conformance) against a running server:
//   node scripts/graphql-http-audit/audit.mjs http://127.0.0.1:8000/graphql
// Prints every result; exits 1 on anything short of ok (a failed MUST, SHOULD or even MAY), 2 on
// misuse.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

let problems = 0;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const mark = { ok: 'ok    ', notice: 'NOTICE', warn: 'WARN  ', error: 'FAIL  ' }[result.status];
  console.log(`${mark} ${result.id} ${result.name}`);
  if (result.status !== 'ok') {
    problems += 1;
    const body = await result.response.text().catch(() => '');
    console.log(`     ${result.reason}`);
    console.log(`     HTTP ${result.response.status} ${result.response.headers.get('content-type')}`);
    console.log(`     ${body.slice(0, 300)}`);
  }
}
console.log(problems ? `${problems} problem(s)` : 'all audits passed');
process.exit(problems ? 1 : 0);
