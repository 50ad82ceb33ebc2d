import { defineConfig } from "vitest/config";
import { projects } from "./vitest.workspace.ts";

export default defineConfig({
	test: {
		projects,
		// Integration suites start real servers; give them room on a 2-core CI machine.
		testTimeout: 30_000,
		hookTimeout: 60_000,
	},
});
