// The browser benchmark page: runs the CLI's speed tasks on every backend the browser offers,
// one worker per backend in turn, and shows progress, the results table, a chart per task, the
// adapter and wasm features, with downloads of the report as JSON and markdown.
// State for tests and the console: `window.__bench`.
import { SPEED_TASKS } from '../tasks/speed.js';
import { taskChart } from './chart.js';
import { planPairs, SPEED_SEED, TIMING } from './plan.js';
import { BROWSER_BACKENDS, type BackendInfo, type BrowserBackend, type BrowserResult, type RunRequest, type WorkerReply } from './protocol.js';
import { backendLine, COLUMNS, tableRows, toMarkdown, type BrowserReport } from './report.js';

interface BenchHook {
  state: 'idle' | 'running' | 'done' | 'error';
  done: number;
  total: number;
  report?: BrowserReport;
  errors: string[];
}

const hook: BenchHook = { state: 'idle', done: 0, total: 0, errors: [] };
(window as unknown as { __bench: BenchHook }).__bench = hook;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);

// Backend choices, preset from ?backends=a,b (default: all).
const wanted = params.get('backends')?.split(',').map((s) => s.trim());
for (const b of BROWSER_BACKENDS) {
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.value = b;
  box.checked = !wanted || wanted.includes(b);
  box.dataset.testid = `backend-${b}`;
  label.append(box, ` ${b}`);
  $('backend-choices').append(label);
}
if (params.has('quick')) $<HTMLInputElement>('quick').checked = params.get('quick') !== '0';
if (params.has('tasks')) $<HTMLInputElement>('tasks').value = params.get('tasks') ?? '';
if (params.has('threads')) $<HTMLInputElement>('threads').value = params.get('threads') ?? '';
if (params.has('seed')) $<HTMLInputElement>('seed').value = params.get('seed') ?? String(SPEED_SEED);

function showError(message: string): void {
  hook.errors.push(message);
  const box = $('error');
  box.hidden = false;
  box.textContent = hook.errors.join('\n');
}

function renderTable(results: readonly BrowserResult[]): void {
  const table = $<HTMLTableElement>('results');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const c of COLUMNS) {
    const th = document.createElement('th');
    th.textContent = c.header;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of tableRows(results)) {
    const tr = body.insertRow();
    row.forEach((cell, i) => {
      const td = tr.insertCell();
      td.textContent = cell;
      if (row.length === 3 && i === 2) {
        td.colSpan = COLUMNS.length - 2;
        td.className = 'failed';
      }
    });
  }
}

function renderCharts(results: readonly BrowserResult[]): void {
  const box = $('charts');
  box.replaceChildren();
  for (const t of SPEED_TASKS) {
    const chart = taskChart(t.id, t.title, results.filter((r) => r.task === t.id));
    if (chart) box.append(chart);
  }
}

function renderBackends(infos: readonly BackendInfo[]): void {
  $('backend-info').replaceChildren(
    ...infos.map((b) => {
      const li = document.createElement('li');
      li.textContent = backendLine(b);
      li.dataset.testid = `info-${b.backend}`;
      return li;
    }),
  );
}

/** Runs `tasks` on `backend` in a fresh worker; resolves with the backend info when it ends. */
function runBackend(request: RunRequest, onResult: (r: BrowserResult) => void, onProgress: (task: string, what: string) => void): Promise<BackendInfo> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    let info: BackendInfo = { backend: request.backend, status: 'unavailable', reason: 'the worker never started' };
    const finish = () => {
      worker.terminate();
      resolve(info);
    };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const m = event.data;
      if (m.type === 'ready') info = m.info;
      else if (m.type === 'progress') onProgress(m.task, m.what);
      else if (m.type === 'result') onResult(m.result);
      else if (m.type === 'error') showError(`${request.backend}: ${m.message}`);
      else if (m.type === 'done') finish();
    };
    worker.onerror = (event) => {
      showError(`${request.backend}: the worker failed: ${event.message}`);
      info = { ...info, status: info.status === 'ok' ? 'ok' : 'unavailable', reason: info.reason ?? event.message };
      finish();
    };
    worker.postMessage(request);
  });
}

let lastReport: BrowserReport | undefined;

async function run(): Promise<void> {
  const backends = Array.from(document.querySelectorAll<HTMLInputElement>('#backend-choices input:checked')).map((b) => b.value as BrowserBackend);
  const quick = $<HTMLInputElement>('quick').checked;
  const named = $<HTMLInputElement>('tasks').value.split(',').map((s) => s.trim()).filter(Boolean);
  const seedText = $<HTMLInputElement>('seed').value;
  const seed = seedText === '' ? SPEED_SEED : Number(seedText);
  if (!Number.isInteger(seed)) throw new Error(`Seed: expected an integer, received '${seedText}'`);
  const threadsText = $<HTMLInputElement>('threads').value;
  const threads = threadsText === '' ? undefined : Number(threadsText);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new Error(`wasm threads: expected an integer >= 1, received '${threadsText}'`);
  }
  if (backends.length === 0) throw new Error('Backends: expected at least one, received none');
  const pairs = planPairs(SPEED_TASKS, backends, { quick, ...(named.length ? { named } : {}) });
  if (named.length && !pairs.some((p) => !p.skip)) {
    throw new Error(`Tasks: no task matches '${named.join(',')}'; tasks: ${SPEED_TASKS.map((t) => t.id).join(', ')}`);
  }
  hook.state = 'running';
  hook.errors = [];
  $('error').hidden = true;
  $<HTMLButtonElement>('run').disabled = true;
  $<HTMLButtonElement>('download-json').disabled = true;
  $<HTMLButtonElement>('download-md').disabled = true;
  const toRun = pairs.filter((p) => !p.skip);
  hook.done = 0;
  hook.total = toRun.length;
  const progress = $<HTMLProgressElement>('progress');
  progress.max = Math.max(1, toRun.length);
  progress.value = 0;
  const results: BrowserResult[] = [];
  const infos: BackendInfo[] = [];
  for (const backend of backends) {
    const tasks = toRun.filter((p) => p.backend === backend).map((p) => p.task.id);
    const ran = new Set<string>();
    const info = await runBackend(
      { type: 'run', backend, tasks, quick, seed, ...(threads !== undefined ? { threads } : {}) },
      (r) => {
        ran.add(r.task);
        results.push(r);
        hook.done += 1;
        progress.value = hook.done;
        renderTable(results);
        renderCharts(results);
      },
      (task, what) => {
        $('status').textContent = `[${hook.done + 1}/${hook.total}] ${task} on ${backend}: ${what}`;
      },
    );
    infos.push(info);
    renderBackends(infos);
    // Pairs the worker did not report (the backend did not start): one row each, saying why.
    for (const task of tasks) {
      if (ran.has(task)) continue;
      const def = SPEED_TASKS.find((t) => t.id === task)!;
      results.push({ task, title: def.title, backend, status: 'unavailable', reason: info.reason ?? 'the worker ended early' });
      hook.done += 1;
      progress.value = hook.done;
    }
  }
  // Every pair gets a row: the skipped ones too, with the reason.
  for (const p of pairs) {
    if (p.skip) results.push({ task: p.task.id, title: p.task.title, backend: p.backend, status: 'skipped', reason: p.skip });
  }
  const order = (r: BrowserResult) => backends.indexOf(r.backend) * 1000 + SPEED_TASKS.findIndex((t) => t.id === r.task);
  results.sort((a, b) => order(a) - order(b));
  renderTable(results);
  renderCharts(results);
  lastReport = {
    format: 'densityjs-bench-browser',
    timestamp: new Date().toISOString(),
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    quick,
    seed,
    timing: quick ? TIMING.quick : TIMING.full,
    backends: infos,
    results,
  };
  hook.report = lastReport;
  const ok = results.filter((r) => r.status === 'ok').length;
  $('status').textContent = `Done: ${ok} task x backend pairs measured, ${results.length - ok} not (see the table and the JSON).`;
  $<HTMLButtonElement>('download-json').disabled = false;
  $<HTMLButtonElement>('download-md').disabled = false;
  hook.state = 'done';
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const stamp = () => (lastReport?.timestamp ?? new Date().toISOString()).replace(/[:.]/g, '-');
$('download-json').addEventListener('click', () => {
  if (lastReport) download(`bench-browser-${stamp()}.json`, `${JSON.stringify(lastReport, null, 2)}\n`, 'application/json');
});
$('download-md').addEventListener('click', () => {
  if (lastReport) download(`bench-browser-${stamp()}.md`, toMarkdown(lastReport), 'text/markdown');
});

function start(): void {
  run().catch((error: unknown) => {
    showError(error instanceof Error ? error.message : String(error));
    hook.state = 'error';
    $('status').textContent = 'Stopped by an error.';
  }).finally(() => {
    $<HTMLButtonElement>('run').disabled = false;
  });
}

$('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  start();
});
if (params.get('autorun') === '1') start();
