/**
 * @module scripts/lib/ports
 * `npm start`'s port check, before anything is started. After a SIGKILL of
 * `npm start`, `wrangler dev` and workerd survive in their own process group
 * and keep the ports; a new `npm start` would then find "a Worker" answering
 * its readiness probe (the leftover one) and report success while its own
 * wrangler fails with `Address already in use`. So each port is tried first,
 * and a taken one is reported with the process that holds it, when `ss`,
 * `lsof` or `/proc` can tell, and the variable that moves it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";

/** One port `npm start` needs. */
export interface NeededPort {
  /** What listens there, e.g. "the Alexa emulator". */
  what: string;
  /** The variable that changes it, e.g. "EMULATOR_PORT". */
  variable: string;
  port: number;
}

/** Who holds a port, as far as the system tells. */
export interface PortHolder {
  pid: number;
  command: string;
}

/**
 * Whether `port` can be listened on at `host` now.
 * @example if (!(await portFree(8787))) ...
 */
export function portFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

function tryRun(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 });
  } catch {
    return null;
  }
}

function commandOf(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    if (argv.length > 0) return argv.join(" ").slice(0, 200);
  } catch {
    // not Linux, or gone
  }
  return tryRun("ps", ["-o", "command=", "-p", String(pid)])?.trim().slice(0, 200) || "?";
}

/** Through `/proc/net/tcp{,6}` (the listening socket's inode) and `/proc/<pid>/fd`. */
function fromProc(port: number): PortHolder | null {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is column 10.
      if (f[1]?.endsWith(`:${hex}`) && f[3] === "0A" && f[9]) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return { pid: Number(pid), command: commandOf(Number(pid)) };
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}

/**
 * The process listening on `port`, or `null` when nothing can tell
 * (`ss -ltnpH`, then `lsof`, then `/proc`).
 * @example await portHolder(8787) // { pid: 4242, command: "/…/workerd serve …" }
 */
export function portHolder(port: number): PortHolder | null {
  const ss = tryRun("ss", ["-ltnpH", `sport = :${port}`]);
  const m = ss ? /pid=(\d+)/.exec(ss) : null;
  if (m) return { pid: Number(m[1]), command: commandOf(Number(m[1])) };
  const lsof = tryRun("lsof", ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-t"]);
  const pid = lsof ? Number(lsof.trim().split("\n")[0]) : NaN;
  if (Number.isInteger(pid) && pid > 0) return { pid, command: commandOf(pid) };
  return fromProc(port);
}

/**
 * Throws, naming each taken port, what needed it, the variable that moves
 * it and (when known) the process holding it. Port 0 (any free port) is
 * skipped.
 * @example await checkPorts([{ what: "the Alexa emulator", variable: "EMULATOR_PORT", port: 8790 }]);
 */
export async function checkPorts(needed: readonly NeededPort[]): Promise<void> {
  const problems: string[] = [];
  for (const n of needed) {
    if (n.port === 0 || (await portFree(n.port))) continue;
    const holder = portHolder(n.port);
    const who = holder ? `pid ${holder.pid} (${holder.command})` : "another process (ss, lsof and /proc could not tell which)";
    const hint = holder ? `stop it (kill ${holder.pid}${/workerd|wrangler/.test(holder.command) ? ": a Worker left over from an earlier npm start" : ""})` : "stop it";
    problems.push(`  port ${n.port}, for ${n.what} (${n.variable}), is in use by ${who}: ${hint}, or choose another port: ${n.variable}=${n.port + 100} npm start`);
  }
  if (problems.length > 0) throw new Error(`npm start: cannot start, ports in use:\n${problems.join("\n")}`);
}
