// For tools that read .ts files without Vue's language plugin (the type-aware linter); vue-tsc resolves
// .vue imports to their real component types and never falls back to this.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}

// hls.js ships its light build without declarations of its own; it is the full build's API minus features.
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
