import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
	createMysqlDatabase,
	type MemcachedCluster,
	requireServers,
	startMemcached,
	type TempMysqlDatabase,
} from "@godropbox-ts/test-utils";
import knexFactory from "knex";
import { afterAll, describe, expect, it } from "vitest";
import { item } from "../helpers/items.js";
import { createItemsTable, itemsStorage } from "../helpers/sql-tables.js";

const ok = await requireServers("memcached", "mysql");
const child = fileURLToPath(
	new URL("../fixtures/stampede-child.ts", import.meta.url),
);

function lines(p: ChildProcess): AsyncIterator<string> {
	const queue: string[] = [];
	const waiters: ((v: IteratorResult<string>) => void)[] = [];
	let buf = "";
	p.stdout?.setEncoding("utf8");
	p.stdout?.on("data", (chunk: string) => {
		buf += chunk;
		for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
			const line = buf.slice(0, i);
			buf = buf.slice(i + 1);
			const w = waiters.shift();
			if (w) w({ value: line, done: false });
			else queue.push(line);
		}
	});
	return {
		next: () => {
			const line = queue.shift();
			if (line !== undefined)
				return Promise.resolve({ value: line, done: false });
			return new Promise((resolve) => waiters.push(resolve));
		},
	};
}

describe.skipIf(!ok)("two real processes, one cold key", () => {
	let cluster: MemcachedCluster | undefined;
	let db: TempMysqlDatabase | undefined;
	const procs: ChildProcess[] = [];
	afterAll(async () => {
		for (const p of procs) if (p.exitCode === null) p.kill();
		await db?.drop();
		await cluster?.stop();
	});

	async function twoProcesses(
		protocol: "binary" | "meta",
		key: string,
		count: number,
	): Promise<{ reads: number; ok: boolean; stats: { leaseWins?: number } }[]> {
		cluster ??= await startMemcached({ count: 1 });
		db ??= await createMysqlDatabase("caching_2p");
		const knex = knexFactory({ client: "mysql2", connection: db.connection });
		try {
			await createItemsTable(knex);
			await itemsStorage(knex).set(item(key, 21));
		} finally {
			await knex.destroy();
		}
		const args = [
			cluster.addresses[0] as string,
			JSON.stringify(db.connection),
			key,
			protocol,
			String(count),
		];
		const outs = [0, 1].map(() => {
			const p = spawn(process.execPath, ["--import", "tsx", child, ...args], {
				cwd: fileURLToPath(new URL("../..", import.meta.url)),
				stdio: ["pipe", "pipe", "inherit"],
			});
			procs.push(p);
			return { p, out: lines(p) };
		});
		for (const { out } of outs) expect((await out.next()).value).toBe("ready");
		for (const { p } of outs) p.stdin?.write("go\n");
		return Promise.all(
			outs.map(
				async ({ out }) =>
					JSON.parse((await out.next()).value) as {
						reads: number;
						ok: boolean;
						stats: { leaseWins?: number };
					},
			),
		);
	}

	it("200 concurrent gets from two Node processes (100 each) → one storage read in total (add leases)", async () => {
		const results = await twoProcesses("binary", "cold", 100);
		expect(results.map((r) => r.ok)).toEqual([true, true]);
		expect(results[0]?.reads + (results[1]?.reads ?? 0)).toBe(1);
	}, 60_000);

	it("400 concurrent gets from two Node processes (200 each) → one storage read in total (meta leases)", async () => {
		const results = await twoProcesses("meta", "metacold", 200);
		expect(results.map((r) => r.ok)).toEqual([true, true]);
		expect(results[0]?.reads + (results[1]?.reads ?? 0)).toBe(1);
		expect(results.map((r) => r.stats.leaseWins ?? 0).sort()).toEqual([0, 1]);
	}, 60_000);
});
