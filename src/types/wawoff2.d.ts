declare module 'wawoff2' {
  /** TrueType/OpenType bytes → WOFF2 (Google's encoder compiled to WebAssembly). */
  export function compress(font: Uint8Array): Promise<Uint8Array>;
  export function decompress(woff2: Uint8Array): Promise<Uint8Array>;
  const wawoff2: { compress: typeof compress; decompress: typeof decompress };
  export default wawoff2;
}
