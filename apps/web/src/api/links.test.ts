// The page keeps a copy of the model's default link thresholds (so zod stays out of its bundle): the same.
import { describe, expect, it } from 'vitest';
import { defaultLinkThresholds } from '@quorate/model';
import { DEFAULT_LINK_THRESHOLDS } from './links';

describe('DEFAULT_LINK_THRESHOLDS', () => {
  it("equals the model's defaults", () => {
    expect(DEFAULT_LINK_THRESHOLDS).toEqual(defaultLinkThresholds);
  });
});
