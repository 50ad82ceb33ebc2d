#!/usr/bin/env node
// The `godropbox-ts-shards` bin: runs the built CLI (dist/etcd/cli.js). From a source checkout
// without a build, run `node --import tsx packages/memcache/test/etcd-helpers/shards-cli.ts`.
let cli;
try {
	cli = await import("../dist/etcd/cli.js");
} catch (err) {
	if (err?.code === "ERR_UNKNOWN_FILE_EXTENSION") {
		// A workspace checkout: the package's own exports point at src/*.ts until it is packed.
		process.stderr.write(
			"godropbox-ts-shards: in a source checkout run `node --import tsx packages/memcache/test/etcd-helpers/shards-cli.ts` (the bin runs from the published package)\n",
		);
		process.exit(1);
	}
	if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
	const missing = String(err.message).includes("etcd3")
		? "the etcd3 package is missing: install it next to @godropbox-ts/memcache (npm i etcd3)"
		: "dist/ is missing: build the package first (pnpm --filter @godropbox-ts/memcache build)";
	process.stderr.write(`godropbox-ts-shards: ${missing}\n`);
	process.exit(1);
}
process.exitCode = await cli.runShardsCli(process.argv.slice(2));
