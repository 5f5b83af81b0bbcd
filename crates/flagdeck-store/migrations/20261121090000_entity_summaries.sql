-- A short summary of each entity (name, description, type, tags, owner) next to its JSON, so
-- listing and searching 10,000 flags reads a few bytes per row instead of parsing every document.
-- The store keeps it in step with `json` on every write.

ALTER TABLE base_entities ADD COLUMN summary TEXT NOT NULL DEFAULT '{}';
ALTER TABLE drafts ADD COLUMN summary TEXT NOT NULL DEFAULT '{}';

UPDATE base_entities SET summary = json_object(
    'name', json_extract(json, '$.name'),
    'description', json_extract(json, '$.description'),
    'type', json_extract(json, '$.type'),
    'tags', json(coalesce(json_extract(json, '$.tags'), '[]')),
    'owner', json_extract(json, '$.owner'));
UPDATE drafts SET summary = json_object(
    'name', json_extract(json, '$.name'),
    'description', json_extract(json, '$.description'),
    'type', json_extract(json, '$.type'),
    'tags', json(coalesce(json_extract(json, '$.tags'), '[]')),
    'owner', json_extract(json, '$.owner'))
WHERE json IS NOT NULL;
