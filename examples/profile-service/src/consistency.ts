import { sameProfile } from "./profile.js";
import type { Stack } from "./stack-types.js";

/** The result of comparing the cache with the database. */
export interface ConsistencyReport {
	/** Ids checked (1..profiles). */
	readonly checked: number;
	/** Ids with a cached profile. */
	readonly cached: number;
	/** Cached profiles that differ from the database row, or whose row no longer exists. */
	readonly stale: number;
	/** The first few stale ids, for the report. */
	readonly staleIds: readonly number[];
	readonly elapsedMs: number;
}

/**
 * Compares every cached profile with its database row, in batches: for ids 1..`profiles`,
 * read the cache layer directly (no fills) and the database, and count cached entries that
 * differ. After a load run has finished, the cache policies must give `stale = 0`.
 */
export async function checkConsistency(
	stack: Stack,
	profiles: number,
	batchSize = 500,
): Promise<ConsistencyReport> {
	const started = performance.now();
	let cached = 0;
	let stale = 0;
	const staleIds: number[] = [];
	for (let from = 1; from <= profiles; from += batchSize) {
		const ids = Array.from(
			{ length: Math.min(batchSize, profiles - from + 1) },
			(_, i) => from + i,
		);
		const [inCache, inDb] = await Promise.all([
			stack.readCached(ids),
			stack.readDatabase(ids),
		]);
		ids.forEach((id, i) => {
			const c = inCache[i];
			if (c === undefined) return;
			cached++;
			const d = inDb[i];
			if (d === undefined || !sameProfile(c, d)) {
				stale++;
				if (staleIds.length < 10) staleIds.push(id);
			}
		});
	}
	return {
		checked: profiles,
		cached,
		stale,
		staleIds,
		elapsedMs: performance.now() - started,
	};
}
