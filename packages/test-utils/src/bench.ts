import fs from "node:fs";

/** One contender in a benchmark scenario: ours or a peer library. */
export interface BenchContender {
	/** Display name, e.g. `'@godropbox-ts/memcache'` or `'memjs'`. */
	readonly name: string;
	/** One operation (or one batch of `opsPerCall` operations). */
	readonly fn: () => unknown | Promise<unknown>;
}

/** A scenario: our implementation and the peers doing the same work. */
export interface BenchScenario {
	readonly title: string;
	/** Our implementation; ratios are ours ÷ peer. */
	readonly ours: BenchContender;
	readonly peers: readonly BenchContender[];
	/** Operations performed by one call of `fn` (for ops/s). @defaultValue 1 */
	readonly opsPerCall?: number | undefined;
}

/** Result of one contender in one scenario. */
export interface BenchRow {
	readonly name: string;
	readonly opsPerSec: number;
	/** ours ÷ this contender (1 for ours). */
	readonly ratio: number;
}

/** Limits: every loop is bounded in time and count. Env overrides: BENCH_TIME_MS, BENCH_ROUNDS. */
export interface BenchLimits {
	/** Time per contender per round, ms. @defaultValue 300 (env BENCH_TIME_MS) */
	readonly timeMs?: number | undefined;
	/** Interleaved rounds. @defaultValue 5 (env BENCH_ROUNDS) */
	readonly rounds?: number | undefined;
	/** Hard cap of calls per contender per round. @defaultValue 5_000_000 */
	readonly maxCalls?: number | undefined;
}

async function measure(
	fn: () => unknown,
	timeMs: number,
	maxCalls: number,
): Promise<{ calls: number; ms: number }> {
	// Detect sync vs async once; async functions are awaited one call at a time (the function
	// itself decides its concurrency, e.g. by running 100 requests in one call).
	const first = fn();
	const isAsync = first instanceof Promise;
	if (isAsync) await first;
	let calls = 0;
	const start = performance.now();
	const deadline = start + timeMs;
	if (isAsync) {
		while (calls < maxCalls && performance.now() < deadline) {
			await fn();
			calls++;
		}
	} else {
		while (calls < maxCalls) {
			for (let i = 0; i < 64; i++) fn();
			calls += 64;
			if (performance.now() >= deadline) break;
		}
	}
	return { calls, ms: performance.now() - start };
}

/**
 * Runs each scenario's contenders in interleaved rounds (ours, peer1, peer2, ours, …), takes the
 * median ops/s per contender, prints a table and returns the rows.
 */
export async function runScenario(
	scenario: BenchScenario,
	limits: BenchLimits = {},
): Promise<BenchRow[]> {
	const timeMs = limits.timeMs ?? Number(process.env.BENCH_TIME_MS ?? 300);
	const rounds = limits.rounds ?? Number(process.env.BENCH_ROUNDS ?? 5);
	const maxCalls = limits.maxCalls ?? 5_000_000;
	const opsPerCall = scenario.opsPerCall ?? 1;
	const contenders = [scenario.ours, ...scenario.peers];
	const samples = contenders.map(() => [] as number[]);
	for (let r = 0; r < rounds; r++) {
		for (let i = 0; i < contenders.length; i++) {
			const c = contenders[(i + r) % contenders.length] as BenchContender;
			const idx = contenders.indexOf(c);
			const { calls, ms } = await measure(c.fn, timeMs, maxCalls);
			(samples[idx] as number[]).push((calls * opsPerCall * 1000) / ms);
		}
	}
	const median = (xs: number[]): number => {
		const s = [...xs].sort((a, b) => a - b);
		return s[Math.floor(s.length / 2)] ?? 0;
	};
	const ops = samples.map(median);
	const ourOps = ops[0] ?? 0;
	const rows = contenders.map((c, i) => ({
		name: c.name,
		opsPerSec: ops[i] ?? 0,
		ratio: ourOps / (ops[i] ?? 1),
	}));
	console.log(`\n${scenario.title}`);
	console.table(
		rows.map((r) => ({
			library: r.name,
			"ops/s": Math.round(r.opsPerSec).toLocaleString("en-US"),
			"ours ÷ it": r.ratio.toFixed(2),
		})),
	);
	return rows;
}

/** Renders scenario results as a markdown section. */
export function benchMarkdown(
	packageTitle: string,
	results: readonly { title: string; rows: readonly BenchRow[] }[],
): string {
	const parts = [`## ${packageTitle}\n`];
	for (const { title, rows } of results) {
		parts.push(
			`### ${title}\n\n| library | ops/s | ours ÷ it |\n|---|---:|---:|`,
		);
		for (const r of rows)
			parts.push(
				`| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString("en-US")} | ${r.ratio.toFixed(2)}× |`,
			);
		parts.push("");
	}
	return parts.join("\n");
}

/** Writes the markdown section to `BENCH_REPORT` when the root `pnpm bench` asked for it. */
export function writeBenchReport(markdown: string): void {
	const file = process.env.BENCH_REPORT;
	if (file) fs.writeFileSync(file, markdown);
}
