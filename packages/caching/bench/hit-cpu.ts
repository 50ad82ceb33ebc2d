/**
 * The hit path's CPU cost without the network: CacheOnStorage → MemcacheStorage over an
 * in-memory stand-in for the memcache client (its `get` resolves a stored response), versus
 * the same client call + decode, 100 calls in flight, interleaved rounds (runScenario).
 * With the network, the same per-call cost is spread over a round trip, so these ratios are
 * an upper bound of the layers' share. Bounded: BENCH_TIME_MS × BENCH_ROUNDS per contender.
 *
 *   cd packages/caching && npx tsx bench/hit-cpu.ts
 */
import type { GetResponse } from "@godropbox-ts/memcache";
import { runScenario } from "@godropbox-ts/test-utils";
import {
	bytesCodec,
	CacheOnStorage,
	type Codec,
	GenericStorage,
	jsonCodec,
	MEMCACHE_ITEM_FLAGS,
	MemcacheStorage,
	type MemcacheStorageClient,
} from "../src/index.js";

interface Profile {
	id: string;
	name: string;
	email: string;
	visits: number;
}

const ids = Array.from({ length: 100 }, (_, i) => `p${i}`);
const stored = new Map<string, GetResponse>(
	ids.map((id, i) => [
		`b:${id}`,
		{
			status: 0,
			error: undefined,
			key: `b:${id}`,
			value: Buffer.from(
				JSON.stringify({
					id,
					name: `user ${i}`,
					email: `u${i}@e.com`,
					visits: i,
				}),
			),
			flags: MEMCACHE_ITEM_FLAGS,
			dataVersionId: 1n,
		},
	]),
);
// Only `get` is reached on the hit path.
const client = {
	get: (key: string) => Promise.resolve(stored.get(key) as GetResponse),
} as unknown as MemcacheStorageClient;

async function scenario<V>(label: string, codec: Codec<V>): Promise<void> {
	const keyOf = (): string => "unused";
	const storage = new MemcacheStorage<string, V>(client, {
		keyOf,
		prefix: "b:",
		codec,
	});
	const ours = new CacheOnStorage(
		storage,
		new GenericStorage<string, V>("backing", {
			lock: false,
			get: () => undefined,
		}),
		{ keyOf },
	);
	await runScenario({
		title: `hit path CPU, ${label} (100 in flight, no network)`,
		opsPerCall: ids.length,
		ours: {
			name: "CacheOnStorage → MemcacheStorage",
			fn: () => Promise.all(ids.map((id) => ours.get(id))),
		},
		peers: [
			{
				name: "MemcacheStorage alone",
				fn: () => Promise.all(ids.map((id) => storage.get(id))),
			},
			{
				name: "client get + the same codec's decode",
				fn: () =>
					Promise.all(
						ids.map((id) =>
							client
								.get(`b:${id}`)
								.then((r) => codec.decode(r.value as Buffer)),
						),
					),
			},
		],
	});
}

await scenario("JSON codec", jsonCodec<Profile>());
await scenario("bytes codec", bytesCodec());
