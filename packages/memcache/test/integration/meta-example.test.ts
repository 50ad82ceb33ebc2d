// Runs the META.md example; fails if the example in META.md and this copy drift apart.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawMetaClient } from "../../src/raw-meta-client.js";

const ok = await requireServers("memcached");
const here = path.dirname(fileURLToPath(import.meta.url));

// example:start
/** Read-through with a lease: one caller per key (across processes) fills, the others wait. */
async function readThrough(
	client: RawMetaClient,
	key: string,
	load: () => Promise<Buffer>,
): Promise<Buffer> {
	for (let attempt = 0; attempt < 100; attempt++) {
		const r = await client.metaGet(key, { vivify: 30 });
		if (r.win) {
			// Ours to fill (a miss, or a stale item): the CAS makes the fill lose to newer writes.
			const value = await load();
			await client.metaSet({
				key,
				value,
				expiration: 300,
				dataVersionId: r.dataVersionId,
			});
			return value;
		}
		// A hit, or a stale value while another caller refreshes it.
		if (!r.otherWinner || r.stale) return r.value ?? Buffer.alloc(0);
		// An empty stub: someone else is filling it right now.
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error(`${key} is still being filled`);
}
// example:end

describe.skipIf(!ok)("META.md example", () => {
	let cluster: MemcachedCluster;
	beforeAll(async () => {
		cluster = await startMemcached();
	});
	afterAll(async () => {
		await cluster?.stop();
	});

	it("is the code META.md shows", () => {
		const self = fs.readFileSync(fileURLToPath(import.meta.url), "utf8");
		const code = self.slice(
			self.indexOf("// example:start\n") + 17,
			self.indexOf("// example:end"),
		);
		const doc = fs.readFileSync(path.join(here, "../../META.md"), "utf8");
		expect(code.length).toBeGreaterThan(500);
		expect(doc).toContain(code.trim());
	});

	it("fills once for 50 concurrent readers and serves stale data while refreshing", async () => {
		await using client = new RawMetaClient({
			address: cluster.addresses[0] as string,
		});
		let loads = 0;
		const load = async () => {
			loads++;
			await new Promise((r) => setTimeout(r, 50));
			return Buffer.from(JSON.stringify({ id: 42, name: "Ada", v: loads }));
		};
		const all = await Promise.all(
			Array.from({ length: 50 }, () => readThrough(client, "profile:42", load)),
		);
		expect(loads).toBe(1);
		for (const v of all) expect(JSON.parse(v.toString()).v).toBe(1);
		// Invalidate: the next reader refreshes, the others get the stale value meanwhile.
		await client.metaDelete("profile:42", { invalidate: true, staleTtl: 30 });
		const again = await Promise.all(
			Array.from({ length: 10 }, () => readThrough(client, "profile:42", load)),
		);
		expect(loads).toBe(2);
		const versions = again.map((v) => JSON.parse(v.toString()).v as number);
		expect(versions).toContain(1);
		expect(versions).toContain(2);
		expect(
			JSON.parse((await readThrough(client, "profile:42", load)).toString()).v,
		).toBe(2);
	});
});
