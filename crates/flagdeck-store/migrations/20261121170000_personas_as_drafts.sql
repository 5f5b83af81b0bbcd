-- Personas become repository entities (`personas/<key>.json`), kept like flags and segments: a
-- base row when synced, a draft while local. The old local-only `personas` table goes: each of
-- its rows becomes a persona draft ({"key", "name", "context"}, source 'import'), so nothing is
-- lost and the next sync shares it. A key that is not a valid file name is turned into one, and
-- the summary is written by the code that writes every summary, so the rows are moved by this
-- migration's Rust step (`persona_drafts::move_personas_to_drafts`), which then drops the table,
-- in the same transaction. Nothing else changes in the schema.
SELECT 1;
