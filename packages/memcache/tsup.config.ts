import { defineConfig } from "tsup";

export default defineConfig({
	entry: {
		index: "src/index.ts",
		// The `./etcd` subpath (needs the optional peer `etcd3`, kept external) and the CLI that
		// bin/godropbox-ts-shards.js loads.
		"etcd/index": "src/etcd/index.ts",
		"etcd/cli": "src/etcd/cli.ts",
	},
	// The etcd entries import the main entry by the package's own name: keep it external so the
	// built etcd entry shares the main entry's classes instead of bundling a second copy.
	external: ["@godropbox-ts/memcache"],
	format: ["esm", "cjs"],
	dts: true,
	sourcemap: true,
	clean: true,
	target: "node20",
	tsconfig: "tsconfig.json",
});
