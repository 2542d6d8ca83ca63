import { describe, expect, it } from 'vitest';
import { neutralTable, suiteTable } from './evaluate-model';
import { confusionMatrix, summarizeConfusion } from './lib/metrics';

describe('the suite printout', () => {
  // CK+48-like: no neutral faces; 4 angry faces, 2 read as neutral
  const ck = summarizeConfusion(confusionMatrix([0, 0, 0, 0, 3, 3], [0, 0, 6, 6, 3, 3]));
  const fer = summarizeConfusion(confusionMatrix([6, 6, 3], [6, 6, 3]));
  const splits = { PublicTest: fer, 'CK+48': ck, 'posed-more:test': fer, 'expw:test': ck };

  it('has a mean class recall column beside accuracy and macro-F1', () => {
    const table = suiteTable(splits);
    expect(table.split('\n')[0]).toContain('| acc % | macro-F1 | mean recall % |');
    // CK+48: recalls angry 0.5, happy 1.0 -> 75.0; accuracy 4/6 = 66.7
    expect(table).toContain('| CK+48 | 6 | 66.7 | ');
    expect(table.split('\n').find((l) => l.startsWith('| CK+48'))).toMatch(/\| 66\.7 \| [0-9.]+ \| 75\.0 \|/);
  });

  it('prints the posed sets apart with "neutral" said against neutral faces, and only them', () => {
    const table = neutralTable(splits);
    expect(table).toContain('| CK+48 | 6 | 33.3 | 0.0 | 75.0 |');
    expect(table).toContain('| posed-more:test | 3 | 66.7 | 66.7 | 100.0 |');
    expect(table).not.toContain('PublicTest');
    expect(table).not.toContain('expw');
  });
});
