/**
 * The test projects, one per package. The root vitest.config.ts reads this list as
 * `test.projects` (vitest 4 no longer picks up a workspace file by its name).
 */
export const projects = [
	"packages/test-utils",
	"packages/errors",
	"packages/hash2",
	"packages/net2",
	"packages/memcache",
	"packages/sqlbuilder",
	"packages/caching",
	"examples/profile-service",
];
