// Runs the godropbox-ts-shards CLI from source (tests spawn it with `node --import tsx`), the
// same function bin/godropbox-ts-shards.js runs from dist/.
import { runShardsCli } from "../../src/etcd/cli.js";

process.exitCode = await runShardsCli(process.argv.slice(2));
