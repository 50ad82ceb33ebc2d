import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import memjs from "memjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	RawAsciiClient,
	RawBinaryClient,
	ResponseStatus,
} from "../../src/index.js";

const ok = await requireServers("memcached");

describe.skipIf(!ok).each([
	["binary", RawBinaryClient],
	["ascii", RawAsciiClient],
] as const)("interop with memjs (%s)", (_protocol, Ctor) => {
	let cluster: MemcachedCluster;
	let peer: memjs.Client;
	let client: RawBinaryClient | RawAsciiClient;
	beforeAll(async () => {
		cluster = await startMemcached();
		peer = memjs.Client.create(cluster.addresses[0], {
			logger: { log: () => {} },
		});
		client = new Ctor({
			address: cluster.addresses[0] as string,
			timeout: 5000,
		});
	});
	afterAll(async () => {
		peer?.close();
		await client?.close();
		await cluster?.stop();
	});

	const values = [
		Buffer.from("plain text"),
		Buffer.from([0, 1, 2, 255, 13, 10, 128]),
		Buffer.alloc(0),
		Buffer.alloc(300_000, 0x5a),
	];

	it("items written by memjs are read by us with the same bytes and flags", async () => {
		for (const [i, v] of values.entries()) {
			await peer.set(`from-memjs-${i}`, v, {});
			const r = await client.get(`from-memjs-${i}`);
			expect(r.status).toBe(0);
			expect(r.value?.equals(v)).toBe(true);
			expect(r.flags).toBe(0); // memjs always writes flags 0
		}
	});

	it("items written by us are read by memjs with the same bytes and flags", async () => {
		for (const [i, v] of values.entries()) {
			const flags = 0xdeadbe00 + i;
			expect(
				(await client.set({ key: `from-us-${i}`, value: v, flags })).status,
			).toBe(0);
			const r = await peer.get(`from-us-${i}`);
			expect(Buffer.from(r.value as Buffer).equals(v)).toBe(true);
			expect((r.flags as Buffer).readUInt32BE(0)).toBe(flags);
		}
		const missing = await client.get("from-nobody");
		expect(missing.status).toBe(ResponseStatus.KeyNotFound);
		expect((await peer.get("from-nobody")).value).toBeNull();
	});
});
