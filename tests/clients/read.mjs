// Reads an RSS feed on stdin with two independent readers and prints what each made of it, as
// JSON: podcast-partytime (the Podcast Index's parser, https://github.com/RyanHirsch/partytime)
// and feedsmith (https://github.com/macieklamberski/feedsmith). Used by tests/exporters.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseRssFeed } from "feedsmith";

process.env.LOG = "silent";
const require = createRequire(import.meta.url);
const { parseFeed } = require("podcast-partytime");
const xml = readFileSync(0, "utf-8");
const result = { partytime: parseFeed(xml, { allowMissingGuid: false }), feedsmith: parseRssFeed(xml) };
process.stdout.write(JSON.stringify(result));
