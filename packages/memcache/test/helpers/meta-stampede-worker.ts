// Child process of meta-stampede.test.ts: `tsx meta-stampede-worker.ts <address> <key> <n>`.
// Prints "ready", waits for "go" on stdin, runs the stampede, prints one JSON line, exits.
import { RawMetaClient } from "../../src/raw-meta-client.js";
import { stampede } from "./meta-stampede.js";

const [address, key, n] = process.argv.slice(2);
const client = new RawMetaClient({
	address: address as string,
	timeout: 10_000,
});
// Open the connections before the start signal so both processes start on equal terms.
await client.version();
process.stdout.write("ready\n");
process.stdin.setEncoding("utf8");
process.stdin.once("data", async () => {
	const r = await stampede(
		client,
		key as string,
		Number(n),
		true,
		`child${process.pid}`,
	);
	process.stdout.write(`${JSON.stringify(r)}\n`);
	await client.close();
	process.exit(0);
});
