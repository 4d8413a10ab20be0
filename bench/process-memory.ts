import { readdir, readFile, readlink } from 'node:fs/promises';

/** How to recognise the root processes of one component from /proc: its command line or its working folder. */
export interface ProcessRoots {
  readonly name: string;
  readonly matches: (process: ProcessInfo) => boolean;
}

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: string;
  readonly cwd: string;
}

/** The largest memory a component was seen to hold, in MiB. */
export interface ComponentPeak {
  /** Largest sum over the component's process tree at one sample (shared memory counted once). */
  readonly treeMb: number;
  /** Largest peak resident set (VmHWM, kept by the kernel) of one process of the tree. */
  readonly processMb: number;
  /** How many processes its tree had at most. */
  readonly processes: number;
}

/**
 * Samples the resident memory of process trees from /proc every `intervalMs`. A tree's figure at
 * one sample is the sum of each process's private and file-backed pages (RssAnon + RssFile) plus
 * the largest shared-memory share (RssShmem) once: PostgreSQL's backends all map the same shared
 * buffers, and summing their VmRSS would count those pages once per backend. VmHWM is the
 * kernel's own high-water mark per process, so a short spike between two samples is still seen.
 */
export class ProcessMemory {
  private readonly peaks = new Map<string, { treeKb: number; hwmKb: number; processes: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly components: () => readonly ProcessRoots[],
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample()).catch(() => undefined);
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
  }

  peak(name: string): ComponentPeak | undefined {
    const peak = this.peaks.get(name);
    if (peak === undefined) return undefined;
    return { treeMb: mb(peak.treeKb), processMb: mb(peak.hwmKb), processes: peak.processes };
  }

  async sample(): Promise<void> {
    const processes = await listProcesses();
    const children = new Map<number, number[]>();
    for (const p of processes.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
    const components = this.components();
    const rootsOf = new Map(
      components.map((component) => [component, [...processes.values()].filter(component.matches).map((p) => p.pid)]),
    );
    for (const component of components) {
      // A server a command starts (\`ledger seed\` restarts cognito-local) is its child until the
      // command exits: it is counted as the component it is, never in the command's tree.
      const elsewhere = new Set([...rootsOf].filter(([other]) => other !== component).flatMap(([, pids]) => pids));
      const tree = new Set<number>();
      const visit = (pid: number) => {
        if (tree.has(pid) || elsewhere.has(pid)) return;
        tree.add(pid);
        for (const child of children.get(pid) ?? []) visit(child);
      };
      for (const pid of rootsOf.get(component)!) visit(pid);
      if (tree.size === 0) continue;
      let privateKb = 0;
      let sharedKb = 0;
      let hwmKb = 0;
      for (const pid of tree) {
        const status = await readStatus(pid);
        if (status === undefined) continue;
        privateKb += status.RssAnon + status.RssFile;
        sharedKb = Math.max(sharedKb, status.RssShmem);
        hwmKb = Math.max(hwmKb, status.VmHWM);
      }
      const before = this.peaks.get(component.name) ?? { treeKb: 0, hwmKb: 0, processes: 0 };
      this.peaks.set(component.name, {
        treeKb: Math.max(before.treeKb, privateKb + sharedKb),
        hwmKb: Math.max(before.hwmKb, hwmKb),
        processes: Math.max(before.processes, tree.size),
      });
    }
  }
}

async function listProcesses(): Promise<Map<number, ProcessInfo>> {
  const processes = new Map<number, ProcessInfo>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: the fields after it start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
      processes.set(pid, { pid, ppid, cmdline, cwd });
    } catch {
      // The process ended while it was read.
    }
  }
  return processes;
}

async function readStatus(
  pid: number,
): Promise<Record<'VmHWM' | 'RssAnon' | 'RssFile' | 'RssShmem', number> | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { VmHWM: field('VmHWM'), RssAnon: field('RssAnon'), RssFile: field('RssFile'), RssShmem: field('RssShmem') };
  } catch {
    return undefined;
  }
}

function mb(kb: number): number {
  return Math.round(kb / 1024);
}
