// Types for scripts/bundle.mjs, imported by the bench and the chaos proofs' setup.
export declare function bundle(outDir?: string): Promise<{ main: string; sandbox: string }>;
export declare function bundleEntry(entry: string, outfile: string): Promise<string>;
