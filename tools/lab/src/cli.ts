// `npm run lab -- <command>`: a thin shell over the lab library (./index.ts).
import { parseArgs } from 'node:util';
import { DEFAULT_PREFIX, Lab, LabError, down, type FaultAction, type NodeStatus } from './index';

const USAGE = `usage: npm run lab -- <command> [options]

  up --nodes N [--links L] [--token MS] [--prefix P]
        build a real Corosync 3 cluster of N (2-5) nodes pve1..pveN in network namespaces
        (L = 1 or 2 links, default 1; token default 3000 ms; prefix default ${DEFAULT_PREFIX})
  down [--prefix P]                     remove everything (idempotent, also after a crash)
  status [--prefix P]                   process, quorum, members and links of every node
  fault NODE kill|stop|freeze|thaw|start [--prefix P]
        SIGKILL crash | SIGTERM clean leave | SIGSTOP | SIGCONT | start corosync again
  fault NODE link-down|link-up [LINK]   the node's bridge port(s); all links when none named
  fault NODE loss PCT                   drop PCT % of the node's egress UDP (0 clears)

  NODE is pve2 or 2. Needs root.`;

const print = (s: string) => process.stdout.write(`${s}\n`);

function int(name: string, v: string | undefined, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) throw new LabError(`${name} is required\n\n${USAGE}`, 2);
    return fallback;
  }
  if (!/^\d+$/.test(v)) throw new LabError(`${name} must be a number, got ${JSON.stringify(v)}`, 2);
  return Number(v);
}

function faultAction(words: string[]): FaultAction {
  const [kind, arg] = words;
  switch (kind) {
    case 'kill':
    case 'stop':
    case 'freeze':
    case 'thaw':
    case 'start':
      return { kind };
    case 'link-down':
    case 'link-up':
      return arg === undefined ? { kind } : { kind, link: int('LINK', arg) };
    case 'loss':
      return { kind, percent: int('PCT', arg) };
    default:
      throw new LabError(`unknown fault ${JSON.stringify(kind ?? '')}\n\n${USAGE}`, 2);
  }
}

function describeNode(s: NodeStatus): string {
  const proc = s.pid === null ? 'not running' : `${s.process} (pid ${s.pid})`;
  const q = s.quorum;
  const quorum = q === null ? '-' : q.timedOut ? 'timeout' : `${q.quorate ? 'quorate' : 'NOT quorate'}, ${q.members ?? '?'} members${q.activityBlocked ? ', activity blocked' : ''}`;
  const links = s.links.map((l) => `link${l.link}: ${l.connected.length}/${l.connected.length + l.disconnected.length} peers connected`).join(', ');
  return `${s.name.padEnd(5)} ${s.namespace.padEnd(12)} ${proc.padEnd(22)} ${quorum}${links ? ` | ${links}` : ''}${s.note ? ` (${s.note})` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nodes: { type: 'string' },
      links: { type: 'string' },
      token: { type: 'string' },
      prefix: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  const prefix = values.prefix ?? DEFAULT_PREFIX;
  if (values.help || command === undefined) {
    print(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'up': {
      const lab = await Lab.up({
        nodes: int('--nodes', values.nodes),
        links: int('--links', values.links, 1),
        token: int('--token', values.token, 3000),
        prefix,
        log: print,
      });
      const s = lab.state;
      print('');
      print(`lab '${s.prefix}' is up: cluster ${s.clusterName}, ${s.nodes.length} nodes, ${s.links} link(s), token ${s.token} ms`);
      for (const n of s.nodes) print(`  ${n.name}  nodeid ${n.nodeid}  netns ${n.namespace}  ${n.addresses.join(', ')}  pid ${n.pid}  ${n.conf}`);
      print(`  bridges in netns ${s.bridgeNamespace}; state file /run/quorate-lab/${s.prefix}.json; logs ${s.dir}/n*/corosync.log`);
      print('');
      print('reach it:');
      print(`  ip netns exec ${s.nodes[0]?.namespace} corosync-quorumtool -s`);
      print(`  npm run lab -- status${prefix === DEFAULT_PREFIX ? '' : ` --prefix ${prefix}`}`);
      print(`  QUORATE_SOURCE=lab npm start`);
      print(`  npm run lab -- down${prefix === DEFAULT_PREFIX ? '' : ` --prefix ${prefix}`}`);
      return 0;
    }
    case 'down':
      await down(prefix, print);
      return 0;
    case 'status': {
      const lab = await Lab.open(prefix);
      print(`lab '${prefix}': ${lab.state.nodes.length} nodes, ${lab.state.links} link(s), token ${lab.state.token} ms`);
      for (const s of await lab.status()) print(describeNode(s));
      return 0;
    }
    case 'fault': {
      const [node, ...words] = rest;
      if (node === undefined) throw new LabError(`fault needs a NODE\n\n${USAGE}`, 2);
      const lab = await Lab.open(prefix);
      print(await lab.fault(node, faultAction(words)));
      return 0;
    }
    default:
      throw new LabError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`, 2);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof LabError) {
      process.stderr.write(`lab: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`lab: ${err.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`lab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
