import {
	createRedisNamespace,
	requireServers,
	type TempRedisNamespace,
} from "@godropbox-ts/test-utils";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
	bytesCodec,
	CacheOnStorage,
	LocalMapStorage,
	RedisStorage,
	v8Codec,
} from "../../src/index.js";
import { storageConformanceSuite } from "../helpers/conformance.js";
import { type Item, item, keyOf } from "../helpers/items.js";

const ok = await requireServers("redis");

describe.skipIf(!ok)("RedisStorage on real Redis", () => {
	const namespaces: TempRedisNamespace[] = [];
	const ns = async (): Promise<TempRedisNamespace> => {
		const n = await createRedisNamespace("caching");
		namespaces.push(n);
		return n;
	};
	afterAll(async () => {
		for (const n of namespaces) await n.drop();
	});

	storageConformanceSuite("RedisStorage (own client, pipelined)", async () => {
		const n = await ns();
		const storage = await RedisStorage.connect<string, Item>(n.url, {
			keyOf,
			prefix: n.prefix,
		});
		return {
			storage,
			close: () => storage.close(),
			ttl: { ttlMs: 40, waitMs: 150 },
		};
	});

	it("connect() pins RESP2 (protocol: 2) so ioredis 6's RESP3 default cannot change reply shapes", async () => {
		const n = await ns();
		const s = await RedisStorage.connect<string, Item>(n.url, {
			keyOf,
			prefix: n.prefix,
		});
		try {
			expect((s.client as Redis).options).toMatchObject({ protocol: 2 });
		} finally {
			await s.close();
		}
		await s.close();
		await expect(s.set(item("x", 1))).rejects.toMatchObject({
			code: "ERR_CACHING_CLOSED",
		});
	});

	it("flush deletes only its prefix; close() leaves a passed-in client connected", async () => {
		const a = await ns();
		const b = await ns();
		const client = new Redis(a.url);
		const sa = new RedisStorage<string, Item>(client, {
			keyOf,
			prefix: a.prefix,
		});
		const sb = new RedisStorage<string, Item>(client, {
			keyOf,
			prefix: b.prefix,
		});
		await sa.set(item("x", 1));
		await sb.set(item("x", 2));
		await sa.flush();
		expect(await sa.get("x")).toBeUndefined();
		expect(await sb.get("x")).toEqual(item("x", 2));
		await sa.close();
		expect(await client.ping()).toBe("PONG");
		await expect(sa.get("x")).rejects.toMatchObject({
			code: "ERR_CACHING_CLOSED",
		});
		client.disconnect();
	});

	it("pluggable codecs: raw bytes and v8.serialize round-trip", async () => {
		const n = await ns();
		const client = new Redis(n.url);
		try {
			const raw = new RedisStorage<string, Uint8Array>(client, {
				keyOf: (b) => Buffer.from(b.subarray(0, 3)).toString("hex"),
				prefix: n.prefix,
				codec: bytesCodec(),
			});
			const bytes = Uint8Array.from([1, 2, 3, 0, 255]);
			await raw.set(bytes);
			expect(Buffer.from((await raw.get("010203")) as Uint8Array)).toEqual(
				Buffer.from(bytes),
			);
			type Rec = { key: string; n: bigint; at: Date; tags: Set<string> };
			const v8s = new RedisStorage<string, Rec>(client, {
				keyOf: (r) => r.key,
				prefix: `${n.prefix}v8:`,
				codec: v8Codec<Rec>(),
			});
			const rec: Rec = {
				key: "r",
				n: 2n ** 70n,
				at: new Date(0),
				tags: new Set(["a"]),
			};
			await v8s.set(rec);
			expect(await v8s.get("r")).toEqual(rec);
		} finally {
			client.disconnect();
		}
	});

	it("a value not written by RedisStorage is a codec error, not garbage", async () => {
		const n = await ns();
		const client = new Redis(n.url);
		try {
			await client.set(`${n.prefix}alien`, "hello");
			const s = new RedisStorage<string, Item>(client, {
				keyOf,
				prefix: n.prefix,
			});
			await expect(s.get("alien")).rejects.toMatchObject({
				code: "ERR_CACHING_CODEC",
			});
		} finally {
			client.disconnect();
		}
	});

	it("a server failure rejects with ERR_CACHING_BACKEND", async () => {
		const n = await ns();
		const client = new Redis(n.url);
		try {
			await client.hset(`${n.prefix}h`, "f", "v");
			const s = new RedisStorage<string, Item>(client, {
				keyOf,
				prefix: n.prefix,
			});
			await expect(s.getMulti(["h", "x"])).rejects.toMatchObject({
				code: "ERR_CACHING_BACKEND",
				backend: "redis",
			});
		} finally {
			client.disconnect();
		}
	});

	it("works as the cache of a CacheOnStorage (fill guard through SET NX + tombstones)", async () => {
		const n = await ns();
		const cache = await RedisStorage.connect<string, Item>(n.url, {
			keyOf,
			prefix: n.prefix,
		});
		try {
			const db = new LocalMapStorage<string, Item>({ keyOf });
			await db.set(item("a", 1));
			const c = new CacheOnStorage(cache, db, { keyOf, tombstoneTtl: 50 });
			expect(await c.get("a")).toEqual(item("a", 1));
			expect(await cache.get("a")).toEqual(item("a", 1));
			await c.set(item("a", 2));
			expect(await cache.get("a")).toBeUndefined();
			expect(await c.get("a")).toEqual(item("a", 2));
			await new Promise((r) => setTimeout(r, 120));
			expect(await c.get("a")).toEqual(item("a", 2));
			expect(await cache.get("a")).toEqual(item("a", 2));
		} finally {
			await cache.close();
		}
	});
});
