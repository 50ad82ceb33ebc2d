// The anti-stampede read path used by meta-stampede.test.ts, in the test process and in a
// child process: read with a lease (vivify on miss); the winner fills, everyone else polls.
import type { RawMetaClient } from "../../src/raw-meta-client.js";

export interface StampedeResult {
	/** Fills performed (callers that got the win flag). */
	readonly fills: number;
	/** Distinct values the callers ended up with. */
	readonly values: string[];
	/** Callers that saw the key being filled by someone else (Z) at least once. */
	readonly waited: number;
	/** Callers that gave up (poll budget exhausted) or saw an error. */
	readonly failures: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `n` concurrent reads of `key`. With `lease`, a miss vivifies the key: the one winner
 * "computes" for `fillMs` and stores; the others poll every 20 ms (at most 300 times).
 * Without `lease` (the control), every miss fills.
 */
export async function stampede(
	client: RawMetaClient,
	key: string,
	n: number,
	lease: boolean,
	tag: string,
	fillMs = 150,
): Promise<StampedeResult> {
	let fills = 0;
	let failures = 0;
	let waited = 0;
	const read = async (i: number): Promise<string | undefined> => {
		for (let attempt = 0; attempt < 300; attempt++) {
			const r = lease
				? await client.metaGet(key, { vivify: 30 })
				: await client.metaGet(key);
			if (r.error !== undefined) return undefined;
			const filled = r.status === 0 && !r.win && !(r.otherWinner && !r.stale);
			if (filled && r.value !== undefined) return r.value.toString();
			if (r.win || (!lease && r.status !== 0)) {
				fills++;
				await sleep(fillMs);
				const value = `filled by ${tag}#${i}`;
				const s = await client.metaSet({
					key,
					value: Buffer.from(value),
					expiration: 300,
				});
				return s.error === undefined ? value : undefined;
			}
			if (attempt === 0) waited++;
			await sleep(20);
		}
		return undefined;
	};
	const out = await Promise.all(Array.from({ length: n }, (_, i) => read(i)));
	const values = new Set<string>();
	for (const v of out) {
		if (v === undefined) failures++;
		else values.add(v);
	}
	return { fills, values: [...values], failures, waited };
}
