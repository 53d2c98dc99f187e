import { describe, expect, it } from 'vitest';
import { parseCardText, stripUnsafeText } from '../../idcard/card';
import { buildCardText, sampleCards } from '../../idcard/synthetic';

describe('card text from an untrusted chip', () => {
  it('drops control and bidi-override characters from every text field', () => {
    const card = parseCardText(buildCardText({
      ...sampleCards.resident,
      name: '张\u202e测试',
      address: '北京市\n朝阳区\u0007测试路\u20661号\u200f',
    }));
    expect(card.name).toBe('张测试');
    expect(card.type === 'resident' && card.address).toBe('北京市朝阳区测试路1号');
  });

  it('keeps ordinary Chinese, Latin and punctuation untouched', () => {
    expect(stripUnsafeText('SAMPLE, ALEX JORDAN · 艾力（测试）')).toBe('SAMPLE, ALEX JORDAN · 艾力（测试）');
    expect(stripUnsafeText('a\u0000b\u001bc\u0085d\u061ce\ufefff')).toBe('abcdef');
  });
});
