// A client process for the cross-process agreement test: watches the shard map with its own
// EtcdShardManager and, on "dump <version>" from stdin, prints the shard of every test key once
// its map is at that version. Usage: shard-client.ts <endpoints,...> <key> <numKeys>
import { createInterface } from "node:readline";
import { EtcdShardManager } from "../../src/etcd/index.js";

const [endpoints = "", key = "", numKeys = "1000"] = process.argv.slice(2);
const keys = Array.from({ length: Number(numKeys) }, (_, i) => `user:${i}`);
const manager = await EtcdShardManager.create({
	endpoints: endpoints.split(","),
	key,
	startTimeoutMs: 30_000,
});
process.stdout.write("ready\n");
const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
	const [cmd, arg] = line.trim().split(" ");
	if (cmd === "quit") break;
	if (cmd !== "dump") continue;
	const want = Number(arg);
	const deadline = Date.now() + 30_000;
	while (manager.stats.mapVersion < want && Date.now() < deadline)
		await new Promise((r) => setTimeout(r, 5));
	const lookups = keys.map((k) => manager.getShard(k));
	process.stdout.write(
		`${JSON.stringify({
			version: manager.stats.mapVersion,
			shards: lookups.map((l) => l.shardId),
			addresses: lookups.map((l) => l.address),
			serve: lookups.map((l) => l.serve),
		})}\n`,
	);
}
rl.close();
await manager.close();
