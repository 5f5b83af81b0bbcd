// What every part of the condition builder receives besides its own condition.
import type { AttributeInfo } from '../../bindings/AttributeInfo';

export type SegmentOption = { key: string; name: string };

export type ConditionEnv = {
  attributes: AttributeInfo[];
  segments: SegmentOption[];
  errors: ReadonlyMap<string, string>;
};
