import { LocalMapStorage } from "../../src/index.js";
import { storageConformanceSuite } from "../helpers/conformance.js";
import { type Item, keyOf } from "../helpers/items.js";

storageConformanceSuite("LocalMapStorage", async () => ({
	storage: new LocalMapStorage<string, Item>({ keyOf }),
	ttl: { ttlMs: 30, waitMs: 80 },
}));
