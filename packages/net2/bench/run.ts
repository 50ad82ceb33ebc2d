// Acquire+release cycles per second: @godropbox-ts/net2 vs raw generic-pool and tarn, all three
// pooling real loopback sockets to one echo server, max 10 connections per pool, in one process.
// Run: cd packages/net2 && npx tsx bench/run.ts   (BENCH_TIME_MS, BENCH_ROUNDS tune it)
import net from "node:net";
import {
	type BenchRow,
	benchMarkdown,
	runScenario,
	writeBenchReport,
} from "@godropbox-ts/test-utils";
import genericPool from "generic-pool";
import { Pool as TarnPool } from "tarn";
import { MultiConnectionPool } from "../src/index.js";

const MAX = 10;
const CYCLES_PER_CALL = 100;

const server = net.createServer((s) => {
	s.on("error", () => {});
	s.resume();
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const port = (server.address() as net.AddressInfo).port;
const address = `127.0.0.1:${port}`;

function connect(): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const s = net.connect({ host: "127.0.0.1", port, noDelay: true });
		s.once("connect", () => resolve(s));
		s.once("error", reject);
	});
}

const ours = new MultiConnectionPool({
	maxActiveConnections: MAX,
	maxIdleConnections: MAX,
});
ours.register("tcp", address);

const gp = genericPool.createPool<net.Socket>(
	{
		create: connect,
		destroy: async (s) => {
			s.destroy();
		},
	},
	{ max: MAX, min: 0, acquireTimeoutMillis: 5_000 },
);

const tarn = new TarnPool<net.Socket>({
	create: connect,
	destroy: (s) => s.destroy(),
	min: 0,
	max: MAX,
	acquireTimeoutMillis: 5_000,
});

/** `borrowers` concurrent loops sharing CYCLES_PER_CALL acquire+release cycles. */
function workload(
	borrowers: number,
	cycle: () => Promise<void>,
): () => Promise<void> {
	const each = CYCLES_PER_CALL / borrowers;
	const loop = async (): Promise<void> => {
		for (let i = 0; i < each; i++) await cycle();
	};
	return async () => {
		const runs: Promise<void>[] = [];
		for (let b = 0; b < borrowers; b++) runs.push(loop());
		await Promise.all(runs);
	};
}

const oursCycle = async (): Promise<void> => {
	const c = await ours.get("tcp", address);
	c.release();
};
const gpCycle = async (): Promise<void> => {
	const s = await gp.acquire();
	gp.release(s);
};
const tarnCycle = async (): Promise<void> => {
	const s = await tarn.acquire().promise;
	tarn.release(s);
};

const results: { title: string; rows: BenchRow[] }[] = [];
for (const borrowers of [1, 10, 100]) {
	const title = `acquire+release, ${borrowers} concurrent borrower${borrowers > 1 ? "s" : ""} (max ${MAX} sockets)`;
	const rows = await runScenario({
		title,
		ours: { name: "@godropbox-ts/net2", fn: workload(borrowers, oursCycle) },
		peers: [
			{ name: "generic-pool (raw)", fn: workload(borrowers, gpCycle) },
			{ name: "tarn", fn: workload(borrowers, tarnCycle) },
		],
		opsPerCall: CYCLES_PER_CALL,
	});
	results.push({ title, rows });
}

const markdown = benchMarkdown(
	`@godropbox-ts/net2 (Node ${process.version}, ${process.platform}/${process.arch})`,
	results,
);
console.log(`\n${markdown}`);
writeBenchReport(markdown);

await ours.close();
await gp.drain();
await gp.clear();
await tarn.destroy();
server.close();
