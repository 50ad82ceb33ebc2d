import { defineProject } from "vitest/config";

export default defineProject({
	test: {
		name: "profile-service",
		include: ["test/**/*.test.ts"],
		// Integration suites start memcached, SQLite, the service and Chromium on a 2-core machine.
		testTimeout: 60_000,
		hookTimeout: 60_000,
	},
});
