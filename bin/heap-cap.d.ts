/** Types for bin/heap-cap.js (plain JavaScript: it runs before the TypeScript loader is registered). */
export declare const HEAP_MB: Record<string, number>;
export declare const SUPERVISED: string;
export declare function runWithHeapCap(argv: string[], script: string): Promise<number | null>;
