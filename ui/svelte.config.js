// Svelte 5 in runes mode; TypeScript in components is stripped by the compiler.
export default {
  compilerOptions: { runes: true },
};
