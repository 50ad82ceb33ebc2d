import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { canConnect, requireServers } from "@godropbox-ts/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import { PACKAGE_DIR } from "../../src/options.js";
import { run } from "../../src/run.js";

function capture() {
	let text = "";
	const sink = {
		write: (s: string) => {
			text += s;
			return true;
		},
		isTTY: false,
	};
	return { sink, text: () => text };
}

const dirs: string[] = [];
function tempDir(): string {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), "profile-service-main-"));
	dirs.push(d);
	return d;
}
afterAll(() => {
	for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const ok = await requireServers("memcached");

describe("run (the command line)", () => {
	it("prints the usage and exits 2 on a bad flag", async () => {
		const out = capture();
		const err = capture();
		const code = await run(
			["--duration", "forever"],
			{},
			{
				out: out.sink,
				err: err.sink,
				stopSignal: new AbortController().signal,
			},
		);
		expect(code).toBe(2);
		expect(err.text()).toContain(
			"profile-service: --duration must be a number of seconds",
		);
		expect(err.text()).toContain("Usage: pnpm demo");
	});

	it("without memcached on PATH says so in one line and caches in-process", async () => {
		const out = capture();
		const err = capture();
		const dataDir = tempDir();
		const code = await run(
			[
				"--duration",
				"800ms",
				"--profiles",
				"2000",
				"--concurrency",
				"8",
				"--data-dir",
				dataDir,
			],
			{ PATH: "" },
			{
				out: out.sink,
				err: err.sink,
				stopSignal: new AbortController().signal,
			},
		);
		expect(err.text()).toBe("");
		expect(code).toBe(0);
		const lines = out.text().split("\n");
		expect(
			lines.filter((l) => l.includes("memcached is not on PATH")),
		).toHaveLength(1);
		expect(out.text()).toContain("LocalMapStorage");
		expect(out.text()).toMatch(/stale = 0/);
	});
});

describe.skipIf(!ok)("run with its own memcached processes", () => {
	it("seeds on first run, runs the load, prints the summary with stale = 0, and stops its memcached", async () => {
		const dataDir = tempDir();
		const out = capture();
		const err = capture();
		const code = await run(
			[
				"--duration",
				"1.5s",
				"--profiles",
				"3000",
				"--concurrency",
				"16",
				"--data-dir",
				dataDir,
			],
			{ PATH: process.env.PATH },
			{
				out: out.sink,
				err: err.sink,
				stopSignal: new AbortController().signal,
			},
		);
		expect(err.text()).toBe("");
		expect(code).toBe(0);
		const text = out.text();
		expect(text).toMatch(/seeded 3,000 profiles into SQLite/);
		expect(text).toContain("profile-service load run summary");
		expect(text).toMatch(/requests\s+[\d,]+ total, [\d,]+ req\/s/);
		expect(text).toMatch(/p50 [\d.]+ ms\s+p99 [\d.]+ ms/);
		expect(text).toMatch(/hit rate \d+\.\d%/);
		expect(text).toMatch(/fills coalesced [\d,]+/);
		expect(text).toContain("memcache shards");
		expect(text).toContain("net2 connection pools");
		expect(text).toMatch(/checked 3,000 ids: [\d,]+ cached, stale = 0/);
		const addresses = [...new Set(text.match(/127\.0\.0\.1:\d+/g) ?? [])];
		expect(addresses.length).toBeGreaterThanOrEqual(3);
		for (const a of addresses) {
			const port = Number(a.split(":")[1]);
			expect(await canConnect("127.0.0.1", port, 300)).toBe(false);
		}
		// Second run: the data is kept, nothing is seeded again.
		const again = capture();
		expect(
			await run(
				["--duration", "500ms", "--profiles", "3000", "--data-dir", dataDir],
				{ PATH: process.env.PATH },
				{
					out: again.sink,
					err: err.sink,
					stopSignal: new AbortController().signal,
				},
			),
		).toBe(0);
		expect(again.text()).toMatch(/using [\d,]+ existing profiles/);
	});

	it("`tsx src/main.ts` (what `pnpm demo` starts) exits 0 with the summary", async () => {
		const dataDir = tempDir();
		const { code, stdout, stderr } = await new Promise<{
			code: number;
			stdout: string;
			stderr: string;
		}>((resolve) => {
			execFile(
				process.execPath,
				[
					"--import",
					"tsx",
					"src/main.ts",
					"--duration",
					"1s",
					"--profiles",
					"2000",
					"--data-dir",
					dataDir,
				],
				{ cwd: PACKAGE_DIR, timeout: 60_000 },
				(error, stdout, stderr) =>
					resolve({
						code: error ? ((error as { code?: number }).code ?? 1) : 0,
						stdout,
						stderr,
					}),
			);
		});
		expect(stderr).toBe("");
		expect(code).toBe(0);
		expect(stdout).toMatch(/stale = 0/);
	});

	it("--serve keeps serving the API and the viewer until stopped, then cleans up", async () => {
		const dataDir = tempDir();
		const out = capture();
		const err = capture();
		const stop = new AbortController();
		const running = run(
			[
				"--serve",
				"--port",
				"0",
				"--profiles",
				"2000",
				"--background-rate",
				"50",
				"--data-dir",
				dataDir,
			],
			{ PATH: process.env.PATH },
			{ out: out.sink, err: err.sink, stopSignal: stop.signal },
		);
		await expect
			.poll(() => out.text(), { timeout: 20_000 })
			.toMatch(
				/serving the API and the live viewer at http:\/\/127\.0\.0\.1:\d+\//,
			);
		const url = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(
			out.text(),
		)?.[1] as string;
		const page = await fetch(`${url}/`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain("<title>profile-service");
		const profile = await fetch(`${url}/profiles/12`);
		expect(profile.status).toBe(200);
		const snapshot = (await (await fetch(`${url}/api/snapshot`)).json()) as {
			shards: { address: string }[];
			backgroundRate: number;
		};
		expect(snapshot.shards).toHaveLength(3);
		expect(snapshot.backgroundRate).toBe(50);
		stop.abort();
		expect(await running).toBe(0);
		expect(err.text()).toBe("");
		const port = Number(new URL(url).port);
		expect(await canConnect("127.0.0.1", port, 300)).toBe(false);
		for (const a of snapshot.shards.map(
			(s: { address: string }) => s.address,
		)) {
			expect(await canConnect("127.0.0.1", Number(a.split(":")[1]), 300)).toBe(
				false,
			);
		}
	});
});
