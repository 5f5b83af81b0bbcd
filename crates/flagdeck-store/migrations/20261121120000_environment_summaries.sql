-- Flag summaries gain `environments`: per environment whether it is enabled, whether it has an
-- off variation, the schedule steps that switch it and the last step's instant, so the list's
-- per-environment state filter reads no document; the project's summary gains its environment
-- keys. Schedule instants are RFC 3339 text that SQL would parse differently from the code that
-- writes summaries, so this migration's rows are rewritten by that code (the migration's Rust
-- step, `rewrite_summaries`), in the same transaction. Nothing changes in the schema.
SELECT 1;
