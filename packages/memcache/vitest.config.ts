import { defineProject } from "vitest/config";

export default defineProject({
	test: {
		name: "memcache",
		include: ["test/**/*.test.ts"],
		typecheck: {
			enabled: true,
			include: ["test/types/**/*.test-d.ts"],
			tsconfig: "./tsconfig.json",
		},
	},
});
