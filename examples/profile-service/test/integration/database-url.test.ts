import {
	createMysqlDatabase,
	createPostgresSchema,
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/run.js";

function capture() {
	let text = "";
	return {
		sink: {
			write: (s: string) => {
				text += s;
				return true;
			},
			isTTY: false,
		},
		text: () => text,
	};
}

const ok = await requireServers("memcached", "mysql", "postgres");

describe.skipIf(!ok)("DATABASE_URL and MEMCACHE_SERVERS", () => {
	let cluster: MemcachedCluster;
	beforeAll(async () => {
		cluster = await startMemcached({ count: 3, memoryMb: 16 });
	});
	afterAll(async () => {
		await cluster?.stop();
	});

	async function runWith(databaseUrl: string): Promise<string> {
		const out = capture();
		const err = capture();
		const code = await run(
			["--duration", "1s", "--profiles", "2000", "--concurrency", "8"],
			{
				DATABASE_URL: databaseUrl,
				MEMCACHE_SERVERS: cluster.addresses.join(","),
				PATH: process.env.PATH,
			},
			{
				out: out.sink,
				err: err.sink,
				stopSignal: new AbortController().signal,
			},
		);
		expect(err.text()).toBe("");
		expect(code, out.text()).toBe(0);
		// The servers it was given are used, and left running.
		expect(out.text()).toContain(
			`memcached ×3 at ${cluster.addresses.join(", ")}`,
		);
		for (const p of cluster.processes) expect(p.running).toBe(true);
		return out.text();
	}

	it("runs on MariaDB and ends with stale = 0", async () => {
		const db = await createMysqlDatabase("psurl");
		try {
			const text = await runWith(db.url);
			expect(text).toMatch(
				/seeded 2,000 profiles into MySQL\/MariaDB mysql:\/\//,
			);
			expect(text).toMatch(/checked 2,000 ids: [\d,]+ cached, stale = 0/);
		} finally {
			await db.drop();
		}
	});

	it("runs on PostgreSQL and ends with stale = 0", async () => {
		const schema = await createPostgresSchema("psurl");
		try {
			const url = new URL(schema.url);
			url.searchParams.set("options", `-c search_path=${schema.schema}`);
			const text = await runWith(url.toString());
			expect(text).toMatch(
				/seeded 2,000 profiles into PostgreSQL postgres:\/\//,
			);
			expect(text).toMatch(/checked 2,000 ids: [\d,]+ cached, stale = 0/);
		} finally {
			await schema.drop();
		}
	});
});
