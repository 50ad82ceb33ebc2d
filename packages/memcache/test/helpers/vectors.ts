import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	"../fixtures/vectors",
);

// biome-ignore lint/suspicious/noExplicitAny: vector files are free-form JSON
export type Json = any;

/**
 * Loads a vector file as it is. The files in test/fixtures/vectors are unmodified copies of
 * the project's shared/vectors (outputs of the original Go code; see README.md there).
 */
export function loadVectors(name: string): Json[] {
	return JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as Json[];
}

/** A vector value (`value` + `value_encoding`) as bytes, or undefined for `null`. */
export function vectorValue(v: {
	value?: string | null;
	value_encoding?: string;
}): Buffer | undefined {
	if (v.value === null || v.value === undefined) return undefined;
	return Buffer.from(
		v.value,
		v.value_encoding === "base64" ? "base64" : "utf8",
	);
}

/** Splits `buf` into 1..6 chunks at pseudo-random points from `rand`. */
export function randomSplit(buf: Buffer, rand: () => number): Buffer[] {
	const cuts = new Set<number>();
	const n = Math.floor(rand() * 6);
	for (let i = 0; i < n; i++) cuts.add(Math.floor(rand() * buf.length));
	const points = [...cuts].filter((c) => c > 0).sort((a, b) => a - b);
	const out: Buffer[] = [];
	let prev = 0;
	for (const p of points) {
		out.push(buf.subarray(prev, p));
		prev = p;
	}
	out.push(buf.subarray(prev));
	return out;
}

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
