import {
	createClient,
	RawAsciiClient,
	RawBinaryClient,
} from "@godropbox-ts/memcache";
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesCodec, MemcacheStorage, v8Codec } from "../../src/index.js";
import { storageConformanceSuite } from "../helpers/conformance.js";
import { type Item, item, keyOf } from "../helpers/items.js";

const ok = await requireServers("memcached");

describe.skipIf(!ok)("MemcacheStorage on real memcached", () => {
	let cluster: MemcachedCluster;
	const clients: { close(): Promise<void> }[] = [];
	beforeAll(async () => {
		cluster = await startMemcached({ count: 2 });
	});
	afterAll(async () => {
		for (const c of clients) await c.close();
		await cluster?.stop();
	});

	storageConformanceSuite("MemcacheStorage (binary)", async () => {
		const client = new RawBinaryClient({
			address: cluster.addresses[0] as string,
		});
		clients.push(client);
		return {
			storage: new MemcacheStorage<string, Item>(client, {
				keyOf,
				prefix: "c:",
			}),
			ttl: { ttlMs: 1000, waitMs: 2100 },
		};
	});

	storageConformanceSuite(
		"MemcacheStorage (sharded createClient, 2 servers)",
		async () => {
			const client = createClient({
				servers: cluster.addresses,
				protocol: "binary",
			});
			clients.push(client);
			return {
				storage: new MemcacheStorage<string, Item>(client, {
					keyOf,
					prefix: "s:",
				}),
			};
		},
	);

	storageConformanceSuite("MemcacheStorage (ascii)", async () => {
		const client = new RawAsciiClient({
			address: cluster.addresses[1] as string,
		});
		clients.push(client);
		return {
			storage: new MemcacheStorage<string, Item>(client, { keyOf }),
			ttl: undefined,
		};
	});

	it("codecs: raw bytes and v8.serialize round-trip", async () => {
		const client = new RawBinaryClient({
			address: cluster.addresses[0] as string,
		});
		clients.push(client);
		const raw = new MemcacheStorage<string, Uint8Array>(client, {
			keyOf: (b) => Buffer.from(b.subarray(0, 2)).toString("hex"),
			codec: bytesCodec(),
		});
		const bytes = Uint8Array.from([7, 8, 0, 255]);
		await raw.set(bytes);
		expect(Buffer.from((await raw.get("0708")) as Uint8Array)).toEqual(
			Buffer.from(bytes),
		);
		type Rec = { key: string; n: bigint; m: Map<string, Date> };
		const v8s = new MemcacheStorage<string, Rec>(client, {
			keyOf: (r) => r.key,
			codec: v8Codec<Rec>(),
		});
		const rec: Rec = {
			key: "rec",
			n: -(2n ** 65n),
			m: new Map([["d", new Date(7)]]),
		};
		await v8s.set(rec);
		expect(await v8s.get("rec")).toEqual(rec);
	});

	it("values not written by MemcacheStorage and invalid keys are typed errors", async () => {
		const client = new RawBinaryClient({
			address: cluster.addresses[0] as string,
		});
		clients.push(client);
		await client.set({ key: "alien", value: Buffer.from("x"), flags: 0 });
		const s = new MemcacheStorage<string, Item>(client, { keyOf });
		await expect(s.get("alien")).rejects.toMatchObject({
			code: "ERR_CACHING_CODEC",
		});
		await expect(s.set(item("has space", 1))).rejects.toMatchObject({
			code: "ERR_CACHING_BACKEND",
			backend: "memcache",
		});
		await s.close();
		await expect(s.get("x")).rejects.toMatchObject({
			code: "ERR_CACHING_CLOSED",
		});
	});

	it("a stopped server makes calls reject with ERR_CACHING_BACKEND (the caller can fall back)", async () => {
		const own = await startMemcached({ count: 1 });
		const client = new RawBinaryClient({
			address: own.addresses[0] as string,
			timeout: 300,
		});
		clients.push(client);
		const s = new MemcacheStorage<string, Item>(client, { keyOf });
		await s.set(item("a", 1));
		await own.stop();
		await expect(s.get("a")).rejects.toMatchObject({
			code: "ERR_CACHING_BACKEND",
		});
	});
});
