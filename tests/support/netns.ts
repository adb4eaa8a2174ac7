import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A test host: a network namespace joined to this one by a veth pair on a private /30. Needs root. */
export interface TestNetns {
  /** Namespace name, `vigil-t<hex>`. */
  readonly name: string;
  /** This side of the veth pair, e.g. 10.77.12.1. */
  readonly hostIp: string;
  /** The namespace's side, e.g. 10.77.12.2: the only non-loopback address inside it. */
  readonly nsIp: string;
  readonly hostInterface: string;
  readonly nsInterface: string;
  /** Argument prefix that runs a program inside the namespace (`ip netns exec <name>`); it execs, pid stays. */
  readonly exec: readonly string[];
  /**
   * Shapes traffic on both ends of the veth: rate in Mbit/s (tbf), loss in percent (nftables, on arrival) and
   * one-way delay in ms (netem, which needs sch_netem: these test machines' kernel lacks it). Calling it again
   * replaces the shaping; `{}` removes it.
   */
  shape(options: { rateMbit?: number; delayMs?: number; lossPct?: number }): Promise<void>;
  /** Deletes the namespace and the veth pair; safe to call twice. */
  destroy(): Promise<void>;
}

const live = new Set<string>();
let exitHookInstalled = false;

/** Last resort if a test run dies before its afterAll: never leave namespaces behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const name of live) {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
      } catch {
        // already gone, or ip itself failed: nothing more a dying process can do
      }
    }
  });
}

async function subnetInUse(third: number): Promise<boolean> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  return stdout.includes(` 10.77.${third}.`);
}

/** Creates a fresh namespace `vigil-t<hex>` with `lo` up and a veth pair on 10.77.<random>.0/30. */
export async function createNetns(): Promise<TestNetns> {
  installExitHook();
  const id = randomBytes(3).toString('hex');
  const name = `vigil-t${id}`;
  const hostInterface = `vt${id}h`;
  const nsInterface = `vt${id}n`;
  let third = randomInt(0, 256);
  for (let tries = 0; (await subnetInUse(third)) && tries < 20; tries++) third = randomInt(0, 256);
  const hostIp = `10.77.${third}.1`;
  const nsIp = `10.77.${third}.2`;

  let destroyed: Promise<void> | null = null;
  const destroy = () => {
    destroyed ??= (async () => {
      // Deleting the namespace deletes its end of the veth, which takes the host end with it.
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
      await run('ip', ['link', 'del', hostInterface]).catch(() => undefined);
      live.delete(name);
    })();
    return destroyed;
  };

  live.add(name);
  try {
    await run('ip', ['netns', 'add', name]);
    await run('ip', [
      'link',
      'add',
      hostInterface,
      'type',
      'veth',
      'peer',
      'name',
      nsInterface,
      'netns',
      name,
    ]);
    await run('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostInterface]);
    await run('ip', ['link', 'set', hostInterface, 'up']);
    await run('ip', ['-n', name, 'addr', 'add', `${nsIp}/30`, 'dev', nsInterface]);
    await run('ip', ['-n', name, 'link', 'set', nsInterface, 'up']);
    await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    await destroy();
    throw error;
  }

  const shape: TestNetns['shape'] = async ({ rateMbit, delayMs, lossPct }) => {
    // Rate: tbf. Loss: an nftables ingress rule dropping a random share (no netem needed). Delay needs netem,
    // which these test machines' kernel lacks (CONFIG_NET_SCH_NETEM is not set).
    const qdisc =
      delayMs !== undefined
        ? ['netem', 'delay', `${delayMs}ms`, ...(rateMbit === undefined ? [] : ['rate', `${rateMbit}mbit`])]
        : rateMbit === undefined
          ? []
          : ['tbf', 'rate', `${rateMbit}mbit`, 'burst', '64kb', 'latency', '50ms'];
    for (const [prefix, dev] of [
      [[], hostInterface],
      [['ip', 'netns', 'exec', name], nsInterface],
    ] as const) {
      const exec = (argv: readonly string[]) => {
        const [command = '', ...args] = [...prefix, ...argv];
        return run(command, args);
      };
      await exec(['tc', 'qdisc', 'del', 'dev', dev, 'root']).catch(() => undefined);
      if (qdisc.length > 0) {
        try {
          await exec(['tc', 'qdisc', 'replace', 'dev', dev, 'root', ...qdisc]);
        } catch (error) {
          throw new Error(
            `tc ${qdisc[0]!} failed on ${dev}${delayMs !== undefined ? ' (is sch_netem in this kernel?)' : ''}`,
            {
              cause: error,
            },
          );
        }
      }
      const table = `vigil_loss_${dev}`;
      await exec(['nft', 'delete', 'table', 'netdev', table]).catch(() => undefined);
      if (lossPct !== undefined && lossPct > 0) {
        const perMillion = Math.round(lossPct * 10_000);
        await exec([
          'nft',
          `add table netdev ${table}; ` +
            `add chain netdev ${table} in { type filter hook ingress device "${dev}" priority 0; }; ` +
            `add rule netdev ${table} in numgen random mod 1000000 < ${perMillion} drop`,
        ]);
      }
    }
  };

  return {
    name,
    hostIp,
    nsIp,
    hostInterface,
    nsInterface,
    exec: ['ip', 'netns', 'exec', name],
    shape,
    destroy,
  };
}
