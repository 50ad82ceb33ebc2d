import { defineProject } from "vitest/config";

export default defineProject({
	test: {
		name: "caching",
		include: ["test/**/*.test.ts"],
		typecheck: {
			enabled: true,
			include: ["test/types/**/*.test-d.ts"],
			tsconfig: "./tsconfig.typecheck.json",
		},
	},
});
