import { defineProject } from "vitest/config";

export default defineProject({
	test: {
		name: "net2",
		include: ["test/**/*.test.ts"],
		typecheck: {
			enabled: true,
			include: ["test/types/**/*.test-d.ts"],
			tsconfig: "./tsconfig.json",
		},
	},
});
