// esbuild's `file` loader (build.mjs) turns a .wasm import into the URL of the copied file.
declare module '*.wasm' {
  const url: string;
  export default url;
}
