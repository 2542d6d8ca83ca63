import { describe, expect, it } from 'vitest';
import { mixOverTime, ranked, topEmotionCounts } from './summary';

describe('summaries', () => {
  it('counts faces per top emotion, most frequent first', () => {
    const counts = topEmotionCounts([{ top: { emotion: 'happy' } }, { top: { emotion: 'sad' } }, { top: { emotion: 'happy' } }, { top: 'neutral' }]);
    expect(counts).toMatchObject({ happy: 2, sad: 1, neutral: 1, angry: 0 });
    expect(ranked(counts).map((r) => r.emotion)).toEqual(['happy', 'sad', 'neutral']);
  });

  it('the mix over time: per stretch of the recording, the share of each top emotion', () => {
    const rows = [
      { t: 0, top: 'happy' as const },
      { t: 100, top: 'happy' as const },
      { t: 600, top: 'sad' as const },
      { t: 900, top: 'happy' as const },
    ];
    const mix = mixOverTime(rows, 1000, 2);
    expect(mix[0]).toMatchObject({ happy: 1, sad: 0 });
    expect(mix[1]).toMatchObject({ happy: 0.5, sad: 0.5 });
    expect(mixOverTime([], 1000, 3)).toHaveLength(3);
  });
});
