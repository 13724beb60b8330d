// `npm run lab -- <command>`: a thin shell over the lab library (./index.ts).
import { parseArgs } from 'node:util';
import { editCorosyncConfText } from '@quorate/corosync';
import { isUnmeasured, type LinkChange } from '@quorate/model';
import { DEFAULT_PREFIX, Lab, LabError, MAX_SPARES, down, networkLinks, type FaultAction, type NodeStatus } from './index';
import { MAX_LINKS } from './lab';
import { linkEditOf } from './links';
import { nodeAddress } from './state';
import { COROSYNC_PORT } from './probe';
import { qdeviceTool } from './qdevice';
import { QNETD_ADDRESS, QNETD_PORT, pidIn, qnetdTool, readPid } from './qnetd';
import { describePartition } from './partition';
import { QuorumOptionError, describeQuorum, parseQuorumOptions, parseVotes, type LabQuorumOptions } from './quorum';

const USAGE = `usage: npm run lab -- <command> [options]

  up --nodes N [--spare S] [--links L] [--spare-links K] [--token MS] [--quorum OPT[,OPT...]] [--votes NODE=V[,...]] [--sshd] [--qnetd] [--prefix P]
        build a real Corosync 3 cluster of N (2-5) nodes pve1..pveN in network namespaces
        (L = 1 or 2 links, default 1; token default 3000 ms; prefix default ${DEFAULT_PREFIX})
        --spare   S (1-${MAX_SPARES}) standalone nodes pve<N+1>.. besides: own namespace, addresses and
                  /etc/hosts view, Corosync installed but not configured; with spares N may be 0
        --quorum  votequorum options (votequorum(5)): two_node (2 nodes only), wait_for_all,
                  auto_tie_breaker[,auto_tie_breaker_node=lowest|highest|ID+ID...],
                  last_man_standing[,last_man_standing_window=MS]; OPT=0 writes it as off
        --votes   quorum_votes per node, e.g. pve3=2 (default 1 each)
        --sshd    an OpenSSH server in every node (link-0 address, port 22, key auth), reachable from
                  this host through a host link per bridge (one --sshd lab at a time)
        --qnetd   a corosync-qnetd in its own namespace on link 0 (${QNETD_ADDRESS}), 'qnetd' in every
                  node's hosts file: the QNetd server for 'qdevice setup'
        --spare-links  K more networks (links L..L+K-1, at most ${MAX_LINKS} in all): a bridge and an
                  interface 198.18.<l>.<10+i> per node that no Corosync link uses yet ('links add')
  down [--prefix P]                     remove everything (idempotent, also after a crash)
  status [--prefix P]                   process, quorum, members and links of every node
  fault NODE kill|stop|freeze|thaw|start [--prefix P]
        SIGKILL crash | SIGTERM clean leave | SIGSTOP | SIGCONT | start corosync again
  fault NODE link-down|link-up [LINK]   the node's bridge port(s); all links when none named
  fault NODE loss PCT                   drop PCT % of the node's egress UDP (0 clears)
  partition GROUP GROUP [GROUP...]      cut the cluster into groups (e.g. pve1,pve2 pve3,pve4): traffic
                                        between groups dropped on every link (nftables); replaces an
                                        earlier partition
  heal                                  remove the partition (only that: kill/stop/freeze, link-down
                                        and loss faults stay until undone with their own fault command)
  create NAME NODE [NODE...] [--links L]
        a new cluster NAME of spares (corosync-keygen, corosync.conf, Corosync started); the lab's
        cluster when it has none, else the spares run a cluster of their own ("already clustered")
  join NODE [--link0 ADDR] [--link1 ADDR] [--nodeid ID] [--vote V]
        a spare joins the lab's cluster: nodelist + config_version on every member, authkey copied,
        corosync-cfgtool -R, Corosync started on it; waits until it is a quorate member
  remove NODE                           Corosync stopped on it, nodelist without it on the others,
                                        corosync-cfgtool -R; its config deleted: a spare again
  skew NODE MS                          record a FAKE clock offset (ms, may be negative) for a skew
                                        check to read; the node's clock is not changed
  block-port NODE on|off                drop incoming UDP to Corosync's port ${COROSYNC_PORT} in the node (nftables)
  probe NODE ADDRESS [--port P]         ping and a UDP datagram test from NODE to a lab address
  facts NODE                            what a join pre-flight reads: conf, authkey, corosync, addresses
  qdevice setup [--host qnetd] [--algorithm ffsplit|lms]
        pvecm qdevice setup against the lab's qnetd: certificates, quorum.device with config_version+1,
        corosync-cfgtool -R, corosync-qdevice on every node; waits until every node shows the QDevice
  qdevice remove                        the reverse: section removed, reload, daemons stopped, NSS dbs deleted
  qdevice status [--host qnetd]         the QDevice facts (per node: online, corosync-qdevice, TCP ${QNETD_PORT}),
                                        corosync-qdevice-tool -s on each node, corosync-qnetd-tool -l
  qnetd kill|stop|start                 the lab's qnetd as a fault (SIGKILL / SIGTERM) and back
  links add --link L [--priority P] [--address NODE=ADDR,...]
        a Corosync link on a spare network (default addresses 198.18.<L>.<10+i>): probed from every
        running member, corosync.conf edited (config_version+1), written, corosync-cfgtool -R
  links remove --link L                 the link out of every node's corosync.conf, reloaded
  links address --node NODE --link L --address ADDR
        a node's address on a link (Corosync refuses that on a reload: a rolling restart, one node at
        a time, waiting for quorum)
  links priority --link L --priority P | links mode --mode passive|active|rr
  links status                          the lab's links (networks, addresses, priorities, link_mode) and
                                        corosync-cfgtool -s on every running member
        (add/address refuse an address a member cannot reach unless --force)

  NODE is pve2 or 2; GROUP is nodes separated by commas. Needs root.`;

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
  const quorum =
    q === null
      ? '-'
      : q.timedOut
        ? 'timeout'
        : `${q.quorate ? 'quorate' : 'NOT quorate'}, ${q.members ?? '?'} members, votes ${q.totalVotes ?? '?'}/${q.expectedVotes ?? '?'}${q.activityBlocked ? ', activity blocked' : ''}`;
  const links = s.links.map((l) => `link${l.link}: ${l.connected.length}/${l.connected.length + l.disconnected.length} peers connected`).join(', ');
  return `${s.name.padEnd(5)} ${s.role.padEnd(6)} ${s.namespace.padEnd(12)} ${proc.padEnd(22)} ${quorum}${links ? ` | ${links}` : ''}${s.note ? ` (${s.note})` : ''}`;
}

function describeSshd(s: NodeStatus): string | null {
  if (!s.sshd) return null;
  return `  ${s.name.padEnd(5)} sshd ${s.sshd.pid === null ? 'NOT running' : `pid ${s.sshd.pid}`} on ${s.sshd.address}:${s.sshd.port}, host key ${s.sshd.hostKey}`;
}

function quorumArgs(quorum: string | undefined, votes: string | undefined): { quorum: LabQuorumOptions; votes: Record<number, number> } {
  try {
    return {
      quorum: quorum === undefined ? {} : parseQuorumOptions(quorum),
      votes: votes === undefined ? {} : parseVotes(votes),
    };
  } catch (err) {
    if (err instanceof QuorumOptionError) throw new LabError(err.message, 2);
    throw err;
  }
}

/** exactly one NODE argument */
function one(command: string, rest: string[]): [string] {
  const [node] = rest;
  if (node === undefined || rest.length > 1) throw new LabError(`${command} takes exactly one NODE\n\n${USAGE}`, 2);
  return [node];
}

function linksStatus(lab: Lab): string {
  const s = lab.state;
  const nets = networkLinks(s);
  const lines = [
    `lab '${s.prefix}': ${s.links} Corosync link${s.links > 1 ? 's' : ''} (0..${s.links - 1}), link_mode ${s.linkMode}, config_version ${s.configVersion}; networks (bridges) ${nets.join(', ')}${s.spareLinks.length > 0 ? `, spare: ${s.spareLinks.join(', ')}` : ''}`,
  ];
  for (let l = 0; l < s.links; l++) lines.push(`  link ${l} (UDP ${5405 + l})${s.linkPriorities[l] !== null && s.linkPriorities[l] !== undefined ? `, knet_link_priority ${s.linkPriorities[l]}` : ''}: ${s.nodes.map((n) => `${n.name} ${n.addresses[l]}`).join(', ')}`);
  return lines.join('\n');
}

/** the CLI's `links SUB --…` as the model's change (the BFF's body) */
function linkChange(lab: Lab, sub: string | undefined, v: { link?: string | undefined; priority?: string | undefined; node?: string | undefined; address?: string | undefined; mode?: string | undefined }): LinkChange {
  const link = () => int('--link', v.link);
  switch (sub) {
    case 'add': {
      const l = link();
      const given = new Map<string, string>();
      for (const part of (v.address ?? '').split(',').filter((x) => x.trim() !== '')) {
        const m = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(part);
        if (!m) throw new LabError(`--address takes NODE=ADDR[,NODE=ADDR…] with links add, got ${JSON.stringify(part)}`, 2);
        given.set(lab.node(m[1]!).name, m[2]!);
      }
      const addresses = lab.state.nodes.map((n) => ({ node: n.name, address: given.get(n.name) ?? nodeAddress(n.index ?? n.nodeid, l) }));
      return { kind: 'add-link', link: l, addresses, ...(v.priority === undefined ? {} : { priority: int('--priority', v.priority) }) };
    }
    case 'remove':
      return { kind: 'remove-link', link: link() };
    case 'address': {
      if (v.node === undefined || v.address === undefined) throw new LabError(`links address needs --node, --link and --address\n\n${USAGE}`, 2);
      return { kind: 'set-address', node: lab.node(v.node).name, link: link(), address: v.address };
    }
    case 'priority':
      return { kind: 'set-priority', link: link(), priority: int('--priority', v.priority) };
    case 'mode': {
      const mode = v.mode;
      if (mode !== 'passive' && mode !== 'active' && mode !== 'rr') throw new LabError(`--mode must be passive, active or rr, got ${JSON.stringify(mode ?? '')}`, 2);
      return { kind: 'set-link-mode', mode };
    }
    default:
      throw new LabError(`links needs add, remove, address, priority, mode or status\n\n${USAGE}`, 2);
  }
}

/** the BFF's path on the CLI: the facts (conf + probes), the edit by packages/corosync, then apply */
async function applyChange(lab: Lab, change: LinkChange, force: boolean): Promise<number> {
  const facts = await lab.linkFacts(change);
  for (const p of facts.probes) {
    print(`probe ${p.from} -> ${p.to} ${p.address} (link ${p.link}, UDP ${5405 + p.link}): ${p.reachable ? `reachable, ${p.latencyMs ?? '?'} ms` : 'UNREACHABLE'}, UDP ${p.udp === null ? 'not tested' : p.udp ? 'passes' : 'DROPPED'}`);
  }
  if (isUnmeasured(facts.conf)) throw new LabError(`cannot read the corosync.conf: ${facts.conf.unmeasured}`);
  const bad = facts.probes.filter((p) => !p.reachable || p.udp === false);
  if (bad.length > 0 && !force) throw new LabError(`refused: ${bad.map((p) => `${p.address} (${p.to}, link ${p.link}) from ${p.from}`).join(', ')} cannot be reached; nothing changed (--force applies it anyway: that link stays down there)`);
  const r = editCorosyncConfText(facts.conf.text, linkEditOf(change));
  if (!r.ok) throw new LabError(`refused: ${r.error}; nothing changed`, 2);
  print(`corosync.conf: config_version ${r.configVersion.from} -> ${r.configVersion.to}`);
  print(await lab.applyLinks(r.text));
  print(linksStatus(lab));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  // `skew pve2 -1500`: a negative number is a value, not an option (parseArgs would read -1 as a flag)
  const negatives = argv.filter((a) => /^-\d+$/.test(a));
  const args = negatives.length > 0 && !argv.includes('--') ? [...argv.filter((a) => !/^-\d+$/.test(a)), '--', ...negatives] : argv;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      nodes: { type: 'string' },
      links: { type: 'string' },
      token: { type: 'string' },
      quorum: { type: 'string' },
      votes: { type: 'string' },
      sshd: { type: 'boolean' },
      qnetd: { type: 'boolean' },
      host: { type: 'string' },
      algorithm: { type: 'string' },
      spare: { type: 'string' },
      link0: { type: 'string' },
      link1: { type: 'string' },
      nodeid: { type: 'string' },
      vote: { type: 'string' },
      port: { type: 'string' },
      'spare-links': { type: 'string' },
      link: { type: 'string' },
      priority: { type: 'string' },
      node: { type: 'string' },
      address: { type: 'string' },
      mode: { type: 'string' },
      force: { type: 'boolean' },
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
  const onlyFor = (what: string, cmds: string[]) => {
    if (!cmds.includes(command)) throw new LabError(`${what} only goes with ${cmds.join(', ')}\n\n${USAGE}`, 2);
  };
  if (values.quorum !== undefined) onlyFor('--quorum', ['up']);
  if (values.votes !== undefined) onlyFor('--votes', ['up']);
  if (values.sshd !== undefined) onlyFor('--sshd', ['up']);
  if (values.qnetd !== undefined) onlyFor('--qnetd', ['up']);
  if (values.host !== undefined) onlyFor('--host', ['qdevice']);
  if (values.algorithm !== undefined) onlyFor('--algorithm', ['qdevice']);
  if (values.spare !== undefined) onlyFor('--spare', ['up']);
  if (values.links !== undefined) onlyFor('--links', ['up', 'create']);
  for (const [opt, v] of [['--link0', values.link0], ['--link1', values.link1], ['--nodeid', values.nodeid], ['--vote', values.vote]] as const) {
    if (v !== undefined) onlyFor(opt, ['join']);
  }
  if (values.port !== undefined) onlyFor('--port', ['probe']);
  if (values['spare-links'] !== undefined) onlyFor('--spare-links', ['up']);
  for (const [opt, v] of [['--link', values.link], ['--priority', values.priority], ['--node', values.node], ['--address', values.address], ['--mode', values.mode], ['--force', values.force]] as const) {
    if (v !== undefined) onlyFor(opt, ['links']);
  }
  const pfx = prefix === DEFAULT_PREFIX ? '' : ` --prefix ${prefix}`;
  switch (command) {
    case 'up': {
      if (rest.length > 0) throw new LabError(`up takes no arguments, got ${JSON.stringify(rest.join(' '))}\n\n${USAGE}`, 2);
      const { quorum, votes } = quorumArgs(values.quorum, values.votes);
      const spare = int('--spare', values.spare, 0);
      const lab = await Lab.up({
        nodes: spare > 0 ? int('--nodes', values.nodes, 0) : int('--nodes', values.nodes),
        spare,
        links: int('--links', values.links, 1),
        token: int('--token', values.token, 3000),
        quorum,
        votes,
        sshd: values.sshd === true,
        qnetd: values.qnetd === true,
        spareLinks: int('--spare-links', values['spare-links'], 0),
        prefix,
        log: print,
      });
      const s = lab.state;
      print('');
      print(`lab '${s.prefix}' is up: cluster ${s.clusterName}, ${s.nodes.length} nodes, ${s.links} link(s), token ${s.token} ms`);
      print(`  quorum: ${s.nodes.length > 0 ? describeQuorum(s.quorum, s.nodes.map((n) => n.votes)) : 'no cluster yet (create one from spares)'}`);
      for (const n of s.nodes) print(`  ${n.name}  nodeid ${n.nodeid}  votes ${n.votes}  netns ${n.namespace}  ${n.addresses.join(', ')}  pid ${n.pid}  ${n.conf}`);
      for (const n of s.spares) print(`  ${n.name}  spare  netns ${n.namespace}  ${n.addresses.join(', ')}  (Corosync not configured)`);
      if (s.spareLinks.length > 0) print(`  spare link${s.spareLinks.length > 1 ? 's' : ''} ${s.spareLinks.join(', ')}: a bridge and an interface per node, no Corosync link yet (npm run lab -- links add --link ${s.spareLinks[0]}${pfx})`);
      print(`  bridges in netns ${s.bridgeNamespace}; state file /run/quorate-lab/${s.prefix}.json; logs ${s.dir}/n*/corosync.log`);
      if (s.qnetd) print(`  qnetd: corosync-qnetd pid ${s.qnetd.pid} in netns ${s.qnetd.namespace} on ${s.qnetd.address}:${s.qnetd.port} (name '${s.qnetd.name}'), log ${s.qnetd.log}`);
      if (s.sshd) {
        print(`  sshd: client key ${s.sshd.clientKey} (user ${s.sshd.user}), known_hosts ${s.sshd.knownHosts}`);
        for (const n of [...s.nodes, ...s.spares]) if (n.sshd) print(`    ${n.name}  ${n.sshd.address}:${n.sshd.port}  host key ${n.sshd.hostKey}`);
      }
      print('');
      print('reach it:');
      if (s.nodes[0]) print(`  ip netns exec ${s.nodes[0].namespace} corosync-quorumtool -s`);
      if (s.qnetd && s.nodes.length >= 2) print(`  npm run lab -- qdevice setup${pfx}`);
      if (s.nodes.length === 0 && s.spares.length >= 2) print(`  npm run lab -- create my-cluster ${s.spares[0]?.name} ${s.spares[1]?.name}${pfx}`);
      const n1 = s.nodes[0]?.sshd;
      if (s.sshd && n1) print(`  ssh -i ${s.sshd.clientKey} -o UserKnownHostsFile=${s.sshd.knownHosts} ${s.sshd.user}@${n1.address} corosync-quorumtool -s`);
      print(`  npm run lab -- status${pfx}`);
      print(`  QUORATE_SOURCE=lab${prefix === DEFAULT_PREFIX ? '' : ` QUORATE_LAB_PREFIX=${prefix}`} npm start`);
      print(`  npm run lab -- down${pfx}`);
      return 0;
    }
    case 'down':
      await down(prefix, print);
      return 0;
    case 'status': {
      const lab = await Lab.open(prefix);
      const st = lab.state;
      print(`lab '${prefix}': ${st.nodes.length} members of '${st.clusterName}' (config_version ${st.configVersion}), ${st.spares.length} spares, ${st.links} link(s), token ${st.token} ms`);
      print(`quorum: ${describeQuorum(st.quorum, st.nodes.map((n) => n.votes))}`);
      print(`partition: ${st.partition ? describePartition(st.partition) : 'none'}`);
      const nodes = await lab.status();
      for (const s of nodes) print(describeNode(s));
      if (st.qnetd) {
        const qpid = await pidIn(st.qnetd.namespace, st.qnetd.pid, await readPid(st.qnetd.pidFile));
        print(`qnetd: ${qpid === null ? 'NOT running' : `corosync-qnetd pid ${qpid}`} in ${st.qnetd.namespace} on ${st.qnetd.address}:${st.qnetd.port}`);
      }
      if (st.qdevice) {
        print(`qdevice: host ${st.qdevice.host}, ${st.qdevice.algorithm}, votes ${st.qdevice.votes ?? 'unset'}; ${nodes.filter((s) => s.qdevicePid !== undefined).map((s) => `${s.name} ${s.qdevicePid === null ? 'NOT running' : `pid ${s.qdevicePid}`}`).join(', ')}`);
      }
      if (st.sshd) {
        print(`sshd: client key ${st.sshd.clientKey} (user ${st.sshd.user}), known_hosts ${st.sshd.knownHosts}, host links ${st.sshd.hostLinks.map((h) => `${h.iface} ${h.address}`).join(', ')}`);
        for (const s of nodes) {
          const line = describeSshd(s);
          if (line) print(line);
        }
      }
      return 0;
    }
    case 'partition': {
      const lab = await Lab.open(prefix);
      print(await lab.partition(rest));
      return 0;
    }
    case 'heal': {
      if (rest.length > 0) throw new LabError(`heal takes no arguments (it removes the whole partition)\n\n${USAGE}`, 2);
      const lab = await Lab.open(prefix);
      print(await lab.heal());
      return 0;
    }
    case 'fault': {
      const [node, ...words] = rest;
      if (node === undefined) throw new LabError(`fault needs a NODE\n\n${USAGE}`, 2);
      const action = faultAction(words);
      const lab = await Lab.open(prefix, print);
      print(await lab.fault(node, action));
      return 0;
    }
    case 'create': {
      const [name, ...nodes] = rest;
      if (name === undefined || nodes.length === 0) throw new LabError(`create needs a NAME and at least one NODE\n\n${USAGE}`, 2);
      const lab = await Lab.open(prefix, print);
      const links = values.links === undefined ? {} : { links: int('--links', values.links) };
      print(await lab.createCluster(nodes, { clusterName: name, ...links }));
      return 0;
    }
    case 'join': {
      const [node] = one('join', rest);
      const addresses = [values.link0, values.link1].flatMap((address, link) => (address === undefined ? [] : [{ link, address }]));
      const lab = await Lab.open(prefix, print);
      print(
        await lab.joinNode(node, {
          ...(addresses.length > 0 ? { addresses } : {}),
          ...(values.nodeid === undefined ? {} : { nodeid: int('--nodeid', values.nodeid) }),
          ...(values.vote === undefined ? {} : { votes: int('--vote', values.vote) }),
        }),
      );
      return 0;
    }
    case 'remove': {
      const [node] = one('remove', rest);
      print(await (await Lab.open(prefix, print)).removeNode(node));
      return 0;
    }
    case 'skew': {
      const [node, value] = rest;
      if (node === undefined || value === undefined || rest.length > 2) throw new LabError(`skew needs a NODE and MS\n\n${USAGE}`, 2);
      if (!/^-?\d+$/.test(value)) throw new LabError(`MS must be a whole number of milliseconds, got ${JSON.stringify(value)}`, 2);
      print(await (await Lab.open(prefix)).setClockOffset(node, Number(value)));
      return 0;
    }
    case 'block-port': {
      const [node, onOff] = rest;
      if (node === undefined || (onOff !== 'on' && onOff !== 'off') || rest.length > 2) throw new LabError(`block-port needs a NODE and on|off\n\n${USAGE}`, 2);
      print(await (await Lab.open(prefix)).blockCorosyncPort(node, onOff === 'on'));
      return 0;
    }
    case 'probe': {
      const [node, address] = rest;
      if (node === undefined || address === undefined || rest.length > 2) throw new LabError(`probe needs a NODE and an ADDRESS\n\n${USAGE}`, 2);
      const r = await (await Lab.open(prefix)).probe(node, address, { port: int('--port', values.port, COROSYNC_PORT) });
      const udp = r.udp === null ? `unknown (${r.note})` : r.udp ? 'passes' : 'dropped';
      print(`${node} -> ${address}: ping ${r.reachable ? `reachable, ${r.latencyMs ?? '?'} ms avg` : 'unreachable'}, ${r.lossPct} % loss; UDP ${udp}`);
      return 0;
    }
    case 'facts': {
      const [node] = one('facts', rest);
      print(JSON.stringify(await (await Lab.open(prefix)).nodeFacts(node), null, 2));
      return 0;
    }
    case 'qdevice': {
      const [sub, ...more] = rest;
      if (more.length > 0) throw new LabError(`qdevice ${sub ?? ''} takes no further arguments\n\n${USAGE}`, 2);
      const lab = await Lab.open(prefix, print);
      if (sub === 'setup') {
        const algorithm = values.algorithm ?? 'ffsplit';
        if (algorithm !== 'ffsplit' && algorithm !== 'lms') throw new LabError(`--algorithm must be ffsplit or lms, got ${JSON.stringify(algorithm)}`, 2);
        print(await lab.setupQdevice({ algorithm, ...(values.host === undefined ? {} : { host: values.host }) }));
        return 0;
      }
      if (values.algorithm !== undefined) throw new LabError(`--algorithm only goes with qdevice setup\n\n${USAGE}`, 2);
      if (sub === 'remove') {
        if (values.host !== undefined) throw new LabError(`--host only goes with qdevice setup and status\n\n${USAGE}`, 2);
        print(await lab.removeQdevice());
        return 0;
      }
      if (sub === 'status') {
        const st = lab.state;
        print(`qdevice: ${st.qdevice ? `host ${st.qdevice.host}, ${st.qdevice.algorithm}, votes ${st.qdevice.votes ?? 'unset (nodes - 1)'}` : 'none configured'}`);
        print(JSON.stringify(await lab.qdeviceFacts(values.host), null, 2));
        if (st.qdevice) {
          for (const node of st.nodes) {
            const r = await qdeviceTool(node);
            print(`--- ${node.name}: corosync-qdevice-tool -s (exit ${r.code})\n${(r.stdout || r.stderr).trimEnd()}`);
          }
        }
        if (st.qnetd) {
          const r = await qnetdTool(st.qnetd, ['-l']);
          print(`--- qnetd: corosync-qnetd-tool -l (exit ${r.code})\n${(r.stdout || r.stderr).trimEnd()}`);
        }
        return 0;
      }
      throw new LabError(`qdevice needs setup, remove or status\n\n${USAGE}`, 2);
    }
    case 'qnetd': {
      const [action] = one('qnetd', rest);
      if (action !== 'kill' && action !== 'stop' && action !== 'start') throw new LabError(`qnetd needs kill, stop or start\n\n${USAGE}`, 2);
      print(await (await Lab.open(prefix, print)).qnetdFault(action));
      return 0;
    }
    case 'links': {
      const [sub, ...more] = rest;
      if (more.length > 0) throw new LabError(`links ${sub ?? ''} takes options, no further arguments\n\n${USAGE}`, 2);
      const lab = await Lab.open(prefix, print);
      if (sub === 'status') {
        print(linksStatus(lab));
        for (const s of await lab.status()) {
          if (s.role !== 'member') continue;
          const r = s.pid === null || s.process !== 'running' ? null : await lab.runner(s.name).run('corosync-cfgtool', ['-s'], { timeoutMs: 3_000 });
          print(`--- ${s.name}: ${r === null ? `corosync ${s.pid === null ? 'not running' : s.process}` : `corosync-cfgtool -s (exit ${r.code})\n${(r.stdout || r.stderr).trimEnd()}`}`);
        }
        return 0;
      }
      const change = linkChange(lab, sub, values);
      return applyChange(lab, change, values.force === true);
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
