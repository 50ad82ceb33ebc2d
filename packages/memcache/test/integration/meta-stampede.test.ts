// Issue 9: "200 concurrent misses on one key from two Node processes produce one fill".
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawMetaClient } from "../../src/raw-meta-client.js";
import { type StampedeResult, stampede } from "../helpers/meta-stampede.js";

const ok = await requireServers("memcached");
const here = path.dirname(fileURLToPath(import.meta.url));
const worker = path.join(here, "../helpers/meta-stampede-worker.ts");
const tsx = path.join(here, "../../../../node_modules/.bin/tsx");

describe.skipIf(!ok)("two-process stampede on real memcached", () => {
	let cluster: MemcachedCluster;
	let client: RawMetaClient;

	beforeAll(async () => {
		cluster = await startMemcached();
		client = new RawMetaClient({
			address: cluster.addresses[0] as string,
			timeout: 10_000,
		});
	});
	afterAll(async () => {
		await client?.close();
		await cluster?.stop();
	});

	it("control: without leases, 200 concurrent misses in one process fill many times", async () => {
		const r = await stampede(client, "control", 200, false, "parent", 50);
		expect(r.fills).toBeGreaterThan(1);
	});

	it("with leases (mg N + W/Z): 2 × 200 concurrent misses produce exactly one fill", async () => {
		const key = "hot";
		const child = spawn(
			tsx,
			[worker, cluster.addresses[0] as string, key, "200"],
			{ stdio: ["pipe", "pipe", "pipe"] },
		);
		let out = "";
		let err = "";
		child.stdout.setEncoding("utf8");
		child.stderr.setEncoding("utf8");
		child.stderr.on("data", (d: string) => {
			err += d;
		});
		const exited = new Promise<number | null>((resolve) =>
			child.once("exit", (code) => resolve(code)),
		);
		const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
		try {
			await new Promise<void>((resolve, reject) => {
				child.stdout.on("data", (d: string) => {
					out += d;
					if (out.includes("ready\n")) resolve();
				});
				child.once("exit", (code) =>
					reject(new Error(`worker exited (${code}) before ready: ${err}`)),
				);
			});
			await client.version();
			child.stdin.write("go\n");
			const mine = await stampede(client, key, 200, true, "parent");
			const code = await exited;
			expect(code, err).toBe(0);
			const line = out.split("\n").find((l) => l.startsWith("{"));
			const theirs = JSON.parse(line as string) as StampedeResult;
			expect(mine.failures + theirs.failures).toBe(0);
			expect(mine.fills + theirs.fills).toBe(1);
			// The misses really overlapped: in both processes callers found the fill in progress.
			expect(mine.waited).toBeGreaterThan(0);
			expect(theirs.waited).toBeGreaterThan(0);
			// All 400 callers ended up with the one filled value.
			const values = new Set([...mine.values, ...theirs.values]);
			expect(values.size).toBe(1);
			expect((await client.get(key)).value?.toString()).toBe([...values][0]);
		} finally {
			clearTimeout(timer);
			if (child.exitCode === null) child.kill("SIGKILL");
		}
	}, 60_000);
});
