/**
 * @module bench/lib/machine
 * What the numbers were measured on: cores, CPU model, memory, kernel, and the
 * Node, workerd and wrangler versions. Read at run time, never written by hand.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  workerd: string;
  wrangler: string;
}

function packageVersion(root: string, name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "unknown";
  } catch {
    return "not installed";
  }
}

/**
 * Describes this machine; `root` is the repository (for node_modules).
 * @example const m = machineInfo(process.cwd()); console.log(m.cores, m.cpuModel);
 */
export function machineInfo(root: string): MachineInfo {
  const cpus = os.cpus();
  // The workerd that wrangler (and so every section here) runs: wrangler's own when it pins one.
  const nested = path.join(root, "node_modules", "wrangler", "node_modules");
  const base = existsSync(path.join(nested, "workerd")) ? nested : path.join(root, "node_modules");
  let workerd = packageVersion(path.dirname(base), "workerd");
  try {
    // `workerd --version` prints the runtime's own date-based version.
    const out = execFileSync(path.join(base, "workerd", "bin", "workerd"), ["--version"], { encoding: "utf8" });
    workerd = `${out.trim()} (npm workerd ${workerd}, wrangler's)`;
  } catch {
    // Keep the package version alone.
  }
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    workerd,
    wrangler: packageVersion(root, "wrangler"),
  };
}
