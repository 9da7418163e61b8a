// The MDN loss kernel compiled to WebAssembly SIMD (assembly/mdn-loss.ts): forward pass,
// mixture NLL and the gradient to every weight in one call, four rows per SIMD lane group.
// At the tutorial's size it replaces ~20 backend calls and ~20 JS exp/log per row with one
// call; the plain-JS float64 loop nest (fused-loss.ts) remains for engines without wasm SIMD
// or where a Content-Security-Policy forbids compiling WebAssembly.
import { MDN_LOSS_WASM_BASE64 } from './generated/mdn-loss-wasm.js';
import { numParams, type MdnLayout } from './layout.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  workBase(): number;
  workBytes(sizes: number, numLayers: number, numComponents: number, outputSize: number): number;
  mdnLoss(
    sizes: number,
    numLayers: number,
    numComponents: number,
    outputSize: number,
    activation: number,
    minScale: number,
    params: number,
    x: number,
    y: number,
    rows: number,
    grad: number,
    work: number,
  ): number;
}

const ACTIVATION_CODES = { tanh: 0, relu: 1, sigmoid: 2 } as const;

let kernel: KernelExports | null | undefined;
let enabled = true;

function decodeBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * Compiles the kernel on first use: synchronously where the engine allows it (Node, browsers),
 * otherwise asynchronously, in which case calls before it is ready take the JS path
 * (`mdnKernelReady` lets `fit` wait for it, so a whole training run uses one implementation).
 */
let pending: Promise<void> | undefined;
function load(): KernelExports | null | undefined {
  if (kernel !== undefined || pending) return kernel;
  const bytes = decodeBase64(MDN_LOSS_WASM_BASE64);
  try {
    kernel = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource)).exports as unknown as KernelExports;
  } catch {
    // Chrome before 114 refused synchronous compiles over 4 KB on the main thread (now 8 MB).
    if (typeof WebAssembly === 'undefined' || typeof WebAssembly.instantiate !== 'function') {
      kernel = null;
      return kernel;
    }
    pending = WebAssembly.instantiate(bytes as BufferSource).then(
      (result) => {
        kernel = result.instance.exports as unknown as KernelExports;
      },
      () => {
        kernel = null;
      },
    );
  }
  return kernel;
}

/** Resolves once the WebAssembly kernel is compiled (or known to be unavailable). */
export async function mdnKernelReady(): Promise<void> {
  load();
  await pending;
}

/** Turns the WebAssembly kernel off (`false`) or back on, so tests can exercise the JS path. */
export function useWasmMdnKernel(on: boolean): void {
  enabled = on;
}

/** Whether `wasmMdnLoss` will run (the kernel compiled, enabled, and the layout diagonal). */
export function wasmMdnKernelAvailable(layout: MdnLayout): boolean {
  return enabled && layout.covariance === undefined && load() != null;
}

function bytes16(n: number): number {
  return (n + 15) & ~15;
}

/**
 * The mean mixture NLL over `rows` rows (row r of the batch is row `indices[r]` of x and y, or
 * row r when `indices` is null) and, with `grad`, d loss / d params written into it. Float32
 * inside, the sum of the rows' losses in float64. Call only when `wasmMdnKernelAvailable`.
 */
export function wasmMdnLoss(
  layout: MdnLayout,
  params: ArrayLike<number> & { length: number },
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  indices: ArrayLike<number> | null,
  rows: number,
  grad: Float32Array | null,
): number {
  const k = kernel!;
  const { sizes, numComponents: K, outputSize: D } = layout;
  const L = sizes.length - 1;
  const P = numParams(sizes);
  const I0 = sizes[0]!;
  const groups = Math.ceil(rows / 4);
  const sizesAt = k.workBase();
  const paramsAt = sizesAt + bytes16(4 * sizes.length);
  const xAt = paramsAt + bytes16(4 * P);
  const yAt = xAt + groups * I0 * 16;
  const gradAt = yAt + groups * D * 16;
  const workAt = gradAt + bytes16(4 * P);
  // The scratch size depends on the layer widths only: write them first, then ask.
  ensureMemory(k, workAt);
  new Int32Array(k.memory.buffer, sizesAt, sizes.length).set(sizes);
  const end = workAt + k.workBytes(sizesAt, L, K, D);
  ensureMemory(k, end);
  const heap = k.memory.buffer;
  new Float32Array(heap, paramsAt, P).set(params as ArrayLike<number>);
  // Rows in groups of four, transposed: [group, feature, lane]; the last group's spare lanes
  // repeat the last row (finite values; the kernel masks them out).
  const xs = new Float32Array(heap, xAt, groups * I0 * 4);
  const ys = new Float32Array(heap, yAt, groups * D * 4);
  for (let r = 0; r < groups * 4; r++) {
    const row = indices ? indices[Math.min(r, rows - 1)]! : Math.min(r, rows - 1);
    const g = r >> 2;
    const lane = r & 3;
    for (let i = 0; i < I0; i++) xs[(g * I0 + i) * 4 + lane] = x[row * I0 + i]!;
    for (let d = 0; d < D; d++) ys[(g * D + d) * 4 + lane] = y[row * D + d]!;
  }
  const loss = k.mdnLoss(sizesAt, L, K, D, ACTIVATION_CODES[layout.activation], layout.minScale, paramsAt, xAt, yAt, rows, grad ? gradAt : 0, workAt);
  if (grad) grad.set(new Float32Array(k.memory.buffer, gradAt, P));
  return loss;
}

function ensureMemory(k: KernelExports, end: number): void {
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
}
