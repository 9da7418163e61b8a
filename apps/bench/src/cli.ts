// densityjs benchmark: `pnpm bench [--backend cpu,wasm,webgpu] [--task a,b] [--quick]
// [--json file] [--peer torch] [--repeats n] [quality]`. See ../README.md.
import * as tf from '@tensorflow/tfjs-core';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { ALL_BACKENDS, ensureGradients, probeWebGPU, useBackend, webgpuAdapterInfo, type BackendName } from './backends.js';
import { runTask, type TaskResult } from './runner.js';
import { columns, diagnose, resultRows, speedTargets, type PeerResult } from './report.js';
import { formatMarkdown, formatTable } from './table.js';
import { SPEED_TASKS, type TaskDef } from './tasks/speed.js';
import { DEFAULT_TORCH_THREADS, runPeer, torchVersion } from './peer.js';
import { Progress } from './progress.js';
import { runCompare } from './compare.js';
import { setDirectKernelsEnabled } from '@densityjs/core';

export interface CliOptions {
  backends: BackendName[];
  /** `compare a.json b.json`: the two result files. */
  compare?: string[];
  tasks: string[] | undefined;
  quick: boolean;
  json: string | undefined;
  markdown: string | undefined;
  peer: 'torch' | undefined;
  /** torch.set_num_threads for the peer (default 1, the thread count of Node's cpu and wasm backends). */
  torchThreads: number;
  repeats: number | undefined;
  quality: boolean;
  timeToQuality: boolean;
  speed: boolean;
  /** Undefined: each mode's own default (speed 1234, quality 1, the seeds its table was measured with). */
  seed: number | undefined;
}

/** Seed of the speed tasks' inputs and initializations when --seed is not given. */
const SPEED_SEED = 1234;

const USAGE = `usage: pnpm bench [quality] [--backend cpu,wasm,webgpu] [--task id,...] [--quick]
                  [--json file] [--peer torch] [--torch-threads n] [--repeats n] [--seed n]
  quality          run the quality (fit) targets of the flows and MDN issues instead of speed
  compare a.json b.json  two --json result files side by side (medians, ratio, kernels)
  time-to-quality  training seconds until the test NLL reaches its target, next to --peer torch
                   (seeds 0, 1, 2 unless --seed; tasks: maf-moons, realnvp-moons, nsf-moons,
                   nsf-checkerboard, nsf-eight-gaussians)
  --backend        backends to measure (default: cpu,wasm,webgpu; webgpu needs an adapter)
  --task           task ids or prefixes (default: all); see the list below
  --quick          fewer repeats; heavy tasks on wasm only (< 2 minutes)
  --json file      write everything measured to file
  --markdown file  write the table and the targets as markdown (for the README)
  --peer torch     also time the PyTorch implementations in peer/ (/usr/bin/python3)
  --torch-threads n  PyTorch's thread count (default 1: tfjs cpu and wasm use one thread)
tasks: ${SPEED_TASKS.map((t) => t.id).join(', ')}`;

export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = {
    backends: [...ALL_BACKENDS],
    tasks: undefined,
    quick: false,
    json: undefined,
    markdown: undefined,
    peer: undefined,
    torchThreads: DEFAULT_TORCH_THREADS,
    repeats: undefined,
    quality: false,
    timeToQuality: false,
    speed: true,
    seed: undefined,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag}: expected a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = () => inline ?? value(i++, flag!);
    switch (flag) {
      case '--backend':
      case '--backends': {
        const list = take().split(',').map((s) => s.trim()).filter(Boolean);
        for (const b of list) {
          if (!ALL_BACKENDS.includes(b as BackendName)) {
            throw new Error(`--backend: expected some of ${ALL_BACKENDS.join(', ')}, received '${b}'`);
          }
        }
        o.backends = list as BackendName[];
        break;
      }
      case '--task':
      case '--tasks':
        o.tasks = take().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--json':
        o.json = take();
        break;
      case '--markdown':
        o.markdown = take();
        break;
      case '--peer': {
        const p = take();
        if (p !== 'torch') throw new Error(`--peer: expected 'torch', received '${p}'`);
        o.peer = 'torch';
        break;
      }
      case '--torch-threads': {
        const text = take();
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--torch-threads: expected a positive integer, received '${text}'`);
        o.torchThreads = n;
        break;
      }
      case '--repeats': {
        const n = Number(take());
        if (!Number.isInteger(n) || n < 1) throw new Error(`--repeats: expected a positive integer, received '${n}'`);
        o.repeats = n;
        break;
      }
      case '--seed': {
        const text = take();
        const n = Number(text);
        if (!Number.isInteger(n)) throw new Error(`--seed: expected an integer, received '${text}'`);
        o.seed = n;
        break;
      }
      case 'quality':
        o.quality = true;
        o.speed = false;
        break;
      case 'time-to-quality':
        o.timeToQuality = true;
        o.speed = false;
        break;
      case 'compare':
        o.compare = argv.slice(i + 1);
        o.speed = false;
        i = argv.length;
        break;
      case 'speed':
        o.speed = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument '${a}'\n${USAGE}`);
    }
  }
  return o;
}

export function selectTasks(all: readonly TaskDef[], filter: string[] | undefined): TaskDef[] {
  if (!filter) return [...all];
  const picked = all.filter((t) => filter.some((f) => t.id === f || t.id.startsWith(f)));
  if (picked.length === 0) {
    throw new Error(`--task: no task matches '${filter.join(',')}'; tasks: ${all.map((t) => t.id).join(', ')}`);
  }
  return picked;
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = { node: process.version };
  for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'webgpu']) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = 'missing';
    }
  }
  for (const pkg of ['core', 'distributions', 'bijectors', 'made', 'mdn', 'flows', 'datasets']) {
    try {
      const path = new URL(`../../../packages/${pkg}/package.json`, import.meta.url);
      out[`@densityjs/${pkg}`] = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      out[`@densityjs/${pkg}`] = 'missing';
    }
  }
  return out;
}

function gitCommit(): string | undefined {
  try {
    const head = readFileSync(new URL('../../../.git/HEAD', import.meta.url), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    return readFileSync(new URL(`../../../.git/${head.slice(5)}`, import.meta.url), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const o = parseArgs(argv);
  if (o.compare) return runCompare(o.compare);
  const started = Date.now();
  const progress = new Progress();
  const gradients = ensureGradients();
  // DENSITYJS_DIRECT_KERNELS=0: every fused op runs as composed tfjs ops (the reference path),
  // the baseline the direct kernels of cpu and wasm are compared with.
  const direct = process.env.DENSITYJS_DIRECT_KERNELS !== '0';
  setDirectKernelsEnabled(direct);
  if (!direct) console.log('direct kernels off (DENSITYJS_DIRECT_KERNELS=0): fused ops run as composed tfjs ops');

  const backends: BackendName[] = [];
  const backendNotes: Record<string, string> = {};
  for (const b of o.backends) {
    const reason = b === 'webgpu' ? await probeWebGPU() : undefined;
    if (reason) {
      backendNotes[b] = `skipped: ${reason}`;
      console.log(`webgpu skipped: ${reason}`);
    } else {
      backends.push(b);
      backendNotes[b] = b === 'webgpu' ? `ok: ${webgpuAdapterInfo}` : 'ok';
    }
  }

  const timing = o.quick
    ? { warmup: 3, repeats: o.repeats ?? 5, minRepeats: Math.min(3, o.repeats ?? 3), minRepeatMs: 30, maxStepsPerRepeat: 20, budgetMs: 2000 }
    : { warmup: 5, repeats: o.repeats ?? 9, minRepeats: Math.min(3, o.repeats ?? 3), minRepeatMs: 150, maxStepsPerRepeat: 100, budgetMs: 8000 };
  const results: TaskResult[] = [];
  let peer = new Map<string, PeerResult>();
  let torch: string | undefined;
  const tasks = o.speed ? selectTasks(SPEED_TASKS, o.tasks) : [];

  if (o.speed) {
    console.log(
      `densityjs bench${o.quick ? ' --quick' : ''}: ${tasks.length} tasks on ${backends.join(', ')}; ` +
        `up to ${timing.repeats} repeats per task (median, IQR of ms per step); gradients: ${gradients}`,
    );
    if (backends.includes('webgpu')) console.log(`webgpu adapter: ${webgpuAdapterInfo}`);
    console.log(`machine: ${cpus().length} cpus, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (timings inflate with load)`);
    const jobs: [TaskDef, BackendName][] = [];
    for (const b of backends) {
      for (const t of tasks) {
        if (t.backends && !t.backends.includes(b)) continue;
        jobs.push([t, b]);
      }
    }
    let done = 0;
    let current: BackendName | undefined;
    for (const [t, b] of jobs) {
      done += 1;
      if (t.slow && (o.quick || b !== 'wasm') && !o.tasks) {
        const reason = o.quick ? 'seconds per step: run without --quick' : 'seconds per step: wasm only unless named with --task';
        results.push({ task: t.id, title: t.title, backend: b, status: 'skipped', reason });
        continue;
      }
      if (b !== 'wasm' && o.quick && !t.light) {
        results.push({ task: t.id, title: t.title, backend: b, status: 'skipped', reason: `heavy on ${b} (--quick measures it on wasm only)` });
        continue;
      }
      if (current !== b) {
        const reason = await useBackend(b);
        if (reason) {
          results.push({ task: t.id, title: t.title, backend: b, status: 'error', reason });
          continue;
        }
        current = b;
      }
      const label = `[${done}/${jobs.length}] ${t.id} on ${b}`;
      progress.update(label);
      const r = await runTask(t, b, {
        timing,
        seed: o.seed ?? SPEED_SEED,
        quick: o.quick,
        onProgress: (what) => progress.update(`${label}: ${what}`),
      });
      results.push(r);
      if (r.status === 'ok' && r.timing) {
        progress.update(`${label}: ${r.timing.summary.median.toPrecision(3)} ms`);
      }
    }
    progress.done();

    if (o.peer === 'torch') {
      torch = torchVersion();
      if (!torch) {
        console.log('peer torch skipped: /usr/bin/python3 cannot import torch');
      } else {
        // Only the tasks that ran here (quick mode skips some).
        const ran = new Set(results.filter((r) => r.status !== 'skipped').map((r) => r.task));
        const ids = [...new Set(tasks.filter((t) => ran.has(t.id)).map((t) => t.peer).filter((p): p is string => Boolean(p)))];
        progress.update(`torch ${torch}: ${ids.length} tasks`);
        peer = await runPeer(ids, timing, o.seed ?? SPEED_SEED, (line) => progress.update(`torch: ${line}`), o.torchThreads);
        progress.done();
      }
    }

    const peerOf = (id: string) => tasks.find((t) => t.id === id)?.peer;
    console.log('');
    const shown = results.filter((r) => r.status !== 'skipped');
    const COLUMNS = columns(o.torchThreads);
    console.log(formatTable(COLUMNS, resultRows(shown, peer, peerOf)));
    const skipped = results.filter((r) => r.status === 'skipped');
    if (skipped.length) {
      const byReason = new Map<string, string[]>();
      for (const r of skipped) byReason.set(r.reason ?? '', [...(byReason.get(r.reason ?? '') ?? []), `${r.task}@${r.backend}`]);
      for (const [reason, list] of byReason) console.log(`skipped (${reason}): ${list.join(', ')}`);
    }
    if (peer.size) {
      const torchRows = [...peer.values()].map((p) =>
        p.summary
          ? `  ${p.task}: ${p.summary.median.toPrecision(3)} ms (IQR ${p.summary.iqr.toPrecision(2)})`
          : `  ${p.task}: ${p.error ?? 'no result'}`,
      );
      console.log(`\ntorch ${torch} (torch.set_num_threads(${o.torchThreads})) per task:\n${torchRows.join('\n')}`);
    }
    const targets = speedTargets(results, peer, peerOf);
    if (o.markdown) {
      const path = resolve(process.env.INIT_CWD ?? process.cwd(), o.markdown);
      mkdirSync(dirname(path), { recursive: true });
      const md = [
        `Measured ${new Date().toISOString()} with \`pnpm bench ${argv.join(' ')}\` (torch threads ${o.torchThreads}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; torch ${torch ?? 'not run'}).`,
        '',
        formatMarkdown(COLUMNS, resultRows(shown, peer, peerOf)),
        '',
        ...targets.map((t) => `- ${t.met === undefined ? '' : t.met ? '**met**: ' : '**not met**: '}${t.target}: ${t.measured}${t.note ? ` — ${t.note}` : ''}`),
        '',
      ].join('\n');
      writeFileSync(path, md);
    }
    console.log(`\nspeed targets (wasm backend; torch at ${o.torchThreads} thread${o.torchThreads === 1 ? '' : 's'}):`);
    for (const t of targets) {
      const mark = t.met === undefined ? '    ' : t.met ? 'MET ' : 'MISS';
      console.log(`  ${mark} ${t.target}: ${t.measured}${t.note ? `\n         cause: ${t.note}` : ''}`);
    }
    const diag = results.filter((r) => r.status === 'ok' && r.backend === 'wasm' && /step|fwd|epoch/.test(r.task));
    if (diag.length) {
      console.log('\nwhere the time goes (wasm, one profiled step):');
      for (const r of diag) console.log(`  ${r.task}: ${diagnose(r)}`);
    }
  }

  let quality: unknown;
  if (o.quality) {
    const { runQuality } = await import('./quality.js');
    quality = await runQuality({
      backend: o.backends.includes('wasm') ? 'wasm' : o.backends[0]!,
      quick: o.quick,
      filter: o.tasks,
      progress,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
    });
  }

  let timeToQuality: unknown;
  if (o.timeToQuality) {
    const { DEFAULT_SEEDS, runTimeToQuality } = await import('./tasks/time-to-quality.js');
    timeToQuality = await runTimeToQuality({
      backend: o.backends.includes('wasm') ? 'wasm' : o.backends[0]!,
      filter: o.tasks,
      seeds: o.seed !== undefined ? [o.seed] : DEFAULT_SEEDS,
      torchThreads: o.torchThreads,
      peer: o.peer === 'torch',
      progress,
      ...(o.quick ? { maxEpochs: 2 } : {}),
    });
  }

  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (o.json) {
    const path = resolve(process.env.INIT_CWD ?? process.cwd(), o.json);
    mkdirSync(dirname(path), { recursive: true });
    const report = {
      timestamp: new Date().toISOString(),
      command: `pnpm bench ${argv.join(' ')}`.trim(),
      commit: gitCommit(),
      versions: versions(),
      torch: torch ?? null,
      machine: {
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryBytes: totalmem(),
        loadAverageAtEnd: loadavg(),
      },
      backends: backendNotes,
      gradients,
      directKernels: direct,
      timing,
      results,
      peer: Object.fromEntries(peer),
      torchThreads: o.peer ? o.torchThreads : null,
      targets: o.speed ? speedTargets(results, peer, (id) => tasks.find((t) => t.id === id)?.peer) : undefined,
      quality,
      timeToQuality,
    };
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${path}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\/src\//, '/src/'))) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
